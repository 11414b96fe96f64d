/**
 * Refusing a connection upgrade on the raw socket Node hands to the `upgrade` event. kubectl
 * decodes a non-101 reply's body as a Kubernetes Status before it falls back to the next
 * protocol (spec §7.1, §8), so refusals are Status JSON, never bare text.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

export interface UpgradeRefusal {
  readonly code: 400 | 403 | 404 | 405 | 500;
  readonly message: string;
}

const reasons: Record<UpgradeRefusal["code"], { reason: string }> = {
  400: { reason: "BadRequest" },
  403: { reason: "Forbidden" },
  404: { reason: "NotFound" },
  405: { reason: "MethodNotAllowed" },
  500: { reason: "InternalError" },
};

/** Writes the refusal as an HTTP/1.1 response with a Status body and closes the socket. */
export function rejectUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const { reason } = reasons[refusal.code];
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: refusal.message,
    reason,
    code: refusal.code,
  });
  writeUpgradeRefusal(socket, refusal.code, body);
}

/**
 * Answers an upgrade request on its raw socket with any status code and a JSON body (a
 * Status the caller built), then closes the socket.
 */
export function writeUpgradeRefusal(socket: Duplex, code: number, jsonBody: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? "Error"}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(jsonBody)}\r\n` +
      "Connection: close\r\n\r\n" +
      jsonBody,
  );
  // end() alone would keep a socket whose peer never reads alive; the reply is small.
  socket.once("finish", () => socket.destroy());
}
