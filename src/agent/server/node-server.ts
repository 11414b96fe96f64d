/**
 * The node agent's HTTPS server: the kubelet API the API server reaches for pods/log,
 * pods/exec, pods/attach and pods/portforward (upstream pkg/kubelet/server/server.go).
 *
 * Only the API server may call it. TLS asks every client for a certificate and checks it
 * against the cluster CA; a request without a verified certificate is 401, and one whose
 * certificate is not the API server's kubelet-client identity (CN
 * kube-apiserver-kubelet-client, O system:masters, as kubeadm issues it) is 403. Both
 * answers are Status JSON, as kubectl decodes them when the API server relays them.
 *
 * Routes are path patterns with `:name` segments; plain requests and connection upgrades
 * (WebSocket GET, SPDY POST) have separate tables, because Node hands upgrades to the
 * `upgrade` event with the raw socket instead of a response.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { InternalError, NotFoundPathError, StatusError, UnauthorizedError } from "../../api/index.js";
import { defaultStreamingConnectionIdleTimeoutMs, writeUpgradeRefusal } from "../../httpstream/index.js";

/** The subject the API server's kubelet client certificate carries (kubeadm's apiserver-kubelet-client). */
export const kubeletClientCommonName = "kube-apiserver-kubelet-client";
export const kubeletClientGroup = "system:masters";
/** The kubelet's default --port. */
export const defaultKubeletPort = 10250;

export type RouteParams = Readonly<Record<string, string>>;
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, params: RouteParams) => void | Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, params: RouteParams) => void;

export interface NodeServerTls {
  /** The node's serving certificate and key (PEM). */
  certPem: string;
  keyPem: string;
  /** The cluster CA (PEM) that client certificates must chain to. */
  caPem: string;
}

export interface NodeServerOptions {
  /** 0 picks a free port. */
  port: number;
  bindAddress: string;
  tls: NodeServerTls;
  log?: (message: string) => void;
  /**
   * The kubelet's --streaming-connection-idle-timeout: an exec, attach or port-forward
   * connection with no traffic for this long is closed. Default 4 h; 0: never.
   */
  streamingConnectionIdleTimeoutMs?: number;
}

interface Route<H> {
  segments: string[];
  handler: H;
}

export class NodeServer {
  readonly #o: NodeServerOptions;
  readonly #log: (message: string) => void;
  readonly #routes: Route<RouteHandler>[] = [];
  readonly #upgrades: Route<UpgradeHandler>[] = [];
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  constructor(options: NodeServerOptions) {
    this.#o = options;
    this.#log = options.log ?? ((m) => console.error(m));
    this.route("/healthz", (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("ok");
    });
  }

  /** A handler for plain requests whose path matches `pattern`, e.g. "/containerLogs/:namespace/:pod/:container". */
  route(pattern: string, handler: RouteHandler): void {
    this.#routes.push({ segments: splitPath(pattern), handler });
  }

  /** A handler for upgrade requests (WebSocket GET, SPDY POST) whose path matches `pattern`. */
  routeUpgrade(pattern: string, handler: UpgradeHandler): void {
    this.#upgrades.push({ segments: splitPath(pattern), handler });
  }

  /** What the streaming endpoints pass to the httpstream servers. */
  get streamingConnectionIdleTimeoutMs(): number {
    return this.#o.streamingConnectionIdleTimeoutMs ?? defaultStreamingConnectionIdleTimeoutMs;
  }

  /** The port bound once started (the real one when 0 was asked). */
  get port(): number {
    return this.#port;
  }

  async start(): Promise<number> {
    const { tls } = this.#o;
    // rejectUnauthorized off: the handshake completes without a good certificate so that the
    // client gets a 401 Status instead of a TLS alert; every request checks `authorized`.
    const server = createServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.caPem, requestCert: true, rejectUnauthorized: false });
    server.on("connection", (s: Socket) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    // TLS sockets are what requests arrive on; they must be destroyed at stop too.
    server.on("secureConnection", (s: TLSSocket) => {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
    });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void this.#onRequest(req, res));
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#onUpgrade(req, socket, head));
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#o.port, this.#o.bindAddress, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#server = server;
    const address = server.address();
    this.#port = typeof address === "object" && address ? address.port : this.#o.port;
    return this.#port;
  }

  /** Stops listening and cuts every open connection (streams in flight end). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  /** How many client connections are open (tests check that streams free theirs). */
  get openConnections(): number {
    let n = 0;
    for (const s of this.#sockets) if (!s.destroyed) n++;
    return n;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? "/", "https://node").pathname;
      if (path !== "/healthz") authorize(req);
      const match = matchRoute(this.#routes, path);
      if (!match) throw new NotFoundPathError();
      await match.route.handler(req, res, match.params);
    } catch (e) {
      writeStatus(res, e, this.#log);
    }
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => socket.destroy());
    try {
      authorize(req);
      const path = new URL(req.url ?? "/", "https://node").pathname;
      const match = matchRoute(this.#upgrades, path);
      if (!match) throw new NotFoundPathError();
      match.route.handler(req, socket, head, match.params);
    } catch (e) {
      refuseUpgrade(socket, e, this.#log);
    }
  }
}

/** 401 without a verified client certificate, 403 for any identity but the API server's. */
function authorize(req: IncomingMessage): void {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) throw new UnauthorizedError();
  const subject = socket.getPeerCertificate().subject;
  const cn = subject?.CN;
  const groups = subject?.O === undefined ? [] : ([] as string[]).concat(subject.O);
  if (cn === kubeletClientCommonName && groups.includes(kubeletClientGroup)) return;
  // The kubelet's words for a denied request (server.go authorize): the attributes it checked.
  const verb = req.method === "POST" ? "create" : "get";
  throw new StatusError(403, "Forbidden", `Forbidden (user=${String(cn)}, verb=${verb}, resource=nodes, subresource=proxy)`);
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchRoute<H>(routes: readonly Route<H>[], path: string): { route: Route<H>; params: RouteParams } | undefined {
  const parts = splitPath(path);
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const want = route.segments[i]!;
      let got: string;
      try {
        got = decodeURIComponent(parts[i]!);
      } catch {
        ok = false;
        break;
      }
      if (want.startsWith(":")) params[want.slice(1)] = got;
      else ok = want === got;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

function asStatusError(e: unknown, log: (m: string) => void): StatusError {
  if (e instanceof StatusError) return e;
  log(`node server: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new InternalError(e instanceof Error ? e.message : String(e));
}

/** The one place a failed node request becomes a Status body. */
export function writeStatus(res: ServerResponse, e: unknown, log: (m: string) => void = () => undefined): void {
  const err = asStatusError(e, log);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** A refused upgrade: an HTTP/1.1 reply with a Status body on the raw socket, then close. */
export function refuseUpgrade(socket: Duplex, e: unknown, log: (m: string) => void = () => undefined): void {
  const err = asStatusError(e, log);
  writeUpgradeRefusal(socket, err.code, JSON.stringify(err.toStatus()));
}
