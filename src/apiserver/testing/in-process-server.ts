/**
 * The API server in process for tests (style principle 10): a real SQLite store in a
 * temp dir, the real schema, an admin user, and the handler on a plain-HTTP listener on
 * 127.0.0.1, so tests send real requests (and read real watch streams) without TLS,
 * certificates or child processes. Everything is undone by the registered cleanup, also
 * when the test fails.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSchema } from "../../api/index.js";
import { systemClock } from "../../base/index.js";
import { openStore, type Store } from "../../store/index.js";
import { createApiServer, type ApiServer } from "../api-server.js";

/**
 * Response bodies are asserted field by field; a loose type keeps those assertions
 * readable without a cast on every line.
 */
export type Json = any;

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  readonly body: Json;
}

export interface RequestOptions {
  /** An object is sent as JSON; bytes and strings as they are. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface WatchEvent {
  readonly type: string;
  readonly object: Json;
}

export interface WatchStream {
  readonly status: number;
  readonly headers: Headers;
  /** The next event; undefined once the server ended the stream. Fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<WatchEvent | undefined>;
  /** Every further event until the server ends the stream (use `timeoutSeconds`). */
  rest(timeoutMs?: number): Promise<WatchEvent[]>;
  close(): void;
}

export interface InProcessServer {
  readonly store: Store;
  readonly api: ApiServer;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  request(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse>;
  get(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  put(path: string, body: unknown): Promise<ApiResponse>;
  /** A JSON merge patch unless `contentType` names another patch type. */
  patch(path: string, body: unknown, contentType?: string): Promise<ApiResponse>;
  delete(path: string, body?: unknown): Promise<ApiResponse>;
  /** Opens a watch; resolves once the response headers arrived. */
  watch(path: string, headers?: Record<string, string>): Promise<WatchStream>;
  close(): Promise<void>;
}

/** TestContext (`t`) or anything else with an `after` hook. */
export interface CleanupHook {
  after(fn: () => Promise<void>): void;
}

const admin = { username: "admin", groups: ["system:masters", "system:authenticated"] };
const defaultEventTimeoutMs = 5000;

export async function startInProcessServer(t: CleanupHook): Promise<InProcessServer> {
  const dir = await mkdtemp(join(tmpdir(), "peapod-apiserver-test-"));
  const undo: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const watches = new Set<WatchStream>();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const w of watches) w.close();
    for (const step of undo.reverse()) await step();
  };
  t.after(close);

  const store = await openStore("sqlite://" + join(dir, "state.db"));
  undo.push(() => store.close());
  const api = await createApiServer({ store, schema: await loadSchema(), clock: systemClock, authenticate: () => admin });
  undo.push(() => api.close());
  const server = createServer(api.handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  undo.push(() => stopListening(server));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse> => {
    const { body, headers } = encodeBody(opts.body);
    const res = await fetch(url + path, { method, headers: { ...headers, ...opts.headers }, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: parseOrUndefined(text) };
  };

  return {
    store,
    api,
    url,
    request,
    get: (path, headers) => request("GET", path, headers ? { headers } : {}),
    post: (path, body, headers) => request("POST", path, { body, ...(headers ? { headers } : {}) }),
    put: (path, body) => request("PUT", path, { body }),
    patch: (path, body, contentType = "application/merge-patch+json") =>
      request("PATCH", path, { body: JSON.stringify(body), headers: { "Content-Type": contentType } }),
    delete: (path, body) => request("DELETE", path, body === undefined ? {} : { body }),
    async watch(path, headers = {}) {
      const w = await openWatch(url + path, headers);
      watches.add(w);
      return w;
    },
    close,
  };
}

function encodeBody(body: unknown): { body?: string | Uint8Array; headers: Record<string, string> } {
  if (body === undefined) return { headers: {} };
  if (typeof body === "string" || body instanceof Uint8Array) return { body, headers: {} };
  return { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
}

function parseOrUndefined(text: string): Json {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

async function stopListening(server: Server): Promise<void> {
  // Keep-alive connections and watches would hold close() open forever.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function openWatch(url: string, headers: Record<string, string>): Promise<WatchStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const queue: WatchEvent[] = [];
  const seen: string[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;

  void (async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as WatchEvent;
          seen.push(`${ev.type} ${String(ev.object?.metadata?.name ?? ev.object?.metadata?.resourceVersion ?? "")}`);
          queue.push(ev);
          wake?.();
        }
      }
    } catch (e) {
      if (!abort.signal.aborted) failure = e;
    } finally {
      ended = true;
      wake?.();
    }
  })();

  const next = async (timeoutMs = defaultEventTimeoutMs): Promise<WatchEvent | undefined> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (queue.length > 0) return queue.shift();
      if (failure) throw failure;
      if (ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no watch event within ${timeoutMs}ms; events so far: [${seen.join(", ")}]`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  };

  return {
    status: res.status,
    headers: res.headers,
    next,
    async rest(timeoutMs = defaultEventTimeoutMs) {
      const out: WatchEvent[] = [];
      for (let ev = await next(timeoutMs); ev; ev = await next(timeoutMs)) out.push(ev);
      return out;
    },
    close: () => abort.abort(),
  };
}
