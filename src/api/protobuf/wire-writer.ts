/**
 * The writing half of the wire format, as small as the tests need to build bodies
 * byte by byte (valid, truncated or deliberately wrong). Field order and repetition are
 * left to the caller, so it can write anything a broken client could send.
 */
import { protobufMagic } from "./decode.js";
import { WireType } from "./wire.js";

export class WireWriter {
  private readonly parts: number[] = [];

  /** Raw varint, for values up to 64 bits; negative numbers are written as Go writes int32/int64. */
  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.parts.push(Number(v));
    return this;
  }

  tag(fieldNumber: number, wireType: WireType): this {
    return this.varint(fieldNumber * 8 + wireType);
  }

  raw(bytes: Uint8Array | readonly number[]): this {
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  /** A varint field (int32, int64, bool). */
  int(fieldNumber: number, value: number | bigint | boolean): this {
    return this.tag(fieldNumber, WireType.Varint).varint(typeof value === "boolean" ? Number(value) : value);
  }

  /** A length-delimited field: bytes, a string, or a nested message built by `build`. */
  bytes(fieldNumber: number, value: Uint8Array | string | ((w: WireWriter) => void)): this {
    let payload: Uint8Array;
    if (typeof value === "string") payload = new TextEncoder().encode(value);
    else if (typeof value === "function") {
      const inner = new WireWriter();
      value(inner);
      payload = inner.finish();
    } else payload = value;
    return this.tag(fieldNumber, WireType.LengthDelimited).varint(payload.length).raw(payload);
  }

  /** A map entry {1: key, 2: value} as maps travel on the wire. */
  mapEntry(fieldNumber: number, key: string, value: string | ((w: WireWriter) => void)): this {
    return this.bytes(fieldNumber, (e) => e.bytes(1, key).bytes(2, value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
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
