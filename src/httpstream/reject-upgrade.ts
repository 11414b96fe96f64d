/**
 * Refusing a connection upgrade on the raw socket Node hands to the `upgrade` event. kubectl
 * decodes a non-101 reply's body as a Kubernetes Status before it falls back to the next
 * protocol (spec §7.1, §8), so refusals are Status JSON, never bare text.
 */
import type { Duplex } from "node:stream";

export interface UpgradeRefusal {
  readonly code: 400 | 403 | 404 | 405 | 500;
  readonly message: string;
}

const reasons: Record<UpgradeRefusal["code"], { reason: string; text: string }> = {
  400: { reason: "BadRequest", text: "Bad Request" },
  403: { reason: "Forbidden", text: "Forbidden" },
  404: { reason: "NotFound", text: "Not Found" },
  405: { reason: "MethodNotAllowed", text: "Method Not Allowed" },
  500: { reason: "InternalError", text: "Internal Server Error" },
};

/** Writes the refusal as an HTTP/1.1 response with a Status body and closes the socket. */
export function rejectUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const { reason, text } = reasons[refusal.code];
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: refusal.message,
    reason,
    code: refusal.code,
  });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${refusal.code} ${text}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
  // end() alone would keep a socket whose peer never reads alive; the reply is small.
  socket.once("finish", () => socket.destroy());
}
