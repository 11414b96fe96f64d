/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), read
 * without any schema: tags, varints, length-delimited payloads and skipping.
 *
 * Everything here is bounds-checked against the slice being read, so malformed or
 * truncated input ends in a `ProtobufDecodeError` after at most one pass over the
 * bytes; nothing allocates more than the input's size. Error texts follow the ones
 * gogo-generated Kubernetes code returns (`proto: integer overflow`, `unexpected EOF`,
 * `proto: wrong wireType = N for field X`).
 */

/** Thrown for bytes that are not a well-formed protobuf message of the expected shape. */
export class ProtobufDecodeError extends Error {
  /** `located` is set once the message names the field or message where decoding failed. */
  constructor(message: string, readonly located = false) {
    super(message);
    this.name = "ProtobufDecodeError";
  }
}

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export interface Tag {
  readonly fieldNumber: number;
  readonly wireType: WireType;
}

/** Groups are long deprecated and never used by Kubernetes; nesting is capped anyway. */
const maxGroupDepth = 32;

/** A cursor over one message's bytes (`buf[pos, end)`). */
export class WireReader {
  private pos: number;
  private readonly end: number;

  constructor(private readonly buf: Uint8Array, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) throw new RangeError("WireReader: bad bounds");
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint of up to 64 bits (ten bytes), as an unsigned value. */
  readVarint(): bigint {
    // Most varints are short: accumulate in a double while it is exact (7 bytes = 49 bits).
    let low = 0;
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      low += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) return BigInt(low);
    }
    let value = BigInt(low);
    for (let shift = 49n; ; shift += 7n) {
      if (shift >= 64n) throw new ProtobufDecodeError("proto: integer overflow");
      const b = this.byte();
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, value);
    }
  }

  readTag(): Tag {
    const key = this.readVarint();
    if (key > 0xffffffffn) throw new ProtobufDecodeError("proto: integer overflow");
    const k = Number(key);
    const fieldNumber = Math.floor(k / 8);
    const wireType = k & 7;
    if (wireType === 4) throw new ProtobufDecodeError("proto: wiretype end group for non-group");
    if (fieldNumber <= 0 || wireType === 6 || wireType === 7) {
      throw new ProtobufDecodeError(`proto: illegal tag ${fieldNumber} (wire type ${wireType})`);
    }
    return { fieldNumber, wireType: wireType as WireType };
  }

  /** The payload of a length-delimited field, as a view into the input (no copy). */
  readLengthDelimited(): Uint8Array {
    const length = this.readVarint();
    // Go reads the length into an int: past 2^63 it turns negative.
    if (length >= 2n ** 63n) throw new ProtobufDecodeError("proto: negative length found during unmarshaling");
    if (length > BigInt(this.end - this.pos)) throw new ProtobufDecodeError("unexpected EOF");
    const out = this.buf.subarray(this.pos, this.pos + Number(length));
    this.pos += out.length;
    return out;
  }

  /** Eight little-endian bytes (wire type 1). */
  readFixed64(): Uint8Array {
    return this.take(8);
  }

  /** Four little-endian bytes (wire type 5). */
  readFixed32(): Uint8Array {
    return this.take(4);
  }

  /** Skips the value of a field whose tag was just read. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        this.take(8);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.take(4);
        return;
      case WireType.StartGroup:
        this.skipGroup();
        return;
      case WireType.EndGroup:
        throw new ProtobufDecodeError("proto: wiretype end group for non-group");
    }
  }

  private skipGroup(): void {
    let depth = 1;
    while (depth > 0) {
      const key = Number(BigInt.asUintN(32, this.readVarint()));
      const wireType = key & 7;
      if (wireType === WireType.StartGroup) {
        if (++depth > maxGroupDepth) throw new ProtobufDecodeError("proto: groups nested too deeply");
      } else if (wireType === WireType.EndGroup) {
        depth--;
      } else if (wireType === 6 || wireType === 7) {
        throw new ProtobufDecodeError(`proto: illegal wireType ${wireType}`);
      } else {
        this.skip(wireType as WireType);
      }
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufDecodeError("unexpected EOF");
    return this.buf[this.pos++]!;
  }

  private take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new ProtobufDecodeError("unexpected EOF");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Unpacks a packed repeated varint field (all values back to back in one payload). */
export function readPackedVarints(payload: Uint8Array): bigint[] {
  const r = new WireReader(payload);
  const out: bigint[] = [];
  while (!r.done) out.push(r.readVarint());
  return out;
}

/** Go's int32 conversion of a varint: the low 32 bits, two's complement. */
export function varintToInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/**
 * Go's int64 conversion of a varint. JSON numbers in JavaScript are doubles, so values
 * beyond 2^53 lose precision exactly as they would through `JSON.parse`.
 */
export function varintToInt64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

export function fixed64ToDouble(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}
