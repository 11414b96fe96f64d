/**
 * Turns the protobuf bytes of one message into the JSON object Go's encoder would print
 * for the same struct, driven by the field tables.
 *
 * The rules, from how gogo marshals Kubernetes types and how encoding/json prints them:
 * - unknown fields are skipped (gogo's `skipGenerated`);
 * - a scalar seen twice keeps the last value; a message seen twice is merged, as the
 *   protobuf spec says (decoding the concatenation);
 * - repeated scalars may come packed or not;
 * - a value field absent from the wire still has its zero value in Go, so it prints
 *   unless `omitEmpty`; a value struct always prints (`status: {}`), an `optional`
 *   (pointer) field only when sent; empty lists and maps never print (Go prints `null`
 *   or nothing, and Peapod leaves out nulls).
 */
import { jsonForms, type JsonForm } from "./json-forms.js";
import type { FieldSpec, MessageTable, ScalarType } from "./message-spec.js";
import {
  fixed64ToDouble,
  ProtobufDecodeError,
  readPackedVarints,
  varintToInt32,
  varintToInt64,
  WireReader,
  WireType,
} from "./wire.js";

/** Far deeper than any Kubernetes type; only a broken (cyclic) table could get here. */
const maxDepth = 64;

const utf8 = new TextDecoder("utf-8");

type WireValue = bigint | Uint8Array;

/** What one pass over a message's bytes found: the values of each known field, in order. */
type Seen = WireValue[];

/** A field table entry with its type taken apart once, instead of on every decode. */
interface CompiledField {
  readonly spec: FieldSpec;
  readonly kind: "scalar" | "message" | "map";
  /** The scalar type of a scalar field or of a map's values. */
  readonly scalar: ScalarType | undefined;
  /** The message of a message field or of a map's values. */
  readonly message: string | undefined;
  /** The wire type an unpacked value must have. */
  readonly wireType: WireType;
}

interface CompiledMessage {
  readonly name: string;
  readonly fields: ReadonlyMap<number, CompiledField>;
  readonly form: JsonForm | undefined;
}

/** Where in the object decoding is, built as a chain and only printed for an error. */
interface Path {
  readonly parent: Path | undefined;
  readonly segment: string;
}

export interface MessageDecoder {
  /** Decodes `bytes` as the message named `name` (a key of the table). */
  decode(name: string, bytes: Uint8Array): Record<string, unknown>;
}

export function messageDecoder(table: MessageTable): MessageDecoder {
  const compiled = new Map<string, CompiledMessage>();

  function compile(name: string): CompiledMessage {
    const cached = compiled.get(name);
    if (cached) return cached;
    const fields = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!fields) throw new ProtobufDecodeError(`no field table for message ${name}`, true);
    const byNumber = new Map<number, CompiledField>();
    for (const key of Object.keys(fields)) byNumber.set(Number(key), compileField(fields[Number(key)]!));
    const message = { name, fields: byNumber, form: Object.hasOwn(jsonForms, name) ? jsonForms[name] : undefined };
    compiled.set(name, message);
    return message;
  }

  function decodeMessage(name: string, chunks: readonly Uint8Array[], path: Path | undefined, depth: number): unknown {
    if (depth > maxDepth) throw new ProtobufDecodeError(`message nesting deeper than ${maxDepth} at ${render(path)}`, true);
    const message = compile(name);
    try {
      return decodeFields(message, chunks, path, depth);
    } catch (e) {
      if (!(e instanceof ProtobufDecodeError) || e.located) throw e;
      const at = render(path);
      throw new ProtobufDecodeError(`${e.message} in ${name}${at ? ` at ${at}` : ""}`, true);
    }
  }

  function decodeFields(message: CompiledMessage, chunks: readonly Uint8Array[], path: Path | undefined, depth: number): unknown {
    const bytes = chunks.length === 1 ? chunks[0]! : concat(chunks);
    const seen = scan(message, bytes, path);
    const out: Record<string, unknown> = {};
    for (const [num, field] of message.fields) {
      const value = fieldValue(field, seen.get(num), path, depth);
      if (value === undefined) continue;
      if (field.spec.inline) Object.assign(out, value);
      else out[field.spec.json] = value;
    }
    return message.form ? message.form(out, bytes.length) : out;
  }

  function fieldValue(field: CompiledField, seen: Seen | undefined, parent: Path | undefined, depth: number): unknown {
    const { spec } = field;
    const path = spec.inline ? parent : { parent, segment: `.${spec.json}` };
    switch (field.kind) {
      case "map": {
        if (!seen) return undefined;
        const out: Record<string, unknown> = {};
        for (const entry of seen) {
          const { key, value } = mapEntry(entry as Uint8Array, field, path, depth);
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      case "message": {
        const name = field.message!;
        if (spec.repeated) {
          if (!seen) return undefined;
          return seen.map((v, i) => decodeMessage(name, [v as Uint8Array], { parent: path, segment: `[${i}]` }, depth + 1));
        }
        if (!seen && spec.optional) return undefined;
        return decodeMessage(name, (seen ?? [empty]) as Uint8Array[], path, depth + 1);
      }
      case "scalar": {
        const type = field.scalar!;
        if (spec.repeated) return seen ? seen.map((v) => scalar(type, v)) : undefined;
        if (!seen) return spec.optional || spec.omitEmpty ? undefined : zero(type);
        const value = scalar(type, seen[seen.length - 1]!);
        return spec.omitEmpty && isZero(value) ? undefined : value;
      }
    }
  }

  function mapEntry(bytes: Uint8Array, field: CompiledField, path: Path | undefined, depth: number) {
    // A map entry is a message {1: key, 2: value}; either may be missing (zero value).
    const r = new WireReader(bytes);
    let key = "";
    let raw: WireValue | undefined;
    const valueChunks: Uint8Array[] = [];
    while (!r.done) {
      const tag = r.readTag();
      if (tag.fieldNumber === 1) {
        expectWireType(tag.wireType, WireType.LengthDelimited, () => `${render(path)} key`);
        key = utf8.decode(r.readLengthDelimited());
      } else if (tag.fieldNumber === 2) {
        expectWireType(tag.wireType, field.wireType, () => `${render(path)} value`);
        raw = readValue(r, tag.wireType);
        if (field.message) valueChunks.push(raw as Uint8Array);
      } else {
        r.skip(tag.wireType);
      }
    }
    const value = field.message
      ? decodeMessage(field.message, valueChunks.length ? valueChunks : [empty], { parent: path, segment: `[${JSON.stringify(key)}]` }, depth + 1)
      : raw === undefined ? zero(field.scalar!) : scalar(field.scalar!, raw);
    return { key, value };
  }

  return {
    decode(name, bytes) {
      return decodeMessage(name, [bytes], undefined, 0) as Record<string, unknown>;
    },
  };
}

function compileField(spec: FieldSpec): CompiledField {
  const mapped = /^map<string,(.+)>$/.exec(spec.type);
  const element = mapped ? mapped[1]! : spec.type;
  const message = element.startsWith("message:") ? element.slice("message:".length) : undefined;
  const scalarType = message ? undefined : (element as ScalarType);
  return {
    spec,
    kind: mapped ? "map" : message ? "message" : "scalar",
    scalar: scalarType,
    message,
    wireType: scalarType ? scalarWireType(scalarType) : WireType.LengthDelimited,
  };
}

function render(path: Path | undefined): string {
  let text = "";
  for (let p = path; p; p = p.parent) text = p.segment + text;
  return text.startsWith(".") ? text.slice(1) : text;
}

/** One pass over the bytes: checks wire types of known fields and collects their values. */
function scan(message: CompiledMessage, bytes: Uint8Array, path: Path | undefined): Map<number, Seen> {
  const seen = new Map<number, Seen>();
  const r = new WireReader(bytes);
  while (!r.done) {
    const tag = r.readTag();
    const field = message.fields.get(tag.fieldNumber);
    if (!field) {
      r.skip(tag.wireType);
      continue;
    }
    const fieldPath = () => {
      const at = render(path);
      const name = field.spec.json || `<${tag.fieldNumber}>`;
      return at ? `${at}.${name}` : name;
    };
    const packed = field.spec.repeated && field.kind === "scalar" && field.wireType !== WireType.LengthDelimited &&
      tag.wireType === WireType.LengthDelimited;
    if (!packed) expectWireType(tag.wireType, field.wireType, fieldPath);
    let values = seen.get(tag.fieldNumber);
    if (!values) seen.set(tag.fieldNumber, (values = []));
    if (packed) {
      const payload = r.readLengthDelimited();
      const unpacked = field.wireType === WireType.Varint
        ? readPackedVarints(payload)
        : splitFixed(payload, field.wireType === WireType.Fixed64 ? 8 : 4, fieldPath);
      for (const v of unpacked) values.push(v);
    } else {
      values.push(readValue(r, tag.wireType));
    }
  }
  return seen;
}

function readValue(r: WireReader, wireType: WireType): WireValue {
  switch (wireType) {
    case WireType.Varint:
      return r.readVarint();
    case WireType.Fixed64:
      return r.readFixed64();
    case WireType.Fixed32:
      return r.readFixed32();
    default:
      return r.readLengthDelimited();
  }
}

function scalarWireType(type: ScalarType): WireType {
  switch (type) {
    case "int32":
    case "int64":
    case "bool":
      return WireType.Varint;
    case "double":
      return WireType.Fixed64;
    default:
      return WireType.LengthDelimited;
  }
}

function expectWireType(actual: WireType, expected: WireType, path: () => string): void {
  if (actual !== expected) throw new ProtobufDecodeError(`proto: wrong wireType = ${actual} for field ${path()}`, true);
}

function scalar(type: ScalarType, v: WireValue): unknown {
  switch (type) {
    case "string":
      return utf8.decode(v as Uint8Array);
    case "bytes":
      return Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).length).toString("base64");
    case "int32":
      return varintToInt32(v as bigint);
    case "int64":
      return varintToInt64(v as bigint);
    case "bool":
      return (v as bigint) !== 0n;
    case "double":
      return fixed64ToDouble(v as Uint8Array);
  }
}

function zero(type: ScalarType): unknown {
  switch (type) {
    case "string":
    case "bytes":
      return "";
    case "bool":
      return false;
    default:
      return 0;
  }
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

function splitFixed(payload: Uint8Array, size: number, path: () => string): Uint8Array[] {
  if (payload.length % size !== 0) throw new ProtobufDecodeError(`unexpected EOF in packed field ${path()}`, true);
  const out: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += size) out.push(payload.subarray(i, i + size));
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

const empty = new Uint8Array(0);
