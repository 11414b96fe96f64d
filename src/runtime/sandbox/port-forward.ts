/**
 * Port-forward into a pod: a stream to localhost:PORT inside the pod's network namespace.
 * Node cannot enter a namespace, so one relay process per sandbox runs inside it (started
 * on first use) and passes each connected socket back over its IPC channel; the caller gets
 * an ordinary socket of the pod's connection, with the throughput of a direct one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { RuntimeError } from "../errors.js";
import type { ForwardReply } from "./port-forward-relay.js";

const relayScript = fileURLToPath(new URL("./port-forward-relay.js", import.meta.url));
const forwardTimeoutMs = 30_000;

interface Pending {
  port: number;
  resolve: (s: Socket) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Go's texts for the errno names a dial fails with (syscall.Errno.Error). */
const goErrnoText: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  EADDRNOTAVAIL: "cannot assign requested address",
  ECONNRESET: "connection reset by peer",
};

/** containerd's text for a failed port-forward dial, which kubectl users know (both families tried). */
export function dialFailure(sandboxId: string, port: number, reply: Pick<ForwardReply, "code" | "code6">): string {
  const text = (code: string | undefined): string => (code ? (goErrnoText[code] ?? code) : "no socket");
  return `failed to connect to localhost:${port} inside namespace "${sandboxId}", ` +
    `IPv4: dial tcp4 127.0.0.1:${port}: connect: ${text(reply.code)} IPv6 dial tcp6 [::1]:${port}: connect: ${text(reply.code6 ?? reply.code)}`;
}

export class PortForwardRelay {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  /** sandboxId names the namespace in errors, as Kubernetes runtimes do. */
  constructor(
    private readonly sandboxId: string,
    netnsPath: string,
  ) {
    // The sandbox id on the command line only names the relay in `ps`.
    this.child = spawn("nsenter", [`--net=${netnsPath}`, process.execPath, relayScript, sandboxId], {
      cwd: "/",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    this.child.on("message", (reply: ForwardReply, handle: unknown) => this.answer(reply, handle as Socket | undefined));
    this.child.on("error", (e) => this.fail(`port-forward relay of sandbox ${sandboxId}: ${e.message}`));
    this.child.on("exit", (code, signal) => this.fail(`port-forward relay of sandbox ${sandboxId} exited (${signal ?? `status ${code}`})`));
    // An idle relay must not keep the runtime's process alive.
    this.child.unref();
    this.child.channel?.unref();
  }

  get alive(): boolean {
    return !this.exited;
  }

  forward(port: number): Promise<Socket> {
    if (this.exited) return Promise.reject(new RuntimeError("Internal", `port-forward relay of sandbox ${this.sandboxId} is gone`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.idle();
        reject(new RuntimeError("Internal", `failed to connect to localhost:${port} inside namespace "${this.sandboxId}": timed out`));
      }, forwardTimeoutMs);
      this.pending.set(id, { port, resolve, reject, timer });
      this.child.channel?.ref();
      this.child.send({ id, port });
    });
  }

  close(): void {
    this.child.kill("SIGKILL");
    this.fail(`port-forward relay of sandbox ${this.sandboxId} was stopped`);
  }

  private answer(reply: ForwardReply, socket: Socket | undefined): void {
    const p = this.pending.get(reply.id);
    if (!p) {
      socket?.destroy();
      return;
    }
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    this.idle();
    if (reply.ok && socket) {
      // TCP half-close: the pod ending its side must not end ours (Node's default would).
      socket.allowHalfOpen = true;
      p.resolve(socket);
    }
    else p.reject(new RuntimeError("Internal", dialFailure(this.sandboxId, p.port, reply)));
  }

  private idle(): void {
    if (this.pending.size === 0) this.child.channel?.unref();
  }

  private fail(message: string): void {
    this.exited = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new RuntimeError("Internal", message));
    }
  }
}
