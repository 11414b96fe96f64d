/**
 * A byte stream carried in binary WebSocket messages: how kubectl 1.32 tunnels a whole SPDY/3.1
 * session for port-forward under the subprotocol `SPDY/3.1+portforward.k8s.io` (spec §9.2;
 * client-go `tools/portforward/tunneling_connection.go`). Message boundaries mean nothing:
 * a SPDY frame may span messages and a message may hold several frames, so the tunnel is
 * exposed as a plain Duplex for the SPDY framer to reassemble.
 *
 * Text messages are an error on both sides upstream (the tunneling connection refuses any
 * message type but binary), so one ends the tunnel. Ending the writable side closes the
 * WebSocket with 1000, which is how kubectl ends it too; the peer's close ends the readable side.
 */
import { Duplex } from "node:stream";
import { WebSocket } from "ws";
import { sendWithBackpressure } from "./send-with-backpressure.js";

export class WebSocketTunnel extends Duplex {
  private closeSentByEnd = false;

  constructor(private readonly websocket: WebSocket) {
    super();
    websocket.on("error", () => {}); // followed by 'close', which is what ends the tunnel
    websocket.on("message", (data, isBinary) => {
      if (!isBinary) {
        this.closeWebSocket(1003);
        this.destroy(new Error("the port-forward tunnel carries binary messages only, got a text message"));
        return;
      }
      if (!this.push(data as Buffer)) websocket.pause();
    });
    websocket.once("close", () => {
      this.push(null);
      // Nothing can be written any more either; once the reader saw the end, release everything.
      this.once("end", () => this.destroy());
    });
  }

  override _read(): void {
    if (this.websocket.isPaused) this.websocket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // Once the peer is gone writes vanish; the readable side's end tells the owner.
    sendWithBackpressure(this.websocket, chunk, () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.closeSentByEnd = true;
    this.closeWebSocket(1000);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // 1011: something on our side broke the tunnel (a text message already closed it with 1003).
    this.closeWebSocket(error ? 1011 : 1000);
    // Destroyed after end() while the peer still has not answered our close frame: the owner
    // (SpdySession's close timeout) gave up on the peer, so the connection goes now, not after
    // ws's own 30 s close timer. A close begun by this call keeps that timer, so its frame is sent.
    if (this.closeSentByEnd && this.websocket.readyState === WebSocket.CLOSING) this.websocket.terminate();
    done(error);
  }

  private closeWebSocket(code: number): void {
    if (this.websocket.readyState === WebSocket.OPEN || this.websocket.readyState === WebSocket.CONNECTING) {
      this.websocket.close(code);
    }
  }
}
