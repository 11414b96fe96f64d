/**
 * SPDY/3 header blocks (draft 3 §2.6.10): the name/value layout and its compression.
 *
 * A block is a 32-bit pair count, then per pair a 32-bit name length, the name (lowercase),
 * a 32-bit value length and the value (several values are joined by NUL). On the wire it is
 * zlib-compressed with the SPDY/3 dictionary, using ONE zlib context per direction for the
 * whole session: each block is flushed with Z_SYNC_FLUSH so it inflates completely within its
 * frame, but it may refer back to bytes of earlier blocks. So blocks must be inflated exactly
 * in arrival order and deflated in sending order; the classes below serialise their calls.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from "node:zlib";
import { spdy3HeaderDictionary } from "./dictionary.js";
import { SpdyProtocolError } from "./frames.js";

export type HeaderPairs = ReadonlyMap<string, string>;

export function encodeHeaderBlock(headers: HeaderPairs): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, value] of headers) {
    const n = Buffer.from(name.toLowerCase(), "utf8");
    const v = Buffer.from(value, "utf8");
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses an inflated block. Names are lowercased: upstream writes them lowercase anyway. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let at = 0;
  const read = (what: string): Buffer => {
    if (at + 4 > block.length) throw new SpdyProtocolError(`header block truncated before ${what} length`);
    const len = block.readUInt32BE(at);
    at += 4;
    if (at + len > block.length) throw new SpdyProtocolError(`header block ${what} of ${len} bytes overruns the block`);
    const out = block.subarray(at, at + len);
    at += len;
    return out;
  };
  if (block.length < 4) throw new SpdyProtocolError("header block shorter than its pair count");
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = read("name").toString("utf8").toLowerCase();
    const value = read("value").toString("utf8");
    if (name === "") throw new SpdyProtocolError("header block with an empty name");
    // Draft 3 §2.6.10: duplicate names are a protocol error (multiple values use NUL).
    if (headers.has(name)) throw new SpdyProtocolError(`header block repeats ${JSON.stringify(name)}`);
    headers.set(name, value);
  }
  if (at !== block.length) throw new SpdyProtocolError(`header block has ${block.length - at} trailing bytes`);
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/**
 * One direction's zlib context. Node's zlib streams are asynchronous, so each block is a
 * write plus a Z_SYNC_FLUSH whose callback marks the end of that block's output; a promise
 * chain keeps one block in flight at a time so outputs never interleave.
 */
abstract class HeaderCodec {
  private chain: Promise<unknown> = Promise.resolve();
  private output: Buffer[] = [];
  private outputBytes = 0;
  private failure: Error | undefined;

  protected constructor(
    private readonly z: Deflate | Inflate,
    private readonly maxOutput: number,
  ) {
    z.on("data", (chunk: Buffer) => {
      this.output.push(chunk);
      this.outputBytes += chunk.length;
    });
    z.on("error", (e: Error) => (this.failure ??= e));
  }

  protected run(input: Buffer): Promise<Buffer> {
    const step = this.chain.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          this.output = [];
          this.outputBytes = 0;
          const onError = (e: Error): void => reject(e);
          this.z.once("error", onError);
          this.z.write(input);
          this.z.flush(constants.Z_SYNC_FLUSH, () => {
            this.z.off("error", onError);
            if (this.failure) return reject(this.failure);
            if (this.outputBytes > this.maxOutput) return reject(new SpdyProtocolError(`header block inflates past ${this.maxOutput} bytes`));
            resolve(Buffer.concat(this.output, this.outputBytes));
          });
        }),
    );
    this.chain = step.catch(() => undefined);
    return step;
  }

  close(): void {
    this.z.destroy();
  }
}

/** Compresses the header blocks this side sends. */
export class HeaderCompressor extends HeaderCodec {
  constructor() {
    super(createDeflate({ dictionary: spdy3HeaderDictionary }), Number.MAX_SAFE_INTEGER);
  }

  compress(headers: HeaderPairs): Promise<Buffer> {
    return this.run(encodeHeaderBlock(headers));
  }
}

/** Inflates the header blocks the peer sends; a corrupt block fails with SpdyProtocolError. */
export class HeaderDecompressor extends HeaderCodec {
  constructor(maxBlockBytes = 1 << 20) {
    super(createInflate({ dictionary: spdy3HeaderDictionary }), maxBlockBytes);
  }

  async decompress(compressed: Buffer): Promise<Map<string, string>> {
    // A frame without a block carries no headers and must not touch the shared context.
    if (compressed.length === 0) return new Map();
    let block: Buffer;
    try {
      block = await this.run(compressed);
    } catch (e) {
      if (e instanceof SpdyProtocolError) throw e;
      throw new SpdyProtocolError(`header block does not inflate: ${e instanceof Error ? e.message : String(e)}`);
    }
    return decodeHeaderBlock(block);
  }
}
