/**
 * Test-only: the client end of a SPDY session, speaking through this package's own codec the
 * way spdystream does (one deflate context for its SYN_STREAMs, frames in order), over a real
 * loopback TCP connection so transport back-pressure behaves as in production.
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { encodeFrame, FrameReader, type Frame } from "../frames.js";
import { HeaderCompressor, HeaderDecompressor } from "../header-block.js";

/** A received frame; header frames carry their inflated headers. */
export type ReceivedFrame = Frame & { readonly headers?: ReadonlyMap<string, string> };

/** Two connected TCP sockets on 127.0.0.1: `server` for the session, `client` for the peer. */
export async function socketPair(): Promise<{ server: Socket; client: Socket }> {
  const listener = createServer();
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const accepted = once(listener, "connection") as Promise<[Socket]>;
  const client = connect((listener.address() as { port: number }).port, "127.0.0.1");
  const [[server]] = await Promise.all([accepted, once(client, "connect")]);
  listener.close();
  return { server, client };
}

export class SpdyTestPeer {
  readonly frames: ReceivedFrame[] = [];
  ended = false;
  private readonly reader = new FrameReader();
  private readonly deflater = new HeaderCompressor();
  private readonly inflater = new HeaderDecompressor();
  private chain: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const f of this.reader.push(chunk)) {
        this.chain = this.chain.then(async () => {
          const received: ReceivedFrame = "headerBlock" in f ? { ...f, headers: await this.inflater.decompress(f.headerBlock) } : f;
          this.frames.push(received);
          this.wake();
        });
      }
    });
    socket.on("end", () => {
      this.ended = true;
      void this.chain.then(() => this.wake());
    });
    socket.on("error", () => undefined);
  }

  async synStream(streamId: number, headers: Record<string, string>, fin = false): Promise<void> {
    this.socket.write(await this.synStreamFrame(streamId, headers, fin));
  }

  /** The encoded SYN_STREAM, for tests that send it together with other bytes. */
  async synStreamFrame(streamId: number, headers: Record<string, string>, fin = false): Promise<Buffer> {
    const headerBlock = await this.deflater.compress(new Map(Object.entries(headers)));
    return encodeFrame({ type: "synStream", streamId, associatedStreamId: 0, priority: 0, slot: 0, fin, unidirectional: false, headerBlock });
  }

  data(streamId: number, data: Buffer | string, fin = false): boolean {
    return this.socket.write(encodeFrame({ type: "data", streamId, fin, data: Buffer.from(data) }));
  }

  send(frame: Frame): void {
    this.socket.write(encodeFrame(frame));
  }

  /** Waits for the first frame (from `from` on) that matches; fails after `timeoutMs`. */
  async next(match: (f: ReceivedFrame) => boolean, timeoutMs = 5000, from = 0): Promise<ReceivedFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(", ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The payload of every DATA frame on `streamId`, until its FIN. */
  async readStream(streamId: number, timeoutMs = 10_000): Promise<Buffer> {
    await this.next((f) => f.type === "data" && f.streamId === streamId && f.fin, timeoutMs);
    return Buffer.concat(this.frames.flatMap((f) => (f.type === "data" && f.streamId === streamId ? [f.data] : [])));
  }

  close(): void {
    this.deflater.close();
    this.inflater.close();
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
