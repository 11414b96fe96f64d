/**
 * The writing half of the wire format: tests build bodies with it byte by byte (valid,
 * truncated or deliberately wrong), and the OpenAPI v2 document is encoded with it. Field
 * order and repetition are left to the caller, so it can write anything a broken client
 * could send.
 *
 * Output is kept as a list of chunks, and a nested message hands its chunks to its parent
 * instead of being copied into it, so a deeply nested message (the OpenAPI v2 document is
 * ~650 KB, a dozen levels deep) is written in time proportional to its size.
 */
import { protobufMagic } from "./decode.js";
import { WireType } from "./wire.js";

const utf8 = new TextEncoder();

export class WireWriter {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes written since the last chunk was closed (tags, varints, short payloads). */
  private pending: number[] = [];
  private closedLength = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.closedLength + this.pending.length;
  }

  /** Raw varint, for values up to 64 bits; negative numbers are written as Go writes int32/int64. */
  varint(value: number | bigint): this {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
      // The common case (tags, lengths) without BigInt.
      while (value >= 0x80) {
        this.pending.push((value % 0x80) | 0x80);
        value = Math.floor(value / 0x80);
      }
      this.pending.push(value);
      return this;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.pending.push(Number(v));
    return this;
  }

  tag(fieldNumber: number, wireType: WireType): this {
    return this.varint(fieldNumber * 8 + wireType);
  }

  raw(bytes: Uint8Array | readonly number[]): this {
    if (bytes.length < 64) {
      for (const b of bytes) this.pending.push(b);
    } else {
      this.close();
      this.chunks.push(Uint8Array.from(bytes));
      this.closedLength += bytes.length;
    }
    return this;
  }

  /** A varint field (int32, int64, bool). */
  int(fieldNumber: number, value: number | bigint | boolean): this {
    return this.tag(fieldNumber, WireType.Varint).varint(typeof value === "boolean" ? Number(value) : value);
  }

  /** A length-delimited field: bytes, a string, or a nested message built by `build`. */
  bytes(fieldNumber: number, value: Uint8Array | string | ((w: WireWriter) => void)): this {
    if (typeof value === "function") {
      const inner = new WireWriter();
      value(inner);
      inner.close();
      this.tag(fieldNumber, WireType.LengthDelimited).varint(inner.length).close();
      for (const chunk of inner.chunks) this.chunks.push(chunk);
      this.closedLength += inner.length;
      return this;
    }
    const payload = typeof value === "string" ? utf8.encode(value) : value;
    return this.tag(fieldNumber, WireType.LengthDelimited).varint(payload.length).raw(payload);
  }

  /** A map entry {1: key, 2: value} as maps travel on the wire. */
  mapEntry(fieldNumber: number, key: string, value: string | ((w: WireWriter) => void)): this {
    return this.bytes(fieldNumber, (e) => e.bytes(1, key).bytes(2, value));
  }

  finish(): Uint8Array {
    this.close();
    const out = new Uint8Array(this.closedLength);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** Moves the pending bytes into a chunk of their own. */
  private close(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.closedLength += this.pending.length;
    this.pending = [];
  }
}

/** A whole request body: magic, then runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
export function kubernetesProtobufBody(apiVersion: string, kind: string, raw: Uint8Array | ((w: WireWriter) => void)): Uint8Array {
  const envelope = new WireWriter()
    .bytes(1, (t) => t.bytes(1, apiVersion).bytes(2, kind))
    .bytes(2, raw)
    .bytes(3, "")
    .bytes(4, "")
    .finish();
  return new WireWriter().raw(protobufMagic).raw(envelope).finish();
}
