/**
 * pods/log, pods/exec, pods/attach and pods/portforward: the API server finds the pod's node
 * and passes the request on to the node agent's kubelet API, as upstream's pod REST storage
 * does (pkg/registry/core/pod/strategy.go LogLocation, streamLocation, PortForwardLocation;
 * rest/log.go and subresources.go).
 *
 *   pods/log          GET  -> https://NODE:PORT/containerLogs/NS/POD/CONTAINER?follow=...   (streamed)
 *   pods/exec         GET (WebSocket) | POST (SPDY) upgrade -> /exec/NS/POD/CONTAINER?command=...
 *   pods/attach       same                                   -> /attach/NS/POD/CONTAINER?...
 *   pods/portforward  same                                   -> /portForward/NS/POD
 *
 * The node is reached at its InternalIP and daemonEndpoints port with the kubelet-client
 * certificate. Its serving certificate is not verified: upstream does the same unless
 * --kubelet-certificate-authority is given, and a node agent started alone has only a
 * self-signed one. For upgrades the API server is a byte pipe: the request is replayed
 * with its upgrade headers, the node's answer relayed (101 or a refusal with its Status
 * body), and both sockets joined; either side closing closes the other.
 */
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BadRequestError, StatusError, isPlainObject, type KubeObject } from "../../api/index.js";
import type { GenericRegistry } from "../registry/generic-registry.js";

/** The API server's client certificate for node agents (kubeadm's apiserver-kubelet-client). */
export interface KubeletClientCredentials {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface PodProxyDeps {
  readonly pods: GenericRegistry;
  readonly nodes: GenericRegistry;
  readonly kubeletClient: KubeletClientCredentials | undefined;
}

export type StreamingSubresource = "log" | "exec" | "attach" | "portforward";

/**
 * The verb each streaming subresource is authorized with. exec, attach and portforward are
 * `create` whatever the method: kubectl 1.30+ opens them with a WebSocket GET, and upstream
 * checks `create` for it too (KEP-4006), so reading rights never open a shell.
 */
export const streamingSubresourceVerbs: Readonly<Record<StreamingSubresource, "get" | "create">> = {
  log: "get",
  exec: "create",
  attach: "create",
  portforward: "create",
};

export function isStreamingSubresource(resource: string, group: string, subresource: string): subresource is StreamingSubresource {
  return group === "" && resource === "pods" && Object.hasOwn(streamingSubresourceVerbs, subresource);
}

/** The node URL a request goes to, or undefined for logs of a pod not yet on a node (an empty log, as upstream). */
export async function nodeLocation(deps: PodProxyDeps, namespace: string, podName: string, subresource: StreamingSubresource, query: URLSearchParams): Promise<URL | undefined> {
  const pod = await deps.pods.get(namespace, podName);
  const spec = isPlainObject(pod["spec"]) ? pod["spec"] : {};
  const names = (list: string): string[] =>
    Array.isArray(spec[list]) ? (spec[list] as unknown[]).flatMap((c) => (isPlainObject(c) && typeof c["name"] === "string" ? [c["name"]] : [])) : [];
  const containers = names("containers");
  const initContainers = names("initContainers");
  const all = [...initContainers, ...containers, ...names("ephemeralContainers")];
  const nodeName = typeof spec["nodeName"] === "string" ? spec["nodeName"] : "";
  const esc = encodeURIComponent;

  if (subresource === "portforward") {
    if (!nodeName) throw new BadRequestError(`pod ${podName} does not have a host assigned`);
    const url = new URL(`/portForward/${esc(namespace)}/${esc(podName)}`, await nodeBase(deps, nodeName));
    // PodPortForwardOptions.ports travel as `port`, as upstream's PortForwardLocation sends them
    // (kubectl sends none; the WebSocket channel form of the JavaScript client needs them).
    for (const port of query.getAll("ports")) url.searchParams.append("port", port);
    return url;
  }

  let container = query.get("container") ?? "";
  if (container === "") {
    if (containers.length === 1) container = containers[0]!;
    else if (containers.length === 0) throw new BadRequestError(`a container name must be specified for pod ${podName}`);
    else if (subresource === "log") {
      // Go's %s of a []string: every container, init containers first (VisitContainers).
      throw new BadRequestError(`a container name must be specified for pod ${podName}, choose one of: [${all.join(" ")}]`);
    } else {
      let message = `a container name must be specified for pod ${podName}, choose one of: [${containers.join(" ")}]`;
      if (initContainers.length > 0) message += ` or one of the init containers: [${initContainers.join(" ")}]`;
      throw new BadRequestError(message);
    }
  } else if (!all.includes(container)) {
    throw new BadRequestError(`container ${container} is not valid for pod ${podName}`);
  }
  if (!nodeName) {
    if (subresource === "log") return undefined;
    throw new BadRequestError(`pod ${podName} does not have a host assigned`);
  }
  const path = subresource === "log" ? "containerLogs" : subresource;
  const url = new URL(`/${path}/${esc(namespace)}/${esc(podName)}/${esc(container)}`, await nodeBase(deps, nodeName));
  const keys = subresource === "log"
    ? ["follow", "previous", "sinceSeconds", "sinceTime", "timestamps", "tailLines", "limitBytes"]
    : ["command", "stdin", "stdout", "stderr", "tty"];
  for (const key of keys) for (const value of query.getAll(key)) url.searchParams.append(key, value);
  validateLogQuery(subresource, url.searchParams);
  return url;
}

/** PodLogOptions validation (upstream ValidatePodLogOptions), as a 400 before the node is asked. */
function validateLogQuery(subresource: StreamingSubresource, q: URLSearchParams): void {
  if (subresource !== "log") return;
  const check = (name: string, min: number): void => {
    const v = q.get(name);
    if (v === null) return;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new BadRequestError(`${name}: Invalid value: "${v}": must be an integer`);
    if (n < min) throw new BadRequestError(`${name}: Invalid value: ${n}: must be greater than or equal to ${min}`);
  };
  check("tailLines", 0);
  check("limitBytes", 1);
  check("sinceSeconds", 1);
  if (q.has("sinceSeconds") && q.has("sinceTime")) throw new BadRequestError("at most one of `sinceTime` or `sinceSeconds` may be specified");
}

async function nodeBase(deps: PodProxyDeps, nodeName: string): Promise<string> {
  const node: KubeObject = await deps.nodes.get("", nodeName);
  const status = isPlainObject(node["status"]) ? node["status"] : {};
  const addresses = Array.isArray(status["addresses"]) ? (status["addresses"] as Array<{ type?: string; address?: string }>) : [];
  const address = addresses.find((a) => a.type === "InternalIP")?.address ?? addresses.find((a) => a.type === "Hostname")?.address;
  const endpoints = status["daemonEndpoints"] as { kubeletEndpoint?: { Port?: number } } | undefined;
  const port = endpoints?.kubeletEndpoint?.Port;
  if (!address || !port) throw new BadRequestError(`node ${nodeName} has no address or kubelet port to reach it by`);
  return `https://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

function nodeRequestOptions(deps: PodProxyDeps, url: URL, method: string, headers: Record<string, string>): RequestOptions {
  if (!deps.kubeletClient) throw new StatusError(503, "ServiceUnavailable", "the API server has no kubelet client certificate to reach nodes with");
  return {
    method,
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port,
    path: `${url.pathname}${url.search}`,
    headers,
    cert: deps.kubeletClient.certPem,
    key: deps.kubeletClient.keyPem,
    // Not verified: see the note at the top (upstream's default).
    rejectUnauthorized: false,
    // One connection per stream, closed with it: nothing pools a node connection a client left.
    agent: false,
  };
}

/** GET pods/log: the node's text streamed to the client, chunk by chunk; the node connection ends with the client's. */
export async function handlePodLog(res: ServerResponse, namespace: string, podName: string, query: URLSearchParams, deps: PodProxyDeps): Promise<void> {
  const url = await nodeLocation(deps, namespace, podName, "log", query);
  if (!url) {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": 0 });
    res.end();
    return;
  }
  const nodeReq = httpsRequest(nodeRequestOptions(deps, url, "GET", {}));
  const gone = (): void => void nodeReq.destroy();
  res.on("close", gone);
  try {
    const nodeRes = await new Promise<IncomingMessage>((resolve, reject) => {
      nodeReq.once("response", resolve);
      nodeReq.once("error", (e) => reject(new StatusError(500, "InternalError", `error trying to reach the node agent: ${e.message}`)));
      nodeReq.end();
    });
    const code = nodeRes.statusCode ?? 500;
    if (code !== 200) throw await nodeFailure(nodeRes, code);
    res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private", "X-Content-Type-Options": "nosniff" });
    res.flushHeaders();
    // Written as it arrives: Node sends each write at once (chunked), so `logs -f` lines are not held back.
    await pipeline(nodeRes, res).catch(() => undefined);
  } finally {
    res.off("close", gone);
    nodeReq.destroy();
  }
}

/** The node's refusal as the StatusError to relay: its own Status body, or its text in one. */
async function nodeFailure(res: IncomingMessage, code: number): Promise<StatusError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) break;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  try {
    const body = JSON.parse(text) as unknown;
    if (isPlainObject(body) && body["kind"] === "Status") return StatusError.fromStatus(body);
  } catch {
    // not JSON: the text is the message
  }
  return new StatusError(code, code === 400 ? "BadRequest" : code === 404 ? "NotFound" : "InternalError", text || `the node answered ${code}`);
}

/** The headers an upgrade needs on the node: the handshake ones, replayed as the client sent them. */
const upgradeHeaders = ["connection", "upgrade", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions", "x-stream-protocol-version", "user-agent"];

/**
 * An exec/attach/portforward upgrade: replays it to the node and, once the node switched
 * protocols, joins the two sockets. Errors before that are thrown (the caller refuses the
 * upgrade with a Status).
 */
export async function proxyPodUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, podName: string, subresource: StreamingSubresource, query: URLSearchParams, deps: PodProxyDeps): Promise<void> {
  const url = await nodeLocation(deps, namespace, podName, subresource, query);
  if (!url) throw new BadRequestError(`pod ${podName} does not have a host assigned`);
  const headers: Record<string, string> = {};
  for (const name of upgradeHeaders) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const nodeReq = httpsRequest(nodeRequestOptions(deps, url, req.method ?? "GET", headers));
  const clientGone = (): void => void nodeReq.destroy();
  socket.once("close", clientGone);
  await new Promise<void>((resolve, reject) => {
    nodeReq.once("error", (e) => reject(new StatusError(500, "InternalError", `error trying to reach the node agent: ${e.message}`)));
    nodeReq.once("upgrade", (nodeRes: IncomingMessage, nodeSocket: Duplex, nodeHead: Buffer) => {
      socket.off("close", clientGone);
      socket.write(responseHead(nodeRes));
      if (nodeHead.length > 0) socket.write(nodeHead);
      if (head.length > 0) nodeSocket.write(head);
      join(socket, nodeSocket);
      resolve();
    });
    nodeReq.once("response", (nodeRes: IncomingMessage) => {
      // A refusal: relayed as the node wrote it (status, headers, Status body), then closed.
      socket.off("close", clientGone);
      socket.write(responseHead(nodeRes, true));
      nodeRes.pipe(socket);
      nodeRes.once("end", () => socket.end());
      nodeRes.once("error", () => socket.destroy());
      resolve();
    });
    nodeReq.end();
  });
}

function responseHead(res: IncomingMessage, closing = false): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 500} ${res.statusMessage ?? ""}`];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i]!;
    // The body is relayed decoded and the connection closes after it.
    if (closing && /^(transfer-encoding|connection|keep-alive)$/i.test(name)) continue;
    lines.push(`${name}: ${res.rawHeaders[i + 1]!}`);
  }
  if (closing) lines.push("Connection: close");
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Bytes both ways; the first side to close or fail closes the other (nothing is left half-open). */
function join(a: Duplex, b: Duplex): void {
  for (const s of [a, b]) (s as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  a.pipe(b);
  b.pipe(a);
  const close = (): void => {
    a.destroy();
    b.destroy();
  };
  a.once("close", close);
  b.once("close", close);
  a.on("error", close);
  b.on("error", close);
}
