/**
 * A keep-alive HTTPS client for the benchmark: the admin client certificate from a
 * Peapod kubeconfig, the server's CA, and a timer around every request (from handing
 * it to Node until the last body byte arrived).
 */
import { Agent, request, type RequestOptions } from "node:https";
import type { IncomingMessage } from "node:http";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TimedResponse {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
  /** Milliseconds from sending the request to the end of the response body. */
  readonly ms: number;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
  users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
}

/** The server URL and the admin credentials a Peapod server wrote into its kubeconfig. */
export function readKubeconfigCredentials(path: string): { url: URL; tls: TlsMaterial } {
  const kc = parse(readFileSync(path, "utf8")) as Kubeconfig;
  const b64 = (s: string): Buffer => Buffer.from(s, "base64");
  return {
    url: new URL(kc.clusters[0]!.cluster.server),
    tls: {
      ca: b64(kc.clusters[0]!.cluster["certificate-authority-data"]),
      cert: b64(kc.users[0]!.user["client-certificate-data"]),
      key: b64(kc.users[0]!.user["client-key-data"]),
    },
  };
}

export class BenchClient {
  readonly #agent: Agent;
  readonly url: URL;

  constructor(url: URL, tls: TlsMaterial, opts: { maxSockets?: number } = {}) {
    this.url = url;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 32,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
    });
  }

  #options(method: string, path: string, headers: Record<string, string>): RequestOptions {
    return { agent: this.#agent, hostname: this.url.hostname, port: this.url.port, method, path, headers };
  }

  request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<TimedResponse> {
    const allHeaders = body === undefined
      ? headers
      : { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)), ...headers };
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = request(this.#options(method, path, allHeaders), (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
          ms: performance.now() - started,
        }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Like `request`, but fails unless the status is `expected`. */
  async expect(expected: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<TimedResponse> {
    const r = await this.request(method, path, body, headers);
    if (r.status !== expected) {
      throw new Error(`${method} ${path}: expected ${expected}, got ${r.status}: ${r.body.toString("utf8").slice(0, 500)}`);
    }
    return r;
  }

  /** A long-running GET (a watch): resolves with the response once its headers arrived. */
  open(path: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request(this.#options("GET", path, {}), (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${path}: ${res.statusCode}`));
          return;
        }
        resolve(res);
      });
      req.on("error", reject);
      req.end();
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
