/**
 * The API server as a function of (request, response): no listening socket, so tests call
 * it in process and `cli` attaches it to an HTTPS listener (style principle 10).
 *
 *   /healthz /livez /readyz /version      no credentials needed
 *   /cacerts                               the cluster CA (PEM), no credentials: joining nodes check its hash
 *   /api /apis [/{group}[/{version}]]      discovery
 *   /openapi/v2 /openapi/v3[/{gv}]         OpenAPI
 *   /api/v1/... /apis/{g}/{v}/...          resources: verbs and subresources
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import {
  BadRequestError, ForbiddenError, MethodNotSupportedError, NotFoundPathError, UnauthorizedError,
} from "../api/index.js";
import { writeUpgradeRefusal } from "../httpstream/index.js";
import type { ApiContext } from "./api-context.js";
import type { Authorizer, UserInfo } from "./authorization/authorizer.js";
import { Discovery, wantsAggregated, type DiscoveryDocument } from "./discovery.js";
import type { OpenApiService } from "./openapi.js";
import type { RequestContext } from "./request-context.js";
import { parseResourcePath, type ResourceRequestInfo } from "./request-info.js";
import type { ResourceEntry } from "./resources/resource-entry.js";
import { toStatusError, writeError, writeJson } from "./responses.js";
import { handleBinding } from "./subresources/binding.js";
import { handleReview } from "./subresources/reviews.js";
import { handleScale } from "./subresources/scale.js";
import {
  handlePodLog, isStreamingSubresource, proxyPodUpgrade, streamingSubresourceVerbs, type KubeletClientCredentials, type PodProxyDeps,
} from "./subresources/pod-proxy.js";
import { handleCreate } from "./verbs/create.js";
import { handleDelete } from "./verbs/delete.js";
import { handleDeleteCollection } from "./verbs/delete-collection.js";
import { handleGet } from "./verbs/get.js";
import { handleList } from "./verbs/list.js";
import { handlePatch } from "./verbs/patch.js";
import { handleUpdate } from "./verbs/update.js";
import { handleWatch } from "./verbs/watch.js";

export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
}

export interface ApiHandlerOptions {
  readonly api: ApiContext;
  readonly resources: ReadonlyMap<string, ResourceEntry>;
  readonly openapi: OpenApiService;
  readonly authenticate: (req: IncomingMessage) => UserInfo | undefined;
  readonly authorizer: Authorizer;
  readonly version: VersionInfo;
  /** Whether the server is ready to serve (the store is open and bootstrapped). */
  readonly isReady: () => boolean;
  /** The cluster CA bundle (PEM) served at /cacerts, as k3s does; absent: no such path. */
  readonly caBundle?: string;
  /** The client certificate for node agents (pods/log, exec, attach, portforward); absent: those answer 503. */
  readonly kubeletClient?: KubeletClientCredentials;
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => void;
/** For the HTTPS server's `upgrade` event: exec, attach and portforward over WebSocket or SPDY. */
export type ApiUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function resourceKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

export function createApiHandler(opts: ApiHandlerOptions): ApiHandler {
  const discovery = new Discovery();
  const versionBody = {
    major: opts.version.major,
    minor: opts.version.minor,
    gitVersion: opts.version.gitVersion,
    gitCommit: "",
    gitTreeState: "clean",
    buildDate: "",
    goVersion: "",
    compiler: "peapod",
    platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://peapod");
    const path = url.pathname;
    if (path === "/healthz" || path === "/livez" || path === "/readyz" || path.startsWith("/readyz/") || path.startsWith("/livez/") || path.startsWith("/healthz/")) {
      const ok = !path.startsWith("/readyz") || opts.isReady();
      res.writeHead(ok ? 200 : 500, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      res.end(ok ? "ok" : "[-]peapod not ready\nreadyz check failed");
      return;
    }
    if (path === "/version" || path === "/version/") {
      writeJson(res, 200, versionBody);
      return;
    }
    if (path === "/cacerts" && opts.caBundle !== undefined) {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      res.end(opts.caBundle);
      return;
    }
    const user = opts.authenticate(req);
    if (!user) throw new UnauthorizedError();
    const doc = discoveryDocument(discovery, path, req.headers.accept);
    if (doc) {
      sendDiscovery(req, res, doc);
      return;
    }
    if (path === "/openapi/v2") {
      opts.openapi.serveV2(req, res);
      return;
    }
    if (path === "/openapi/v3" || path.startsWith("/openapi/v3/")) {
      opts.openapi.serve(req, res, path, url.searchParams);
      return;
    }
    const { info, entry } = authorizeResource(req, user, path, url.searchParams, opts);
    if (isStreamingSubresource(info.resource, info.group, info.subresource)) {
      if (info.subresource !== "log") throw new BadRequestError(`Upgrade request required`);
      if (info.verb !== "get") throw new MethodNotSupportedError({ group: "", resource: "pods/log" }, info.verb);
      return handlePodLog(res, info.namespace, info.name, url.searchParams, proxyDeps(opts));
    }
    const ctx: RequestContext = { req, res, query: url.searchParams, info, entry, user, signal: closeSignal(info, res) };
    await dispatch(ctx, opts, info);
  }

  return (req, res) => {
    route(req, res).catch((e: unknown) => writeError(res, e));
  };
}

/**
 * The handler for upgrade requests: authenticated and authorized exactly as plain ones,
 * then pods/exec, pods/attach and pods/portforward are proxied to the pod's node; anything
 * else is refused with a Status (kubectl decodes it before falling back to SPDY).
 */
export function createUpgradeHandler(opts: ApiHandlerOptions): ApiUpgradeHandler {
  async function route(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://peapod");
    const user = opts.authenticate(req);
    if (!user) throw new UnauthorizedError();
    const { info } = authorizeResource(req, user, url.pathname, url.searchParams, opts);
    if (!isStreamingSubresource(info.resource, info.group, info.subresource) || info.subresource === "log" || !info.name) {
      throw new BadRequestError(`${url.pathname} cannot be upgraded`);
    }
    await proxyPodUpgrade(req, socket, head, info.namespace, info.name, info.subresource, url.searchParams, proxyDeps(opts));
  }
  return (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    route(req, socket, head).catch((e: unknown) => refuseUpgrade(socket, e));
  };
}

function proxyDeps(opts: ApiHandlerOptions): PodProxyDeps {
  return {
    pods: opts.resources.get(resourceKey("", "v1", "pods"))!.registry,
    nodes: opts.resources.get(resourceKey("", "v1", "nodes"))!.registry,
    kubeletClient: opts.kubeletClient,
  };
}

/** The resource a request addresses and the authorizer's consent, or the 404/403 to answer. */
function authorizeResource(req: IncomingMessage, user: UserInfo, path: string, query: URLSearchParams, opts: ApiHandlerOptions): { info: ResourceRequestInfo; entry: ResourceEntry } {
  const info = parseResourcePath(req.method ?? "GET", path, query);
  if (!info) throw new NotFoundPathError();
  const entry = opts.resources.get(resourceKey(info.group, info.version, info.resource));
  if (!entry) throw new NotFoundPathError();
  const verb = isStreamingSubresource(info.resource, info.group, info.subresource) ? streamingSubresourceVerbs[info.subresource] : info.verb;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const decision = opts.authorizer.authorize(user, { verb, group: info.group, resource, namespace: info.namespace });
  if (!decision.allowed) {
    throw new ForbiddenError({ group: info.group, resource: info.resource }, info.name,
      `User "${user.username}" cannot ${verb} resource "${resource}" in API group "${info.group}"${info.namespace ? ` in the namespace "${info.namespace}"` : " at the cluster scope"}`);
  }
  return { info, entry };
}

/** A refused upgrade: an HTTP/1.1 reply with the error's Status body on the raw socket. */
function refuseUpgrade(socket: Duplex, e: unknown): void {
  const err = toStatusError(e);
  writeUpgradeRefusal(socket, err.code, JSON.stringify(err.toStatus()));
}

async function dispatch(ctx: RequestContext, opts: ApiHandlerOptions, info: ResourceRequestInfo): Promise<void> {
  const { entry } = ctx;
  const api = opts.api;
  const unsupported = (): never => {
    throw new MethodNotSupportedError(entry.registry.groupResource, info.verb || ctx.req.method || "");
  };
  // Cluster-scoped kinds have no namespaced paths; namespaced kinds are listed and
  // watched across namespaces without one, and addressed through one for everything else.
  if (!entry.type.namespaced && info.namespace) throw new NotFoundPathError();
  if (entry.type.namespaced && !info.namespace && info.verb !== "list" && info.verb !== "watch") throw new NotFoundPathError();
  if (entry.type.virtual) {
    if (info.verb !== "create") unsupported();
    if (entry.type.kind === "Binding") {
      const pods = opts.resources.get(resourceKey("", "v1", "pods"))!;
      return handleBinding(ctx, api, pods.registry);
    }
    return handleReview(ctx, api, opts.authorizer);
  }
  if (info.subresource) {
    const sub = entry.type.subresources.find((s) => s.name === info.subresource);
    if (!sub) throw new NotFoundPathError();
    if (!sub.verbs.includes(info.verb)) unsupported();
    switch (sub.name) {
      case "status":
        if (info.verb === "get") return handleGet(ctx);
        if (info.verb === "update") return handleUpdate(ctx, api);
        return handlePatch(ctx, api);
      case "scale":
        return handleScale(ctx, api);
      case "binding":
        return handleBinding(ctx, api, entry.registry);
      default:
        return unsupported();
    }
  }
  if (!entry.type.verbs.includes(info.verb)) unsupported();
  switch (info.verb) {
    case "get":
      return handleGet(ctx);
    case "list":
      return handleList(ctx);
    case "watch":
      return handleWatch(ctx);
    case "create":
      if (info.name) unsupported();
      return handleCreate(ctx, api);
    case "update":
      return handleUpdate(ctx, api);
    case "patch":
      return handlePatch(ctx, api);
    case "delete":
      return handleDelete(ctx);
    case "deletecollection":
      return handleDeleteCollection(ctx);
    default:
      return unsupported();
  }
}

/** Only watches outlive their request handling; other requests need no signal of a client leaving. */
const never = new AbortController().signal;

function closeSignal(info: ResourceRequestInfo, res: ServerResponse): AbortSignal {
  if (info.verb !== "watch") return never;
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  return controller.signal;
}

function discoveryDocument(d: Discovery, path: string, accept: string | undefined): DiscoveryDocument | undefined {
  const p = path.replace(/\/+$/, "");
  if (p === "/api") return wantsAggregated(accept) ? d.aggregatedCore : d.legacyCore;
  if (p === "/apis") return wantsAggregated(accept) ? d.aggregatedGroups : d.legacyGroups;
  if (p === "/api/v1") return d.resourceList({ group: "", version: "v1" });
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (!m) return undefined;
  return m[2] ? d.resourceList({ group: m[1]!, version: m[2] }) : d.group(m[1]!);
}

function sendDiscovery(req: IncomingMessage, res: ServerResponse, doc: DiscoveryDocument): void {
  const headers = { "Content-Type": doc.contentType, ETag: doc.etag, Vary: "Accept", "Cache-Control": "no-cache, private" };
  if (req.headers["if-none-match"] === doc.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, "Content-Length": Buffer.byteLength(doc.body) });
  res.end(doc.body);
}
