/**
 * The server side of a SPDY/3.1 session over any Duplex: a TCP/TLS socket after
 * `Upgrade: SPDY/3.1`, or the WebSocket tunnel kubectl's port-forward opens. The peer
 * (kubectl, through spdystream) opens every stream; this side answers each SYN_STREAM with a
 * SYN_REPLY and hands the stream out as a Duplex.
 *
 * Stream lifecycle (draft 3 §2.3):
 *
 *     SYN_STREAM ──► open ──(peer FIN)──► readable ends ┐
 *                      └──(end(): our FIN)──────────────┴► both closed: forgotten
 *                    any time: destroy()/reset() sends RST_STREAM; a peer RST destroys it
 *
 * Frames are handled strictly in arrival order through one queue: a header block can only be
 * inflated after every earlier one (the zlib context is shared), and a DATA frame must not
 * overtake the SYN_STREAM that opened its stream. Frames without a header block skip the
 * wait when nothing is queued, so bulk DATA costs no promise per frame.
 *
 * Flow control: none, on purpose. spdystream never sends WINDOW_UPDATE and ignores windows,
 * so honouring the 64 KiB initial window would stall every transfer. The back-pressure that
 * remains is real back-pressure:
 *  - writing: a stream's write completes when the transport accepted the frame, or after the
 *    transport's 'drain' when it is over its high-water mark;
 *  - reading: while any stream's read buffer is over its high-water mark the transport is
 *    paused. That blocks every stream of the session behind the slow one (head-of-line
 *    blocking): without windows there is no per-stream way to tell the peer to stop, and the
 *    alternative, unbounded buffering, lets one stuck consumer exhaust memory. The streams'
 *    read high-water mark is large (1 MiB by default) so that only a consumer that stays
 *    slow stalls its neighbours, not a momentary hiccup.
 */
import { EventEmitter } from "node:events";
import { Duplex } from "node:stream";
import { encodeFrame, FrameReader, GoAwayStatus, RstStatus, SpdyProtocolError, type Frame, type HeaderFrame } from "./frames.js";
import { HeaderCompressor, HeaderDecompressor } from "./header-block.js";
import { IdleTimer } from "../idle-timer.js";

export interface SpdyStream extends Duplex {
  /** The stream id the peer chose (odd for kubectl). */
  readonly id: number;
  /** The SYN_STREAM's headers, names lowercased. */
  readonly headers: ReadonlyMap<string, string>;
  /** Sends RST_STREAM (CANCEL unless told otherwise) and destroys the stream. */
  reset(status?: number): void;
}

export interface SpdySessionOptions {
  /** Protocol and transport errors; the session closes itself after reporting one. */
  readonly onError?: (e: Error) => void;
  /** Largest DATA frame this side sends. kubectl reads in 32 KiB buffers; 64 KiB halves the frame count. */
  readonly maxDataFrame?: number;
  /** Read buffer per stream before the whole transport is paused (see the file comment). */
  readonly streamReadHighWaterMark?: number;
  /** After close(), how long the peer gets to close its side before the transport is destroyed. */
  readonly closeTimeoutMs?: number;
  /**
   * Close the session after this long without a frame either way, resetting its streams
   * first (spdystream SetIdleTimeout; see idle-timer.ts). Absent or 0: never.
   */
  readonly idleTimeoutMs?: number;
}

/** How the session is driven by its streams; kept narrow so a stream cannot reach the rest. */
interface StreamOwner {
  isClosed(): boolean;
  sendData(streamId: number, data: Buffer, fin: boolean, done: (e?: Error | null) => void): void;
  sendReset(streamId: number, status: number): void;
  readBufferFull(stream: SessionStream): void;
  readBufferDrained(stream: SessionStream): void;
  forget(stream: SessionStream): void;
}

class SessionStream extends Duplex implements SpdyStream {
  private remoteFin = false;
  private localFin = false;
  private resetDone = false;

  constructor(
    private readonly owner: StreamOwner,
    readonly id: number,
    readonly headers: ReadonlyMap<string, string>,
    readHighWaterMark: number,
  ) {
    super({ allowHalfOpen: true, readableHighWaterMark: readHighWaterMark });
  }

  reset(status: number = RstStatus.cancel): void {
    if (this.destroyed) return;
    this.sendResetOnce(status);
    this.destroy();
  }

  /** A DATA frame (or a FIN-flagged control frame) from the peer. */
  deliver(data: Buffer, fin: boolean): void {
    if (this.destroyed || this.remoteFin) return;
    if (data.length > 0 && !this.push(data)) this.owner.readBufferFull(this);
    if (fin) {
      this.remoteFin = true;
      this.push(null);
    }
  }

  get halfClosedByPeer(): boolean {
    return this.remoteFin;
  }

  /** The peer reset the stream: nothing more may be sent, so no RST goes back. */
  peerReset(): void {
    this.resetDone = true;
    this.destroy();
  }

  /** The session is gone: drop the stream without writing anything. */
  abandon(): void {
    this.resetDone = true;
    this.destroy();
  }

  override _read(): void {
    this.owner.readBufferDrained(this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    if (this.resetDone || this.owner.isClosed()) return done();
    this.owner.sendData(this.id, chunk, false, done);
  }

  override _final(done: (e?: Error | null) => void): void {
    this.localFin = true;
    if (this.resetDone || this.owner.isClosed()) return done();
    this.owner.sendData(this.id, Buffer.alloc(0), true, done);
  }

  override _destroy(error: Error | null, done: (e: Error | null) => void): void {
    // A stream given up before both sides said FIN must tell the peer, or spdystream keeps
    // waiting on it (draft 3 §2.4.2: RST_STREAM aborts a stream).
    if (!(this.localFin && this.remoteFin)) this.sendResetOnce(RstStatus.cancel);
    this.owner.forget(this);
    done(error);
  }

  private sendResetOnce(status: number): void {
    if (this.resetDone) return;
    this.resetDone = true;
    if (!this.owner.isClosed()) this.owner.sendReset(this.id, status);
  }
}

/**
 * Events:
 *  - 'stream' (stream: SpdyStream): a SYN_STREAM from the peer, already answered with SYN_REPLY.
 *    Read every stream to its end (or destroy it): a stream is forgotten only when both
 *    sides have closed it. Beware `for await`: Node's async iterator destroys the Duplex
 *    when the readable side ends, which resets a stream whose writable side is still open.
 *  - 'close': the session ended (our close(), the peer's GOAWAY, transport end or error, a
 *    protocol error); every stream has been destroyed.
 */
export class SpdySession extends EventEmitter {
  private readonly reader = new FrameReader();
  private readonly inflater = new HeaderDecompressor();
  private readonly deflater = new HeaderCompressor();
  private readonly streams = new Map<number, SessionStream>();
  private readonly fullStreams = new Set<SessionStream>();
  private readonly queue: Frame[] = [];
  private drainWaiters: Array<() => void> = [];
  private inflating = false;
  private lastPeerStreamId = 0;
  private goAwayReceived = false;
  private closed = false;
  private readonly onError: (e: Error) => void;
  private readonly maxDataFrame: number;
  private readonly streamReadHighWaterMark: number;
  private readonly closeTimeoutMs: number;
  private readonly owner: StreamOwner;
  private readonly idleTimer: IdleTimer;

  constructor(
    private readonly transport: Duplex,
    options: SpdySessionOptions = {},
  ) {
    super();
    this.onError = options.onError ?? (() => undefined);
    this.maxDataFrame = options.maxDataFrame ?? 64 * 1024;
    this.streamReadHighWaterMark = options.streamReadHighWaterMark ?? 1 << 20;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    if (!(this.maxDataFrame > 0 && this.maxDataFrame <= 0xffffff)) throw new RangeError(`maxDataFrame must be 1..16777215, got ${this.maxDataFrame}`);
    this.owner = this.streamOwner();
    this.idleTimer = new IdleTimer(options.idleTimeoutMs ?? 0, () => this.closeIdle());

    transport.on("data", (chunk: Buffer) => this.receive(chunk));
    transport.on("end", () => this.shutdown(GoAwayStatus.ok));
    transport.on("close", () => this.shutdown(GoAwayStatus.ok));
    transport.on("error", (e: Error) => {
      this.onError(e);
      this.shutdown(GoAwayStatus.internalError);
      transport.destroy();
    });
    transport.on("drain", () => this.releaseDrainWaiters());
  }

  /** Number of open streams (for tests and diagnostics). */
  get streamCount(): number {
    return this.streams.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** GOAWAY, then end the transport once pending writes are out. Every stream is destroyed. */
  close(): void {
    this.shutdown(GoAwayStatus.ok);
  }

  private streamOwner(): StreamOwner {
    return {
      isClosed: () => this.closed,
      sendData: (id, data, fin, done) => this.sendData(id, data, fin, done),
      sendReset: (id, status) => this.write(encodeFrame({ type: "rstStream", streamId: id, status })),
      readBufferFull: (s) => {
        this.fullStreams.add(s);
        this.transport.pause();
      },
      readBufferDrained: (s) => this.unblock(s),
      forget: (s) => {
        this.unblock(s);
        if (this.streams.get(s.id) === s) this.streams.delete(s.id);
        if (this.goAwayReceived && this.streams.size === 0) this.close();
      },
    };
  }

  private unblock(s: SessionStream): void {
    if (this.fullStreams.delete(s) && this.fullStreams.size === 0 && !this.closed) this.transport.resume();
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (e) {
      return this.protocolError(e);
    }
    if (frames.length > 0) this.idleTimer.touch();
    for (const f of frames) this.queue.push(f);
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.inflating && !this.closed) {
      const frame = this.queue.shift()!;
      if ("headerBlock" in frame) {
        this.inflating = true;
        this.handleHeaderFrame(frame).then(
          () => {
            this.inflating = false;
            this.pump();
          },
          (e: unknown) => {
            this.inflating = false;
            this.protocolError(e);
          },
        );
        return;
      }
      this.handle(frame);
    }
  }

  private handle(frame: Exclude<Frame, HeaderFrame>): void {
    switch (frame.type) {
      case "data":
        // Data for a stream we already reset or never saw is dropped: the peer may not have
        // seen our RST_STREAM yet when it sent it.
        this.streams.get(frame.streamId)?.deliver(frame.data, frame.fin);
        return;
      case "rstStream":
        this.streams.get(frame.streamId)?.peerReset();
        return;
      case "ping":
        // Draft 3 §2.6.5: echo the peer's pings (odd ids from a client); even ids would be
        // replies to pings of ours, and this side sends none.
        if (frame.id % 2 === 1) this.write(encodeFrame(frame));
        return;
      case "goAway":
        this.goAwayReceived = true;
        if (this.streams.size === 0) this.close();
        return;
      case "settings":
      case "windowUpdate":
      case "unknownControl":
        return;
    }
  }

  private async handleHeaderFrame(frame: HeaderFrame): Promise<void> {
    // Always inflate, even for frames that are then ignored: the context must see every block.
    const headers = await this.inflater.decompress(frame.headerBlock);
    if (this.closed) return;
    switch (frame.type) {
      case "synStream":
        return this.openStream(frame, headers);
      case "synReply":
        // This side never opens streams, so no SYN_REPLY can be expected.
        this.write(encodeFrame({ type: "rstStream", streamId: frame.streamId, status: RstStatus.protocolError }));
        return;
      case "headers":
        if (frame.fin) this.streams.get(frame.streamId)?.deliver(Buffer.alloc(0), true);
        return;
    }
  }

  private async openStream(frame: Extract<Frame, { type: "synStream" }>, headers: ReadonlyMap<string, string>): Promise<void> {
    // Draft 3 §2.3.2: client streams are odd and strictly increasing; anything else is a
    // session error.
    if (frame.streamId % 2 === 0 || frame.streamId <= this.lastPeerStreamId) {
      throw new SpdyProtocolError(`SYN_STREAM with stream id ${frame.streamId} after ${this.lastPeerStreamId}`);
    }
    this.lastPeerStreamId = frame.streamId;
    if (this.goAwayReceived) {
      this.write(encodeFrame({ type: "rstStream", streamId: frame.streamId, status: RstStatus.refusedStream }));
      return;
    }
    const stream = new SessionStream(this.owner, frame.streamId, headers, this.streamReadHighWaterMark);
    this.streams.set(frame.streamId, stream);
    // kubectl ignores SYN_REPLY headers, but the block still goes through our deflate
    // context so that context stays in step with the peer's inflater.
    const block = await this.deflater.compress(new Map());
    if (this.closed) return;
    this.write(encodeFrame({ type: "synReply", streamId: frame.streamId, fin: false, headerBlock: block }));
    if (frame.fin) stream.deliver(Buffer.alloc(0), true);
    this.emit("stream", stream);
  }

  private sendData(streamId: number, data: Buffer, fin: boolean, done: (e?: Error | null) => void): void {
    let accepted = true;
    if (data.length === 0) {
      accepted = this.write(encodeFrame({ type: "data", streamId, fin, data }));
    } else {
      for (let at = 0; at < data.length; at += this.maxDataFrame) {
        const piece = data.subarray(at, at + this.maxDataFrame);
        accepted = this.write(encodeFrame({ type: "data", streamId, fin: fin && at + piece.length >= data.length, data: piece }));
      }
    }
    if (accepted || this.closed) done();
    else this.drainWaiters.push(() => done());
  }

  private write(frame: Buffer): boolean {
    if (this.closed || this.transport.destroyed || this.transport.writableEnded) return true;
    this.idleTimer.touch();
    return this.transport.write(frame);
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  /** Idle for too long: as spdystream does, reset every stream, then close the session. */
  private closeIdle(): void {
    for (const s of [...this.streams.values()]) s.reset(RstStatus.cancel);
    this.close();
  }

  private protocolError(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    this.onError(error);
    this.shutdown(error instanceof SpdyProtocolError ? GoAwayStatus.protocolError : GoAwayStatus.internalError);
  }

  private shutdown(status: number): void {
    if (this.closed) return;
    this.idleTimer.stop();
    // GOAWAY names the last stream this side processed (draft 3 §2.6.6).
    this.write(encodeFrame({ type: "goAway", lastGoodStreamId: this.lastPeerStreamId, status }));
    this.closed = true;
    this.queue.length = 0;
    for (const s of [...this.streams.values()]) s.abandon();
    this.streams.clear();
    this.fullStreams.clear();
    this.releaseDrainWaiters();
    this.inflater.close();
    this.deflater.close();
    if (!this.transport.destroyed) {
      this.transport.resume();
      this.transport.end();
      // A peer that never closes its side would otherwise keep the connection forever.
      const timer = setTimeout(() => this.transport.destroy(), this.closeTimeoutMs);
      timer.unref();
      this.transport.once("close", () => clearTimeout(timer));
    }
    this.emit("close");
  }
}
