/**
 * SPDY/3.1 frames: their types, how to write them, and an incremental reader that turns a
 * byte stream cut anywhere (TCP segments, WebSocket messages of any size) into whole frames.
 *
 * Layouts follow SPDY Protocol Draft 3 section 2.2 (as spdystream, kubectl's SPDY library,
 * implements them). All integers are big-endian. Header blocks stay compressed here:
 * inflating them needs the session's one zlib context (header-block.ts), so the codec itself
 * is pure and synchronous.
 *
 * A frame the reader cannot accept throws `SpdyProtocolError`; the session turns that into a
 * GOAWAY and a clean close, never a crash.
 */

export const spdyVersion = 3;

/** Control frame type codes (draft 3 §2.6). Type 5 (NOOP) was dropped in version 3. */
export const ControlType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

export const flagFin = 0x01;
export const flagUnidirectional = 0x02;

/** RST_STREAM status codes (draft 3 §2.6.3). kubectl resets finished data streams with CANCEL. */
export const RstStatus = {
  protocolError: 1,
  invalidStream: 2,
  refusedStream: 3,
  unsupportedVersion: 4,
  cancel: 5,
  internalError: 6,
  flowControlError: 7,
  streamInUse: 8,
  streamAlreadyClosed: 9,
  frameTooLarge: 11,
} as const;

/** GOAWAY status codes (draft 3 §2.6.6). */
export const GoAwayStatus = { ok: 0, protocolError: 1, internalError: 2 } as const;

/** The 24-bit length field caps a frame's payload at 16 MiB − 1. */
export const maxFramePayload = 0xffffff;

export interface SettingsEntry {
  readonly flags: number;
  readonly id: number;
  readonly value: number;
}

export type Frame =
  | { readonly type: "data"; readonly streamId: number; readonly fin: boolean; readonly data: Buffer }
  | {
      readonly type: "synStream";
      readonly streamId: number;
      readonly associatedStreamId: number;
      readonly priority: number;
      readonly slot: number;
      readonly fin: boolean;
      readonly unidirectional: boolean;
      readonly headerBlock: Buffer;
    }
  | { readonly type: "synReply"; readonly streamId: number; readonly fin: boolean; readonly headerBlock: Buffer }
  | { readonly type: "rstStream"; readonly streamId: number; readonly status: number }
  | { readonly type: "settings"; readonly clearPersisted: boolean; readonly entries: readonly SettingsEntry[] }
  | { readonly type: "ping"; readonly id: number }
  | { readonly type: "goAway"; readonly lastGoodStreamId: number; readonly status: number }
  | { readonly type: "headers"; readonly streamId: number; readonly fin: boolean; readonly headerBlock: Buffer }
  | { readonly type: "windowUpdate"; readonly streamId: number; readonly delta: number }
  /** Draft 3 §2.2.1: a control frame of an unknown type must be ignored, not rejected. */
  | { readonly type: "unknownControl"; readonly controlType: number; readonly flags: number; readonly payload: Buffer };

/** The frame types that carry a compressed header block. */
export type HeaderFrame = Extract<Frame, { headerBlock: Buffer }>;

export class SpdyProtocolError extends Error {
  override readonly name = "SpdyProtocolError";
}

const streamIdMask = 0x7fffffff;

/** Encodes one frame. DATA payloads over 16 MiB − 1 must be split by the caller. */
export function encodeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case "data": {
      if (frame.data.length > maxFramePayload) throw new RangeError(`DATA payload of ${frame.data.length} bytes exceeds ${maxFramePayload}`);
      const out = Buffer.allocUnsafe(8 + frame.data.length);
      out.writeUInt32BE(frame.streamId & streamIdMask, 0);
      out.writeUInt32BE((((frame.fin ? flagFin : 0) << 24) | frame.data.length) >>> 0, 4);
      frame.data.copy(out, 8);
      return out;
    }
    case "synStream": {
      const p = Buffer.allocUnsafe(10);
      p.writeUInt32BE(frame.streamId & streamIdMask, 0);
      p.writeUInt32BE(frame.associatedStreamId & streamIdMask, 4);
      p[8] = (frame.priority & 0x7) << 5;
      p[9] = frame.slot & 0xff;
      const flags = (frame.fin ? flagFin : 0) | (frame.unidirectional ? flagUnidirectional : 0);
      return control(ControlType.synStream, flags, Buffer.concat([p, frame.headerBlock]));
    }
    case "synReply":
      return control(ControlType.synReply, frame.fin ? flagFin : 0, Buffer.concat([u32(frame.streamId & streamIdMask), frame.headerBlock]));
    case "headers":
      return control(ControlType.headers, frame.fin ? flagFin : 0, Buffer.concat([u32(frame.streamId & streamIdMask), frame.headerBlock]));
    case "rstStream":
      return control(ControlType.rstStream, 0, Buffer.concat([u32(frame.streamId & streamIdMask), u32(frame.status)]));
    case "settings": {
      const p = Buffer.allocUnsafe(4 + 8 * frame.entries.length);
      p.writeUInt32BE(frame.entries.length, 0);
      frame.entries.forEach((e, i) => {
        p.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + 8 * i);
        p.writeUInt32BE(e.value >>> 0, 8 + 8 * i);
      });
      return control(ControlType.settings, frame.clearPersisted ? 0x01 : 0, p);
    }
    case "ping":
      return control(ControlType.ping, 0, u32(frame.id));
    case "goAway":
      return control(ControlType.goAway, 0, Buffer.concat([u32(frame.lastGoodStreamId & streamIdMask), u32(frame.status)]));
    case "windowUpdate":
      return control(ControlType.windowUpdate, 0, Buffer.concat([u32(frame.streamId & streamIdMask), u32(frame.delta & streamIdMask)]));
    case "unknownControl":
      return control(frame.controlType, frame.flags, frame.payload);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > maxFramePayload) throw new RangeError(`control payload of ${payload.length} bytes exceeds ${maxFramePayload}`);
  const head = Buffer.allocUnsafe(8);
  // `>>> 0` keeps the control bit from turning the word negative (writeUInt32BE rejects that).
  head.writeUInt32BE(((0x8000 | spdyVersion) << 16 | type) >>> 0, 0);
  head.writeUInt32BE(((flags << 24) | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

export interface FrameReaderOptions {
  /**
   * Control frames carry only small header blocks and fixed fields; a bigger one is garbage
   * or an attack, and buffering it whole would cost memory for nothing.
   */
  readonly maxControlPayload?: number;
}

/**
 * Reassembles frames from arbitrary chunks. Keeps the chunks it was given and copies only
 * when a frame straddles them, so a large transfer is not re-concatenated per segment.
 */
export class FrameReader {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;
  private readonly maxControlPayload: number;

  constructor(options: FrameReaderOptions = {}) {
    this.maxControlPayload = options.maxControlPayload ?? 1 << 20;
  }

  /** Every frame completed by `chunk`, in order. Throws `SpdyProtocolError` on a bad frame. */
  push(chunk: Buffer): Frame[] {
    if (this.failed) throw new SpdyProtocolError("frame reader already failed");
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    try {
      for (;;) {
        if (this.buffered < 8) break;
        const head = this.peek(8);
        const length = head.readUInt32BE(4) & 0xffffff;
        const isControl = (head[0]! & 0x80) !== 0;
        if (isControl) this.checkControlHeader(head, length);
        else if ((head.readUInt32BE(0) & streamIdMask) === 0) throw new SpdyProtocolError("DATA frame on stream 0");
        // FIN is the only DATA flag in version 3; other bits mean we are not reading SPDY.
        else if ((head[4]! & ~flagFin) !== 0) throw new SpdyProtocolError(`DATA frame with unknown flags 0x${head[4]!.toString(16)}`);
        if (this.buffered < 8 + length) break;
        this.take(8);
        frames.push(decodeFrame(head, this.take(length)));
      }
    } catch (e) {
      this.failed = true;
      throw e;
    }
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private checkControlHeader(head: Buffer, length: number): void {
    const version = head.readUInt16BE(0) & 0x7fff;
    if (version !== spdyVersion) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
    if (length > this.maxControlPayload) throw new SpdyProtocolError(`control frame of ${length} bytes exceeds ${this.maxControlPayload}`);
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    return this.copyOut(n, false);
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    return this.copyOut(n, true);
  }

  private copyOut(n: number, consume: boolean): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const c = this.chunks[i]!;
      const used = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, used);
      filled += used;
      if (consume) {
        if (used === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(used);
      } else i++;
    }
    if (consume) this.buffered -= n;
    return out;
  }
}

function decodeFrame(head: Buffer, payload: Buffer): Frame {
  const flags = head[4]!;
  if ((head[0]! & 0x80) === 0) {
    return { type: "data", streamId: head.readUInt32BE(0) & streamIdMask, fin: (flags & flagFin) !== 0, data: payload };
  }
  const type = head.readUInt16BE(2);
  const fin = (flags & flagFin) !== 0;
  const need = (min: number, exact = false): void => {
    if (exact ? payload.length !== min : payload.length < min) {
      throw new SpdyProtocolError(`control frame type ${type} with ${payload.length} payload bytes (want ${exact ? "" : "at least "}${min})`);
    }
  };
  const streamId = (): number => {
    const id = payload.readUInt32BE(0) & streamIdMask;
    if (id === 0) throw new SpdyProtocolError(`control frame type ${type} on stream 0`);
    return id;
  };
  switch (type) {
    case ControlType.synStream:
      need(10);
      return {
        type: "synStream",
        streamId: streamId(),
        associatedStreamId: payload.readUInt32BE(4) & streamIdMask,
        priority: payload[8]! >> 5,
        slot: payload[9]!,
        fin,
        unidirectional: (flags & flagUnidirectional) !== 0,
        headerBlock: payload.subarray(10),
      };
    case ControlType.synReply:
      need(4);
      return { type: "synReply", streamId: streamId(), fin, headerBlock: payload.subarray(4) };
    case ControlType.headers:
      need(4);
      return { type: "headers", streamId: streamId(), fin, headerBlock: payload.subarray(4) };
    case ControlType.rstStream:
      need(8, true);
      return { type: "rstStream", streamId: streamId(), status: payload.readUInt32BE(4) };
    case ControlType.settings: {
      need(4);
      const count = payload.readUInt32BE(0);
      need(4 + 8 * count, true);
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < count; i++) {
        const word = payload.readUInt32BE(4 + 8 * i);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: payload.readUInt32BE(8 + 8 * i) });
      }
      return { type: "settings", clearPersisted: (flags & 0x01) !== 0, entries };
    }
    case ControlType.ping:
      need(4, true);
      return { type: "ping", id: payload.readUInt32BE(0) };
    case ControlType.goAway:
      need(8, true);
      return { type: "goAway", lastGoodStreamId: payload.readUInt32BE(0) & streamIdMask, status: payload.readUInt32BE(4) };
    case ControlType.windowUpdate:
      need(8, true);
      return { type: "windowUpdate", streamId: payload.readUInt32BE(0) & streamIdMask, delta: payload.readUInt32BE(4) & streamIdMask };
    default:
      return { type: "unknownControl", controlType: type, flags, payload };
  }
}
