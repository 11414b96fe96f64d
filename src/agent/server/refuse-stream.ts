/**
 * Refusing an exec/attach/port-forward upgrade the kubelet's way: a plain-text body
 * (go-restful's WriteError, the CRI streaming server's WriteError), not a Status. kubectl
 * shows such a body as `error: unable to upgrade connection: <text>`; a Status body would
 * read differently.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

export function refuseStream(socket: Duplex, code: number, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? "Error"}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
  socket.once("finish", () => socket.destroy());
}
