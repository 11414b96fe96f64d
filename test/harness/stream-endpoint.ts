/**
 * A stand-in for the API server's streaming endpoints, for tests that drive the real kubectl
 * against `src/httpstream`: one plain-HTTP listener on 127.0.0.1 that hands the pod
 * subresources `exec`, `attach` and `portforward` to the test's handler and everything else
 * (discovery, the pod GET kubectl does first, …) to the in-process API server. Upgrades
 * (WebSocket GETs, `POST` + `Upgrade: SPDY/3.1`) arrive on Node's `upgrade` event, which is
 * the only place the raw socket is available, so both events route the same paths.
 *
 * It also writes a kubeconfig without user credentials (the in-process server admits
 * everyone as admin) and runs kubectl with a private `--cache-dir`, killing every kubectl it
 * started by PID when the test ends, also on failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { startInProcessServer, type CleanupHook, type InProcessServer } from "../../src/apiserver/testing/in-process-server.js";

export type StreamSubresource = "exec" | "attach" | "portforward";

export interface StreamTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly subresource: StreamSubresource;
  readonly url: URL;
}

/** Receives every upgrade request to a pod's exec, attach or portforward subresource. */
export type StreamUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, target: StreamTarget) => void;

export interface KubectlRun {
  readonly child: ChildProcess;
  /** Everything kubectl printed to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once kubectl ended. */
  readonly exited: Promise<number | string>;
}

export interface KubectlOptions {
  readonly env?: Record<string, string>;
  /** Gives kubectl a stdin pipe (`child.stdin`); otherwise stdin is /dev/null. */
  readonly stdin?: boolean;
}

export interface StreamEndpoint {
  readonly api: InProcessServer;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** A kubeconfig file pointing at `url`, no user credentials. */
  readonly kubeconfig: string;
  /** Creates `pod` in `namespace` with the given container ports and status phase Running. */
  createRunningPod(namespace: string, pod: string, containerPorts?: readonly number[]): Promise<void>;
  /** Starts the real kubectl with this endpoint's kubeconfig and a private cache dir. */
  kubectl(args: readonly string[], options?: KubectlOptions): KubectlRun;
  /** Sockets the endpoint accepted and that are still open (for leak checks). */
  openSockets(): number;
}

const podSubresource = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

export function streamTarget(rawUrl: string | undefined): StreamTarget | undefined {
  const url = new URL(rawUrl ?? "/", "http://localhost");
  const m = podSubresource.exec(url.pathname);
  if (!m) return undefined;
  return { namespace: decodeURIComponent(m[1]!), pod: decodeURIComponent(m[2]!), subresource: m[3] as StreamSubresource, url };
}

export async function startStreamEndpoint(t: CleanupHook, onUpgrade: StreamUpgradeHandler): Promise<StreamEndpoint> {
  const api = await startInProcessServer(t);
  const dir = await mkdtemp(join(tmpdir(), "peapod-stream-endpoint-"));
  const children = new Set<ChildProcess>();
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (streamTarget(req.url)) {
      // Upstream answers a plain request to a streaming subresource this way.
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Upgrade request required", reason: "BadRequest", code: 400 }));
      return;
    }
    void api.api.handler(req, res);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = streamTarget(req.url);
    if (!target) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    onUpgrade(req, socket, head, target);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: peapod",
      "  cluster:",
      `    server: ${url}`,
      "contexts:",
      "- name: peapod",
      "  context:",
      "    cluster: peapod",
      "    user: peapod",
      "    namespace: default",
      "current-context: peapod",
      "users:",
      "- name: peapod",
      "  user: {}",
      "",
    ].join("\n"),
  );

  t.after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  return {
    api,
    url,
    kubeconfig,
    async createRunningPod(namespace, pod, containerPorts = []) {
      const path = `/api/v1/namespaces/${namespace}/pods`;
      const created = await api.post(path, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: pod, namespace },
        spec: { containers: [{ name: "c", image: "busybox", ports: containerPorts.map((containerPort) => ({ containerPort })) }] },
      });
      if (created.status !== 201) throw new Error(`creating pod ${namespace}/${pod}: ${created.status} ${created.text}`);
      const running = await api.put(`${path}/${pod}/status`, { ...created.body, status: { ...created.body.status, phase: "Running", podIP: "127.0.0.1" } });
      if (running.status !== 200) throw new Error(`setting pod ${namespace}/${pod} Running: ${running.status} ${running.text}`);
    },
    kubectl(args, { env = {}, stdin = false } = {}) {
      const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
        env: { ...process.env, ...env },
        stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
      });
      children.add(child);
      let out = "";
      let err = "";
      child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
      child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
      const exited = new Promise<number | string>((resolve) => {
        child.on("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
        child.on("error", (e) => resolve(`spawn failed: ${e.message}`));
      });
      return { child, stdout: () => out, stderr: () => err, exited };
    },
    openSockets: () => sockets.size,
  };
}
