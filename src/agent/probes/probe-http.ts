/**
 * HTTP probes (pkg/probe/http and the kubelet's request building): GET
 * scheme://host:port/path, healthy for 200 <= status < 400. Redirects are followed only
 * to the same host name; a redirect elsewhere ends the probe as a warning, which counts as
 * success. HTTPS certificates are not verified. Error texts are those of Go's http.Client,
 * since they reach users in events.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { goQuote, type Container, type HTTPGetAction } from "../../api/index.js";
import { resolveContainerPort } from "./container-port.js";
import { dialErrorMessage, isDialError, joinHostPort } from "./go-net-errors.js";
import { kubeProbeUserAgent, maxProbeOutputBytes, type ProbeOutcome } from "./probe-outcome.js";

/** Go's Client stops after 10 requests (the default CheckRedirect, kept by the kubelet). */
const maxRequests = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export interface HTTPProbeTarget {
  /** The URL as Go prints it in errors (`http://10.0.0.1:80/healthz`). */
  url: string;
  scheme: string;
  host: string;
  port: number;
  /** Path and query as sent on the request line. */
  requestPath: string;
  /** Header values by canonical name, in order, after the kubelet's defaults. */
  headers: Record<string, string[]>;
}

/**
 * Builds the request the kubelet makes for an httpGet action (NewRequestForHTTPGetAction).
 * Throws for a port that does not resolve: the probe then errors rather than fails.
 */
export function httpGetTarget(action: HTTPGetAction, container: Container, podIP: string): HTTPProbeTarget {
  const scheme = (action.scheme ?? "").toLowerCase() || "http";
  const host = action.host || podIP;
  const port = resolveContainerPort(action.port, container);
  let path = escapePath((action.path ?? "").split("#")[0]!);
  // Go's url.String() puts a slash between the host and a relative path.
  if (path !== "" && !path.startsWith("/") && !path.startsWith("?")) path = `/${path}`;
  const url = `${scheme}://${joinHostPort(host, port)}${path}`;
  const headers: Record<string, string[]> = {};
  for (const h of action.httpHeaders ?? []) {
    const name = canonicalHeaderKey(h.name ?? "");
    (headers[name] ??= []).push(h.value ?? "");
  }
  // Defaults unless set; a blanked header is not sent at all (newProbeRequest, Go's writer).
  if (!headers["User-Agent"]) headers["User-Agent"] = [kubeProbeUserAgent];
  else if (headers["User-Agent"][0] === "") delete headers["User-Agent"];
  if (!headers["Accept"]) headers["Accept"] = ["*/*"];
  else if (headers["Accept"][0] === "") delete headers["Accept"];
  return { url, scheme, host, port, requestPath: path.startsWith("/") ? path : `/${path}`, headers };
}

export async function httpProbe(target: HTTPProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutSeconds * 1000);
  try {
    return await followRequests(target, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

interface Response {
  status: number;
  location: string | undefined;
  body: string;
}

async function followRequests(target: HTTPProbeTarget, deadline: AbortSignal): Promise<ProbeOutcome> {
  let url = new URL(target.url);
  let shownUrl = target.url;
  let requestPath = target.requestPath;
  const headers: Record<string, string[]> = { ...target.headers };
  for (let requests = 1; ; requests++) {
    let response: Response;
    try {
      response = await exchange(url, requestPath, headers, deadline);
    } catch (error) {
      return exchangeFailure(error as ExchangeError, shownUrl, url);
    }
    if (!redirectStatuses.has(response.status) || response.location === undefined) return verdict(response);
    let next: URL;
    try {
      next = new URL(response.location, url);
    } catch {
      return { result: "failure", output: `Get ${goQuote(shownUrl)}: failed to parse Location header ${goQuote(response.location)}` };
    }
    // Off-host redirects are not followed (RedirectChecker): the 3xx itself is the answer.
    if (next.hostname !== new URL(target.url).hostname) return verdict(response);
    if (requests >= maxRequests) {
      return { result: "failure", output: `Get ${goQuote(response.location)}: stopped after 10 redirects` };
    }
    if (!(url.protocol === "https:" && next.protocol === "http:")) headers["Referer"] = [url.href];
    url = next;
    shownUrl = next.href;
    requestPath = `${next.pathname}${next.search}`;
  }
}

function verdict(response: Response): ProbeOutcome {
  if (response.status >= 200 && response.status < 400) {
    if (response.status >= 300) {
      return { result: "warning", output: `Probe terminated redirects, Response body: ${response.body}` };
    }
    return { result: "success", output: response.body };
  }
  // Upstream keeps the body out of this user-facing text on purpose (issue 99425).
  return { result: "failure", output: `HTTP probe failed with statuscode: ${response.status}` };
}

/** Where an exchange stopped, so the failure reads like Go's for the same moment. */
interface ExchangeError {
  phase: "headers" | "body";
  timedOut: boolean;
  cause: unknown;
}

function exchangeFailure(e: ExchangeError, shownUrl: string, url: URL): ProbeOutcome {
  const prefix = `Get ${goQuote(shownUrl)}`;
  if (e.phase === "body") {
    // ReadAtMost failed: DoHTTPProbe returns an error, so the kubelet records "errored".
    const text = e.timedOut ? "context deadline exceeded (Client.Timeout or context cancellation while reading body)" : goReadError(e.cause);
    return { result: "failure", output: "", error: text };
  }
  if (e.timedOut) return { result: "failure", output: `${prefix}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isDialError(e.cause)) return { result: "failure", output: `${prefix}: ${dialErrorMessage(e.cause, host, port)}` };
  return { result: "failure", output: `${prefix}: ${goReadError(e.cause)}` };
}

/** Go's texts for a connection that broke after it opened. */
function goReadError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === "ECONNRESET" && e.message === "socket hang up") return "EOF";
  if (e.code === "ECONNRESET") return "read: connection reset by peer";
  if (typeof e.code === "string" && e.code.startsWith("HPE_")) return `net/http: HTTP/1.x transport connection broken: malformed HTTP response`;
  return e.message;
}

function exchange(url: URL, path: string, headers: Record<string, string[]>, deadline: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      reject({ phase: "headers", timedOut: false, cause: new Error(`unsupported protocol scheme ${goQuote(url.protocol.slice(0, -1))}`) } satisfies ExchangeError);
      return;
    }
    const outgoing: OutgoingHttpHeaders = {};
    for (const [name, values] of Object.entries(headers)) outgoing[name] = values.length === 1 ? values[0]! : values;
    const options = {
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: Number(url.port) || (url.protocol === "https:" ? 443 : 80),
      path,
      method: "GET",
      headers: outgoing,
      // One connection per probe, closed after it (the kubelet disables keep-alives).
      agent: false as const,
      // Probes never verify certificates (InsecureSkipVerify upstream).
      rejectUnauthorized: false,
    };
    let phase: ExchangeError["phase"] = "headers";
    let req: ClientRequest | undefined;
    let res: IncomingMessage | undefined;
    // Destroying a request emits more events at once; only the first ending counts.
    let settled = false;
    const fail = (cause: unknown, timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener("abort", onDeadline);
      reject({ phase, timedOut, cause } satisfies ExchangeError);
      req?.destroy();
      res?.destroy();
    };
    const onDeadline = (): void => fail(new Error("deadline"), true);
    if (deadline.aborted) {
      onDeadline();
      return;
    }
    deadline.addEventListener("abort", onDeadline, { once: true });
    req = (url.protocol === "https:" ? httpsRequest : httpRequest)(options, (response) => {
      res = response;
      phase = "body";
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => {
        if (settled) return;
        settled = true;
        deadline.removeEventListener("abort", onDeadline);
        const location = response.headers.location;
        resolve({ status: response.statusCode ?? 0, location, body: Buffer.concat(chunks).subarray(0, maxProbeOutputBytes).toString("utf8") });
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // The body is only read up to the limit; the rest is not waited for.
        if (size >= maxProbeOutputBytes) done();
      });
      response.once("end", done);
      response.once("error", (error) => fail(error, false));
      response.once("aborted", () => fail(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), false));
    });
    req.once("error", (error) => fail(error, false));
    req.end();
  });
}

/** Characters Go's URL printing escapes; Node refuses them on a request line. */
function escapePath(path: string): string {
  return path.replace(/[^\x21-\x7e]|["<>\\^`{|}]/gu, (c) => encodeURIComponent(c));
}

/** Go's textproto.CanonicalMIMEHeaderKey: `x-custom-header` → `X-Custom-Header`. */
function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}
