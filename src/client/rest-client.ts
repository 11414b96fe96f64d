/**
 * The one way into the API for the agent, the scheduler and the controllers, embedded or
 * remote alike: JSON over HTTPS with a keep-alive connection pool, the server's CA and a
 * client certificate or bearer token. There is no in-process shortcut, so an embedded
 * agent behaves exactly as a remote one.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { createSecureContext } from "node:tls";
import type { KubeObject, Status } from "../api/index.js";
import { ApiError } from "./api-error.js";
import { readKubeconfig, type ClientConfig } from "./kubeconfig.js";
import { WatchStream } from "./watch-stream.js";

/** A resource as discovery names it (metav1.APIResource, reduced to what a path needs). */
export interface ApiResource {
  /** "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Default application/json when there is a body. */
  readonly contentType?: string;
}

export interface ClientOptions {
  /** Default "peapod". */
  readonly userAgent?: string;
  /** For every request but watches; default 60 s. */
  readonly requestTimeoutMs?: number;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: "Exact" | "NotOlderThan";
}

export interface WatchOptions {
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
}

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: "Orphan" | "Background" | "Foreground";
}

export interface ObjectList<T extends KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type PatchType = "merge" | "strategic" | "json";

const patchContentTypes: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
};

const defaultRequestTimeoutMs = 60_000;

export class ApiClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly headers: Record<string, string>;
  private readonly requestTimeoutMs: number;
  private readonly sockets = new Set<Socket>();

  constructor(config: ClientConfig, options: ClientOptions = {}) {
    this.base = new URL(config.server);
    this.requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.headers = { Accept: "application/json", "User-Agent": options.userAgent ?? "peapod" };
    if ("bearerToken" in config.auth) this.headers["Authorization"] = `Bearer ${config.auth.bearerToken}`;
    if (this.base.protocol === "https:") {
      this.transport = https;
      // One secure context for every connection: building one parses the CA, certificate and
      // key again, and a burst of requests opens many connections at once.
      const secureContext = createSecureContext({
        ...(config.ca ? { ca: config.ca } : {}),
        ...("clientCert" in config.auth ? { cert: config.auth.clientCert.certPem, key: config.auth.clientCert.keyPem } : {}),
      });
      this.agent = new https.Agent({ keepAlive: true, secureContext });
    } else if (this.base.protocol === "http:") {
      this.transport = http;
      this.agent = new http.Agent({ keepAlive: true });
    } else {
      throw new Error(`server ${config.server}: only https:// (or http://) URLs are supported`);
    }
  }

  /** The current context of a kubeconfig (or the named one). */
  static async fromKubeconfig(path: string, options: ClientOptions & { context?: string } = {}): Promise<ApiClient> {
    return new ApiClient(await readKubeconfig(path, options.context), options);
  }

  /** The base URL of the server. */
  get server(): string {
    return this.base.origin;
  }

  resource<T extends KubeObject = KubeObject>(resource: ApiResource): ResourceClient<T> {
    return new ResourceClient<T>(this, resource);
  }

  /** One request, answered with the parsed JSON body; a non-2xx answer throws ApiError. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    const text = await readText(res);
    if (res.statusCode! < 200 || res.statusCode! >= 300) throw ApiError.fromResponse(res.statusCode!, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A WATCH request; see WatchStream. */
  watch<T extends KubeObject>(path: string, query: Readonly<Record<string, QueryValue>>): WatchStream<T> {
    return new WatchStream<T>(async (signal) => {
      const res = await this.send("GET", path, { query: { ...query, watch: true } }, signal);
      if (res.statusCode !== 200) throw ApiError.fromResponse(res.statusCode!, await readText(res));
      return res;
    });
  }

  /**
   * Ends every connection, idle or in use: a request or watch still open fails as on a
   * dropped connection (stop informers first for a quiet shutdown). Later requests open
   * new connections.
   */
  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.agent.destroy();
  }

  /**
   * A kept-alive connection the server closes just as a request goes out on it ends that
   * request with ECONNRESET before the server read it. Go's transport retries those; so do
   * we, once, on a new connection.
   */
  private async send(method: string, path: string, options: RequestOptions, signal?: AbortSignal): Promise<http.IncomingMessage> {
    try {
      return await this.sendOnce(method, path, options, signal);
    } catch (e) {
      if (!(e instanceof StaleConnectionError)) throw e;
      return this.sendOnce(method, path, options, signal);
    }
  }

  private sendOnce(method: string, path: string, options: RequestOptions, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    }
    const headers = { ...this.headers };
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (body) {
      headers["Content-Type"] = options.contentType ?? "application/json";
      headers["Content-Length"] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const req = this.transport.request(url, { method, headers, agent: this.agent, ...(signal ? { signal } : {}) }, resolve);
      req.on("error", (e: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE") ? new StaleConnectionError(e) : e);
      });
      req.on("socket", (socket) => {
        if (this.sockets.has(socket)) return;
        this.sockets.add(socket);
        socket.once("close", () => this.sockets.delete(socket));
      });
      // A watch is long-lived by design; the server ends it (timeoutSeconds).
      if (!signal) req.setTimeout(this.requestTimeoutMs, () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.requestTimeoutMs} ms`)));
      req.end(body);
    });
  }
}

/** A request lost to a kept-alive connection the server had closed: safe to send again. */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

/** The verbs on one resource, as client-go's dynamic client offers them. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(readonly client: ApiClient, readonly resource: ApiResource) {}

  /** `/api/v1/namespaces/ns/pods/name/status`; the namespace is left out for cluster-scoped resources. */
  path(namespace?: string, name?: string, subresource?: string): string {
    const r = this.resource;
    let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${r.plural}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.client.request<T>("GET", this.path(namespace, name));
  }

  /** One page (or all, without `limit`); `namespace` undefined lists across namespaces. */
  list(namespace: string | undefined, options: ListOptions = {}): Promise<ObjectList<T>> {
    return this.client.request<ObjectList<T>>("GET", this.path(namespace), { query: { ...options } });
  }

  /** The namespace defaults to the object's own. */
  create(namespace: string | undefined, obj: T): Promise<T> {
    return this.client.request<T>("POST", this.path(namespace ?? obj.metadata.namespace), { body: obj });
  }

  update(namespace: string | undefined, obj: T): Promise<T> {
    return this.client.request<T>("PUT", this.path(namespace ?? obj.metadata.namespace, nameOf(obj)), { body: obj });
  }

  updateStatus(namespace: string | undefined, obj: T): Promise<T> {
    return this.client.request<T>("PUT", this.path(namespace ?? obj.metadata.namespace, nameOf(obj), "status"), { body: obj });
  }

  patch(namespace: string | undefined, name: string, patch: unknown, type: PatchType, subresource?: string): Promise<T> {
    return this.client.request<T>("PATCH", this.path(namespace, name, subresource), { body: patch, contentType: patchContentTypes[type] });
  }

  patchStatus(namespace: string | undefined, name: string, patch: unknown, type: PatchType): Promise<T> {
    return this.patch(namespace, name, patch, type, "status");
  }

  /** The object as it is while finalizers or a grace period hold it, or a Success Status once gone. */
  delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const body = { kind: "DeleteOptions", apiVersion: "v1", ...options };
    return this.client.request<T | Status>("DELETE", this.path(namespace, name), { body });
  }

  /** POST to a subresource (pods/binding, pods/eviction, serviceaccounts/token…). */
  createSubresource<R = unknown>(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<R> {
    return this.client.request<R>("POST", this.path(namespace, name, subresource), { body });
  }

  /** pods/binding: assigns the pod to a node (the scheduler's one write). */
  bind(namespace: string, name: string, binding: { target: { name: string; kind?: string; apiVersion?: string }; metadata?: KubeObject["metadata"] }): Promise<Status> {
    const body = { kind: "Binding", apiVersion: "v1", ...binding, metadata: { name, namespace, ...(binding.metadata ?? {}) } };
    return this.createSubresource<Status>(namespace, name, "binding", body);
  }

  watch(namespace: string | undefined, options: WatchOptions = {}): WatchStream<T> {
    return this.client.watch<T>(this.path(namespace), { ...options });
  }
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata.name;
  if (!name) throw new Error("the object has no metadata.name");
  return name;
}

async function readText(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
