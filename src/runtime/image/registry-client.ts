/**
 * A client for one repository on a registry speaking the OCI distribution API (v2):
 * manifests by tag or digest, blobs with redirects followed. It answers the registry's
 * `WWW-Authenticate` challenge: a Bearer challenge gets a token from the realm (anonymous or
 * with the pull secret's credentials), a Basic challenge gets the credentials. HTTPS trusts
 * Node's CAs plus the system bundle; plain HTTP is used only for registries on loopback, as
 * Docker allows. Connections are kept alive across requests and pulls.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import { rootCertificates } from "node:tls";
import type { RegistryAuth } from "../runtime.js";
import { mediaTypes } from "./manifest.js";

const systemCaBundle = "/etc/ssl/certs/ca-certificates.crt";
/** Manifests are small; a larger body is refused rather than buffered (containerd's limit). */
const maxManifestBytes = 4 * 1024 * 1024;
const maxRedirects = 5;
/** A registry that sends nothing for this long is treated as gone. */
const idleTimeoutMs = 60_000;
const userAgent = "peapod/0.1";

export const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.ociManifest,
  mediaTypes.dockerManifestList,
  mediaTypes.dockerManifest,
].join(", ");

/** A request to the registry failed; `status` is set when the registry answered. */
export class RegistryError extends Error {
  override name = "RegistryError";
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

let httpsAgent: https.Agent | undefined;
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function trustedCAs(): string[] {
  const cas = [...rootCertificates];
  try {
    cas.push(readFileSync(systemCaBundle, "utf8"));
  } catch {
    // No system bundle: Node's own roots only.
  }
  return cas;
}

function agentFor(protocol: string): http.Agent {
  if (protocol === "http:") return httpAgent;
  httpsAgent ??= new https.Agent({ keepAlive: true, maxSockets: 32, ca: trustedCAs() });
  return httpsAgent;
}

/** Whether a registry host (with optional port) is on loopback, where Docker allows plain HTTP. */
export function isLoopbackRegistry(domain: string): boolean {
  let host = domain;
  if (host.startsWith("[")) host = host.slice(1, host.indexOf("]"));
  else if (host.includes(":")) host = host.slice(0, host.lastIndexOf(":"));
  host = host.toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The base URL of a registry's API for a reference's domain (Docker Hub's API host for docker.io). */
export function registryBaseUrl(domain: string): string {
  if (domain === "docker.io") return "https://registry-1.docker.io";
  return `${isLoopbackRegistry(domain) ? "http" : "https"}://${domain}`;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3]!;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Bearer tokens by realm, service, scope and identity, shared by every client in this process. */
const tokenCache = new Map<string, CachedToken>();

export interface RegistryResponse {
  response: IncomingMessage;
  url: string;
}

export interface ManifestHead {
  contentType: string;
  /** The registry's Docker-Content-Digest header, if it sent one. */
  digest?: string;
  size?: number;
  url: string;
}

export interface ManifestResponse {
  body: Buffer;
  contentType: string;
  /** The registry's Docker-Content-Digest header, if it sent one. */
  digest?: string;
  url: string;
}

export interface BlobResponse {
  body: IncomingMessage;
  /** Content-Length, when known. */
  size?: number;
  url: string;
}

export class RegistryClient {
  readonly baseUrl: string;
  private authorization: string | undefined;
  private readonly scope: string;

  constructor(
    readonly domain: string,
    readonly repository: string,
    private readonly auth?: RegistryAuth,
  ) {
    this.baseUrl = registryBaseUrl(domain);
    this.scope = `repository:${repository}:pull`;
    if (auth?.registryToken) this.authorization = `Bearer ${auth.registryToken}`;
  }

  manifestUrl(reference: string): string {
    return `${this.baseUrl}/v2/${this.repository}/manifests/${reference}`;
  }

  blobUrl(digest: string): string {
    return `${this.baseUrl}/v2/${this.repository}/blobs/${digest}`;
  }

  /**
   * HEAD a manifest: its digest and media type without its body. Re-pulls resolve a tag this
   * way, as containerd does; Docker Hub does not count HEADs against its pull rate limit.
   */
  async headManifest(reference: string, signal?: AbortSignal): Promise<ManifestHead> {
    const { response, url } = await this.request("HEAD", this.manifestUrl(reference), { accept: manifestAccept }, signal);
    response.resume();
    const digest = response.headers["docker-content-digest"];
    const size = Number(response.headers["content-length"]);
    return {
      contentType: response.headers["content-type"] ?? "",
      ...(typeof digest === "string" ? { digest } : {}),
      ...(Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
      url,
    };
  }

  /** GET a manifest or index by tag or digest. Status errors carry the registry's status code. */
  async getManifest(reference: string, signal?: AbortSignal): Promise<ManifestResponse> {
    const { response, url } = await this.request("GET", this.manifestUrl(reference), { accept: manifestAccept }, signal);
    const declared = Number(response.headers["content-length"]);
    if (declared > maxManifestBytes) {
      response.destroy();
      throw new RegistryError(`manifest ${reference} is larger than ${maxManifestBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > maxManifestBytes) {
        response.destroy();
        throw new RegistryError(`manifest ${reference} is larger than ${maxManifestBytes} bytes`);
      }
      chunks.push(chunk);
    }
    const digest = response.headers["docker-content-digest"];
    return {
      body: Buffer.concat(chunks),
      contentType: response.headers["content-type"] ?? "",
      ...(typeof digest === "string" ? { digest } : {}),
      url,
    };
  }

  /** GET a blob as a stream; the caller verifies it while storing it. */
  async getBlob(digest: string, signal?: AbortSignal): Promise<BlobResponse> {
    const { response, url } = await this.request("GET", this.blobUrl(digest), {}, signal);
    const size = Number(response.headers["content-length"]);
    return { body: response, ...(Number.isSafeInteger(size) && size >= 0 ? { size } : {}), url };
  }

  /**
   * A request with authentication and redirects. Resolves with a 2xx response; any other status
   * is a RegistryError shaped like containerd's ("unexpected status from GET request to URL:
   * 401 Unauthorized").
   */
  private async request(method: "GET" | "HEAD", url: string, headers: OutgoingHttpHeaders, signal?: AbortSignal): Promise<RegistryResponse> {
    let authAttempted = false;
    for (;;) {
      const response = await this.follow(method, url, headers, signal);
      if (response.response.statusCode === 401 && !authAttempted) {
        const challenge = parseChallenge(String(response.response.headers["www-authenticate"] ?? ""));
        response.response.resume();
        authAttempted = true;
        if (challenge && (await this.answer(challenge, signal))) continue;
        throw statusError(response, method);
      }
      const status = response.response.statusCode ?? 0;
      if (status >= 200 && status < 300) return response;
      response.response.resume();
      throw statusError(response, method);
    }
  }

  /** Sets this client's Authorization for the challenge; false when there is nothing to answer with. */
  private async answer(challenge: Challenge, signal?: AbortSignal): Promise<boolean> {
    if (challenge.scheme === "basic") {
      const basic = basicCredentials(this.auth);
      if (!basic) return false;
      this.authorization = `Basic ${basic}`;
      return true;
    }
    if (challenge.scheme !== "bearer") return false;
    const realm = challenge.params.realm;
    if (!realm) return false;
    const service = challenge.params.service ?? "";
    const scope = challenge.params.scope ?? this.scope;
    const identity = createHash("sha256").update(JSON.stringify(this.auth ?? {})).digest("hex");
    const cacheKey = `${realm}|${service}|${scope}|${identity}`;
    const cached = tokenCache.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) {
      this.authorization = `Bearer ${cached.token}`;
      return true;
    }
    const token = await this.fetchToken(realm, service, scope, signal);
    tokenCache.set(cacheKey, token);
    this.authorization = `Bearer ${token.token}`;
    return true;
  }

  private async fetchToken(realm: string, service: string, scope: string, signal?: AbortSignal): Promise<CachedToken> {
    const url = new URL(realm);
    let body: string | undefined;
    const headers: OutgoingHttpHeaders = {};
    if (this.auth?.identityToken) {
      // An identity token is an OAuth2 refresh token, exchanged by POST.
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: this.auth.identityToken, service, scope, client_id: "peapod" });
      body = form.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else {
      if (service) url.searchParams.set("service", service);
      url.searchParams.set("scope", scope);
      const basic = basicCredentials(this.auth);
      if (basic) headers.authorization = `Basic ${basic}`;
    }
    const what = basicCredentials(this.auth) || this.auth?.identityToken ? "failed to fetch oauth token" : "failed to fetch anonymous token";
    const response = await send(url.toString(), body ? "POST" : "GET", headers, signal, body);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.resume();
      throw new RegistryError(`${what}: ${statusError({ response, url: url.toString() }, body ? "POST" : "GET").message}`, status);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response as AsyncIterable<Buffer>) chunks.push(chunk);
    let doc: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      doc = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof doc;
    } catch {
      throw new RegistryError(`${what}: the token response is not JSON`);
    }
    const token = typeof doc.token === "string" && doc.token ? doc.token : typeof doc.access_token === "string" ? doc.access_token : "";
    if (!token) throw new RegistryError(`${what}: the token response holds no token`);
    const expiresIn = typeof doc.expires_in === "number" && doc.expires_in > 0 ? doc.expires_in : 60;
    // Renew a little early so a token does not expire between check and use.
    return { token, expiresAt: Date.now() + Math.max(expiresIn - 10, 5) * 1000 };
  }

  /** One request, following redirects; credentials go only to the registry's own origin. */
  private async follow(method: "GET" | "HEAD", url: string, headers: OutgoingHttpHeaders, signal?: AbortSignal): Promise<RegistryResponse> {
    const origin = new URL(this.baseUrl).origin;
    let current = url;
    for (let hop = 0; ; hop++) {
      const h: OutgoingHttpHeaders = { ...headers };
      if (this.authorization && new URL(current).origin === origin) h.authorization = this.authorization;
      const response = await send(current, method, h, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        response.resume();
        if (hop >= maxRedirects) throw new RegistryError(`too many redirects fetching ${url}`);
        current = new URL(location, current).toString();
        continue;
      }
      return { response, url: current };
    }
  }
}

function basicCredentials(auth?: RegistryAuth): string | undefined {
  if (auth?.username !== undefined || auth?.password !== undefined) {
    return Buffer.from(`${auth?.username ?? ""}:${auth?.password ?? ""}`).toString("base64");
  }
  return auth?.auth || undefined;
}

function statusError({ response, url }: RegistryResponse, method = "GET"): RegistryError {
  const status = response.statusCode ?? 0;
  return new RegistryError(
    `unexpected status from ${method} request to ${url}: ${status} ${response.statusMessage || http.STATUS_CODES[status] || ""}`.trimEnd(),
    status,
  );
}

function send(url: string, method: string, headers: OutgoingHttpHeaders, signal?: AbortSignal, body?: string): Promise<IncomingMessage> {
  const target = new URL(url);
  const lib = target.protocol === "http:" ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method,
        headers: { "user-agent": userAgent, ...headers, ...(body ? { "content-length": Buffer.byteLength(body) } : {}) },
        agent: agentFor(target.protocol),
        ...(signal ? { signal } : {}),
      },
      (res) => {
        // Consumers see errors through their reads; an abort after they stopped reading
        // must not become an uncaught 'error' event.
        res.on("error", () => undefined);
        res.setTimeout(idleTimeoutMs, () => res.destroy(new RegistryError(`read ${url}: no data for ${idleTimeoutMs / 1000}s`)));
        resolve(res);
      },
    );
    req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`timeout after ${idleTimeoutMs / 1000}s`)));
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.name === "AbortError") reject(signal?.reason ?? e);
      else reject(new RegistryError(`failed to do request: ${method[0]}${method.slice(1).toLowerCase()} ${JSON.stringify(url)}: ${e.message}`, undefined, { cause: e }));
    });
    req.end(body);
  });
}
