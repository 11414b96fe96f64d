/**
 * Raw HTTPS requests to a Peapod server with the admin credentials of its kubeconfig (or
 * none), for what kubectl cannot send: malformed bodies, odd headers, huge payloads.
 */
import { Agent, request } from "node:https";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { PeapodServer } from "./peapod.js";

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
  users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
}

/** The server URL and TLS options of a server's kubeconfig: its CA, and the admin client certificate unless anonymous. */
export function kubeconfigCredentials(server: PeapodServer, opts: { anonymous?: boolean } = {}): { url: URL; tls: { ca: Buffer; cert?: Buffer; key?: Buffer } } {
  const kc = parse(readFileSync(server.kubeconfig, "utf8")) as Kubeconfig;
  const b64 = (s: string): Buffer => Buffer.from(s, "base64");
  return {
    url: new URL(kc.clusters[0]!.cluster.server),
    tls: {
      ca: b64(kc.clusters[0]!.cluster["certificate-authority-data"]),
      ...(opts.anonymous ? {} : {
        cert: b64(kc.users[0]!.user["client-certificate-data"]),
        key: b64(kc.users[0]!.user["client-key-data"]),
      }),
    },
  };
}

export class ApiClient {
  private readonly agent: Agent;
  readonly url: URL;

  constructor(server: PeapodServer, opts: { anonymous?: boolean } = {}) {
    const { url, tls } = kubeconfigCredentials(server, opts);
    this.url = url;
    this.agent = new Agent({ keepAlive: true, ...tls });
  }

  request(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const req = request({
        agent: this.agent,
        hostname: this.url.hostname,
        port: this.url.port,
        method,
        path,
        // An explicit length: Node sends DELETE bodies without framing otherwise.
        headers: {
          ...(body !== undefined ? { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) } : {}),
          ...headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  async json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const r = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body), headers);
    return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
  }

  close(): void {
    this.agent.destroy();
  }
}
