/**
 * The pods/log, exec and portforward proxy against a stand-in node: a real HTTPS server that
 * asks for client certificates and records what reaches it. The API server runs in process
 * with the kubelet-client certificate; the tests check what upstream's pod REST storage
 * answers (container defaulting texts, no host), the URL and query the node gets, the
 * identity it sees, the byte pipe after a 101, a refusal relayed with its Status, and that
 * a client going away closes the node connection.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { after, before, describe, test } from "node:test";
import { loadSchema } from "../../api/index.js";
import { systemClock } from "../../base/index.js";
import { openStore } from "../../store/index.js";
import { createApiServer, type ApiServer } from "../api-server.js";
import { createCertificateAuthority, issueCertificate, subjectAltNamesFor } from "../auth/index.js";

interface NodeHit {
  method: string;
  url: string;
  commonName: string | undefined;
  headers: IncomingMessage["headers"];
}

const admin = { username: "admin", groups: ["system:masters", "system:authenticated"] };
const node = { username: "system:node:a", groups: ["system:nodes", "system:authenticated"] };

describe("pod proxy", () => {
  const hits: NodeHit[] = [];
  const nodeSockets = new Set<Socket>();
  let logRequestClosed: Promise<void> = Promise.resolve();
  let dir: string;
  let api: ApiServer;
  let apiServer: Server;
  let apiPort: number;
  let nodeServer: ReturnType<typeof createHttpsServer>;
  const undo: Array<() => Promise<void> | void> = [];

  before(async () => {
    const now = new Date();
    const ca = await createCertificateAuthority("test-ca", 1, now);
    const serving = await issueCertificate(ca, { commonName: "node-a", usage: "serverAuth", subjectAltNames: subjectAltNamesFor([]), validityDays: 1 }, now);
    const kubeletClient = await issueCertificate(ca, { commonName: "kube-apiserver-kubelet-client", organizations: ["system:masters"], usage: "clientAuth", validityDays: 1 }, now);

    nodeServer = createHttpsServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true });
    nodeServer.on("secureConnection", (s: TLSSocket) => {
      nodeSockets.add(s);
      s.on("close", () => nodeSockets.delete(s));
    });
    const record = (req: IncomingMessage): void => {
      const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN as string | undefined;
      hits.push({ method: req.method ?? "", url: req.url ?? "", commonName: cn, headers: req.headers });
    };
    nodeServer.on("request", (req: IncomingMessage, res) => {
      record(req);
      if (req.url?.includes("/containerLogs/default/multi/b")) {
        const body = JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'container "b" in pod "multi" is waiting to start: ContainerCreating', reason: "BadRequest", code: 400 });
        res.writeHead(400, { "Content-Type": "application/json" });
        res.end(body);
        return;
      }
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("first line\n");
      if (req.url?.includes("follow=true")) {
        // Keeps streaming until the proxy goes away.
        logRequestClosed = new Promise((resolve) => res.on("close", () => resolve()));
        return;
      }
      res.end("second line\n");
    });
    nodeServer.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
      record(req);
      if (req.url?.startsWith("/portForward/")) {
        const body = JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "no such port", reason: "BadRequest", code: 400 });
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: ${String(req.headers["sec-websocket-protocol"])}\r\n\r\n`);
      socket.on("data", (c: Buffer) => {
        // "bye" makes the node end the stream, as an exec whose process exited does.
        if (c.toString() === "bye") socket.destroy();
        else socket.write(Buffer.concat([Buffer.from("echo:"), c]));
      });
    });
    await new Promise<void>((resolve) => nodeServer.listen(0, "127.0.0.1", resolve));
    undo.push(() => new Promise<void>((resolve) => {
      for (const s of nodeSockets) s.destroy();
      nodeServer.close(() => resolve());
    }));
    const nodePort = (nodeServer.address() as AddressInfo).port;

    dir = await mkdtemp(join(tmpdir(), "peapod-pod-proxy-test-"));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const store = await openStore(`sqlite://${join(dir, "state.db")}`);
    undo.push(() => store.close());
    api = await createApiServer({
      store,
      schema: await loadSchema(),
      clock: systemClock,
      kubeletClient,
      authenticate: (req) => (req.headers["x-test-user"] === "node" ? node : req.headers["x-test-user"] === "none" ? undefined : admin),
    });
    undo.push(() => api.close());
    apiServer = createHttpServer(api.handler);
    apiServer.on("upgrade", api.upgrade);
    await new Promise<void>((resolve) => apiServer.listen(0, "127.0.0.1", resolve));
    undo.push(() => new Promise<void>((resolve) => {
      apiServer.closeAllConnections();
      apiServer.close(() => resolve());
    }));
    apiPort = (apiServer.address() as AddressInfo).port;

    await post("/api/v1/nodes", {
      apiVersion: "v1", kind: "Node", metadata: { name: "node-a" },
      status: { addresses: [{ type: "InternalIP", address: "127.0.0.1" }, { type: "Hostname", address: "node-a" }], daemonEndpoints: { kubeletEndpoint: { Port: nodePort } } },
    });
    const pod = (name: string, spec: Record<string, unknown>) => post("/api/v1/namespaces/default/pods", { apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
    await pod("one", { nodeName: "node-a", containers: [{ name: "c", image: "busybox" }] });
    await pod("multi", { nodeName: "node-a", initContainers: [{ name: "i", image: "busybox" }], containers: [{ name: "a", image: "busybox" }, { name: "b", image: "busybox" }] });
    await pod("unscheduled", { containers: [{ name: "c", image: "busybox" }] });
  });
  after(async () => {
    for (const step of undo.reverse()) await step();
  });

  async function post(path: string, body: unknown): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.text());
  }

  async function get(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`);
    return { status: res.status, text: await res.text() };
  }

  /** A raw upgrade request; resolves with the reply head and body once the server closes or switched. */
  function upgrade(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; head: string; body: string; socket: Socket }> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(apiPort, "127.0.0.1", () => {
        socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\nSec-WebSocket-Key: a2V5\r\nSec-WebSocket-Version: 13\r\n${Object.entries(headers).map(([h, v]) => `${h}: ${v}\r\n`).join("")}\r\n`);
      });
      let data = "";
      const settle = (): void => {
        const at = data.indexOf("\r\n\r\n");
        if (at < 0) return;
        const head = data.slice(0, at);
        const status = Number(head.split(" ")[1]);
        if (status === 101) {
          socket.removeAllListeners("data");
          resolve({ status, head, body: data.slice(at + 4), socket });
        }
      };
      socket.on("data", (c: Buffer) => {
        data += c.toString();
        settle();
      });
      socket.on("close", () => {
        const at = data.indexOf("\r\n\r\n");
        resolve({ status: Number(data.split(" ")[1]), head: data.slice(0, at), body: data.slice(at + 4), socket });
      });
      socket.on("error", reject);
    });
  }

  const message = (text: string): string => (JSON.parse(text) as { message: string }).message;

  test("logs: the node's containerLogs URL with the query mapped, the kubelet-client identity, the body relayed", async () => {
    hits.length = 0;
    const r = await get("/api/v1/namespaces/default/pods/one/log?tailLines=3&timestamps=true&limitBytes=100&sinceSeconds=5&previous=true&pretty=true");
    assert.equal(r.status, 200);
    assert.equal(r.text, "first line\nsecond line\n");
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.url, "/containerLogs/default/one/c?previous=true&sinceSeconds=5&timestamps=true&tailLines=3&limitBytes=100");
    assert.equal(hits[0]!.commonName, "kube-apiserver-kubelet-client");
  });

  const refusals: { name: string; path: string; upgrade?: boolean; code: number; message: string }[] = [
    { name: "logs of a pod with several containers need one", path: "/api/v1/namespaces/default/pods/multi/log", code: 400, message: "a container name must be specified for pod multi, choose one of: [i a b]" },
    { name: "exec names the init containers apart", path: "/api/v1/namespaces/default/pods/multi/exec?command=ls&stdout=true", upgrade: true, code: 400, message: "a container name must be specified for pod multi, choose one of: [a b] or one of the init containers: [i]" },
    { name: "an unknown container", path: "/api/v1/namespaces/default/pods/multi/log?container=x", code: 400, message: "container x is not valid for pod multi" },
    { name: "exec on a pod without a node", path: "/api/v1/namespaces/default/pods/unscheduled/exec?command=ls&stdout=true", upgrade: true, code: 400, message: "pod unscheduled does not have a host assigned" },
    { name: "portforward on a pod without a node", path: "/api/v1/namespaces/default/pods/unscheduled/portforward", upgrade: true, code: 400, message: "pod unscheduled does not have a host assigned" },
    { name: "a missing pod", path: "/api/v1/namespaces/default/pods/ghost/log", code: 404, message: 'pods "ghost" not found' },
    { name: "exec without an upgrade", path: "/api/v1/namespaces/default/pods/one/exec?command=ls", code: 400, message: "Upgrade request required" },
    { name: "a negative tailLines", path: "/api/v1/namespaces/default/pods/one/log?tailLines=-2", code: 400, message: "tailLines: Invalid value: -2: must be greater than or equal to 0" },
    { name: "the node's own Status is relayed", path: "/api/v1/namespaces/default/pods/multi/log?container=b", code: 400, message: 'container "b" in pod "multi" is waiting to start: ContainerCreating' },
  ];
  for (const c of refusals) {
    test(`refused: ${c.name}`, async () => {
      const r = c.upgrade ? await upgrade("GET", c.path) : await get(c.path);
      const body = "body" in r ? r.body : r.text;
      assert.equal(r.status, c.code, body);
      assert.equal(message(body), c.message);
    });
  }

  test("logs of a pod not on a node yet: empty, as upstream", async () => {
    assert.deepEqual(await get("/api/v1/namespaces/default/pods/unscheduled/log"), { status: 200, text: "" });
  });

  test("exec: a WebSocket GET authorized as create, replayed with its handshake, then a byte pipe both ways", async () => {
    hits.length = 0;
    const r = await upgrade("GET", "/api/v1/namespaces/default/pods/multi/exec?container=a&command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&tty=true", { "X-Stream-Protocol-Version": "v5.channel.k8s.io" });
    assert.equal(r.status, 101, r.head);
    assert.match(r.head, /Sec-WebSocket-Protocol: v5.channel.k8s.io/);
    const hit = hits[0]!;
    assert.equal(hit.url, "/exec/default/multi/a?command=sh&command=-c&command=echo+hi&stdin=true&stdout=true&tty=true");
    assert.equal(hit.headers["sec-websocket-key"], "a2V5");
    assert.equal(hit.headers["x-stream-protocol-version"], "v5.channel.k8s.io");
    const echoed = new Promise<string>((resolve) => r.socket.once("data", (c: Buffer) => resolve(c.toString())));
    r.socket.write("ping");
    assert.equal(await echoed, "echo:ping");
    // The client leaving closes the node side.
    const before = nodeSockets.size;
    r.socket.destroy();
    await waitUntil(() => nodeSockets.size < before);
  });

  test("the node ending the stream closes the client's connection", async () => {
    const r = await upgrade("GET", "/api/v1/namespaces/default/pods/one/attach?stdout=true");
    assert.equal(r.status, 101, r.head);
    assert.equal(hits.at(-1)!.url, "/attach/default/one/c?stdout=true");
    const closed = new Promise<void>((resolve) => r.socket.once("close", () => resolve()));
    r.socket.write("bye");
    await closed;
  });

  test("portforward: the node's refusal relayed with its Status", async () => {
    const r = await upgrade("POST", "/api/v1/namespaces/default/pods/one/portforward");
    assert.equal(r.status, 400);
    assert.equal(message(r.body), "no such port");
    assert.equal(hits.at(-1)!.url, "/portForward/default/one");
    assert.equal(hits.at(-1)!.method, "POST");
  });

  test("401 without credentials, 403 for a node on exec and portforward; a node may not read logs either", async () => {
    for (const path of ["/api/v1/namespaces/default/pods/one/exec?command=ls&stdout=true", "/api/v1/namespaces/default/pods/one/portforward"]) {
      const anonymous = await upgrade("GET", path, { "X-Test-User": "none" });
      assert.equal(anonymous.status, 401);
      const denied = await upgrade("GET", path, { "X-Test-User": "node" });
      assert.equal(denied.status, 403);
      assert.match(message(denied.body), /^pods "one" is forbidden: User "system:node:a" cannot create resource "pods\/(exec|portforward)" in API group "" in the namespace "default"$/);
    }
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/namespaces/default/pods/one/log`, { headers: { "X-Test-User": "node" } });
    assert.equal(res.status, 403);
    assert.match(message(await res.text()), /cannot get resource "pods\/log"/);
  });

  test("logs -f: streamed as it comes; the client leaving closes the node request", async () => {
    const body = await new Promise<{ first: string; req: ReturnType<typeof httpRequest> }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: apiPort, path: "/api/v1/namespaces/default/pods/one/log?follow=true" }, (res) => {
        res.once("data", (c: Buffer) => resolve({ first: c.toString(), req }));
      });
      req.on("error", () => undefined);
      req.on("error", reject);
      req.end();
    });
    assert.equal(body.first, "first line\n");
    const closed = logRequestClosed;
    body.req.destroy();
    await closed;
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
