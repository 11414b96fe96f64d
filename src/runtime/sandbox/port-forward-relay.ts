/**
 * The port-forward relay: a Node process started inside a pod's network namespace
 * (nsenter --net=FILE node port-forward-relay.js) with an IPC channel to the runtime.
 * For each request {id, port} it connects to localhost:port, as Kubernetes port-forward
 * does, and hands the connected socket itself back over the channel (SCM_RIGHTS). A socket
 * stays in the namespace it was made in, so the runtime then reads and writes the pod's
 * connection directly: no byte passes through this process.
 *
 * It exits when the channel closes, so it never outlives the runtime that started it.
 */
import { connect, type Socket } from "node:net";

interface ForwardRequest {
  id: number;
  port: number;
}

export interface ForwardReply {
  id: number;
  ok: boolean;
  /** errno name on failure, e.g. ECONNREFUSED: for 127.0.0.1, and for ::1 in code6. */
  code?: string;
  code6?: string;
  message?: string;
}

function reply(r: ForwardReply, socket?: Socket): void {
  process.send?.(r, socket, {}, () => {});
}

function dial(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    // Nothing may be read here: every byte belongs to the runtime's end of the socket.
    socket.pause();
    socket.once("connect", () => {
      socket.removeListener("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

async function forward(req: ForwardRequest): Promise<void> {
  try {
    reply({ id: req.id, ok: true }, await dial("127.0.0.1", req.port));
  } catch (first) {
    // localhost may be served on IPv6 only.
    try {
      reply({ id: req.id, ok: true }, await dial("::1", req.port));
    } catch (second) {
      const e = first as NodeJS.ErrnoException;
      reply({ id: req.id, ok: false, code: e.code ?? "EIO", code6: (second as NodeJS.ErrnoException).code ?? "EIO", message: e.message });
    }
  }
}

if (!process.send) {
  console.error("port-forward-relay: must be started with an IPC channel");
  process.exit(2);
}
process.on("message", (req: ForwardRequest) => void forward(req));
process.on("disconnect", () => process.exit(0));
