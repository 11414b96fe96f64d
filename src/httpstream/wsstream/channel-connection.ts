/**
 * One WebSocket carrying several byte streams, as the Kubernetes channel protocols define them
 * (see channel-message.ts): the server's view, where the client writes some channels (stdin,
 * resize) and the server writes others (stdout, stderr, error).
 *
 * Like upstream (apimachinery wsstream `Conn`), messages for channels nobody reads are dropped,
 * and reading blocks on a slow consumer: a full inbound channel pauses the whole socket, as
 * upstream's io.Pipe blocks its read loop. Unlike upstream, a text message is a protocol error
 * that ends the connection (1003): kubectl and client-go send only binary messages and reject
 * text ones themselves, and a text frame carries no channel byte we could trust.
 *
 * Writes after the client went away are discarded rather than failed (send-with-backpressure.ts),
 * so a process still printing while it is being stopped cannot raise an unhandled stream error;
 * callers learn of the departure from `closed` instead.
 */
import { Readable, Writable } from "node:stream";
import { WebSocket } from "ws";
import { decodeChannelMessage, encodeChannelMessage } from "./channel-message.js";
import { IdleTimer } from "../idle-timer.js";
import { sendWithBackpressure } from "./send-with-backpressure.js";

export interface ChannelConnectionOptions {
  /** v5 only: the client can half-close a channel with 0xFF + channel byte. */
  readonly supportsStreamClose: boolean;
  /** The channels the client writes to; anything sent on others is dropped. */
  readonly inbound: readonly number[];
  /**
   * Close (1000) after this long without a message either way (wsstream `Conn.SetIdleTimeout`;
   * see idle-timer.ts). Absent or 0: never.
   */
  readonly idleTimeoutMs?: number;
}

/** RFC 6455 close codes used here. */
const closeCode = { normal: 1000, protocolError: 1002, unsupportedData: 1003 } as const;

export class ChannelConnection {
  /** Resolves once the WebSocket is closed, whoever closed it. */
  readonly closed: Promise<void>;
  private readonly inbound = new Map<number, Readable>();
  private readonly full = new Set<number>();
  /** Channels whose end was pushed; a Readable throws on data pushed after its end. */
  private readonly ended = new Set<number>();
  private readingStopped = false;
  private readonly idleTimer: IdleTimer;

  constructor(
    private readonly websocket: WebSocket,
    private readonly options: ChannelConnectionOptions,
  ) {
    for (const channel of options.inbound) {
      const stream = new Readable({ read: () => this.release(channel) });
      // A consumer that destroys its stream must not leave the socket paused for the others.
      stream.once("close", () => this.release(channel));
      this.inbound.set(channel, stream);
    }
    this.closed = new Promise((resolve) => websocket.once("close", () => resolve()));
    // Upstream closes the connection the way any end of its read loop does: a normal close.
    this.idleTimer = new IdleTimer(options.idleTimeoutMs ?? 0, () => this.closeWith(closeCode.normal, ""));
    websocket.once("close", () => this.idleTimer.stop());
    // ws reports malformed frames here and then closes; the close is what we act on.
    websocket.on("error", () => {});
    websocket.on("message", (data, isBinary) => this.receive(data as Buffer, isBinary));
    websocket.once("close", () => this.endInbound());
  }

  /** What the client sends on `channel`; ends at its stream close or when the connection ends. */
  readable(channel: number): Readable {
    const stream = this.inbound.get(channel);
    if (!stream) throw new Error(`channel ${channel} is not an inbound channel`);
    return stream;
  }

  /** A stream of messages to the client on `channel`. Ending it sends nothing: kubectl ignores server stream closes. */
  writable(channel: number): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => this.send(channel, chunk, () => done()),
    });
  }

  /**
   * Sends one message with no payload, which upstream writes on the lowest writable channel
   * right after the handshake to tell the client the session is up (apiserver
   * `util/proxy/websocket.go` createWebSocketStreams).
   */
  sendEmpty(channel: number): Promise<void> {
    return new Promise((resolve) => this.send(channel, Buffer.alloc(0), resolve));
  }

  /**
   * Ends every inbound channel and drops whatever the client still sends, as upstream does once
   * the command finished: nobody will read it, and queueing it could pause the socket before
   * the client's close frame arrives.
   */
  stopReading(): void {
    this.readingStopped = true;
    this.endInbound();
    if (this.websocket.isPaused) this.websocket.resume();
  }

  /** Closes with 1000 (after every queued message) and waits for the client's close. */
  close(): Promise<void> {
    this.closeWith(closeCode.normal, "");
    return this.closed;
  }

  private send(channel: number, payload: Buffer, done: () => void): void {
    this.idleTimer.touch();
    sendWithBackpressure(this.websocket, encodeChannelMessage(channel, payload), done);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.idleTimer.touch();
    if (this.readingStopped) return;
    if (!isBinary) {
      this.closeWith(closeCode.unsupportedData, "text messages are not part of the channel protocol");
      return;
    }
    const message = decodeChannelMessage(data, this.options.supportsStreamClose);
    switch (message.kind) {
      case "empty":
        return;
      case "invalid":
        this.closeWith(closeCode.protocolError, message.reason);
        return;
      case "close":
        this.endChannel(message.channel);
        return;
      case "data": {
        const stream = this.inbound.get(message.channel);
        // A consumer that stopped reading (destroyed its stream) gets nothing more, and must not
        // pause the socket for the other channels.
        if (!stream || stream.destroyed || this.ended.has(message.channel) || message.payload.length === 0) return;
        if (!stream.push(message.payload)) {
          this.full.add(message.channel);
          this.websocket.pause();
        }
        return;
      }
    }
  }

  /** `channel` wants data again (or is gone): resume the socket once no channel is full. */
  private release(channel: number): void {
    this.full.delete(channel);
    if (this.full.size === 0 && this.websocket.isPaused) this.websocket.resume();
  }

  private endInbound(): void {
    for (const channel of this.inbound.keys()) this.endChannel(channel);
  }

  private endChannel(channel: number): void {
    const stream = this.inbound.get(channel);
    if (!stream || this.ended.has(channel)) return;
    this.ended.add(channel);
    stream.push(null);
  }

  private closeWith(code: number, reason: string): void {
    const state = this.websocket.readyState;
    if (state === WebSocket.CLOSING || state === WebSocket.CLOSED) return;
    this.websocket.close(code, reason);
  }
}
