/**
 * Writing a binary message with back-pressure a Node stream understands. `ws` queues every
 * send without limit; waiting for each send's callback instead would cost a socket write per
 * message. So a write completes at once while little is queued, and only past the limit waits
 * until the socket took the message, which pauses whatever pipes into the stream.
 *
 * Writes to a WebSocket that is no longer open complete without error: the peer is gone and
 * the owner learns that from the close, not from a stream error nobody may be listening for.
 */
import { WebSocket } from "ws";

/** Queued bytes above which a write waits for the socket. */
export const sendBufferLimit = 1 << 20;

export function sendWithBackpressure(websocket: WebSocket, message: Buffer, done: () => void): void {
  if (websocket.readyState !== WebSocket.OPEN) {
    done();
    return;
  }
  const waitForSocket = websocket.bufferedAmount >= sendBufferLimit;
  websocket.send(message, { binary: true }, () => {
    if (waitForSocket) done();
  });
  if (!waitForSocket) done();
}
