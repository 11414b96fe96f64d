/**
 * Decodes a `Content-Type: application/vnd.kubernetes.protobuf` request body into the
 * JSON object the rest of Peapod handles.
 *
 * The body is the four bytes `k8s\0` followed by a `runtime.Unknown` message that names
 * the object's apiVersion and kind and carries the object's own protobuf in `raw`
 * (apimachinery pkg/runtime/serializer/protobuf/protobuf.go, pkg/runtime/generated.proto).
 */
import { BadRequestError, StatusError } from "../meta/status-errors.js";
import { messageDecoder } from "./decode-message.js";
import { messageTables, protobufKinds, type ProtobufKind } from "./message-tables.js";
import { ProtobufDecodeError, WireReader, WireType } from "./wire.js";

export const protobufMediaType = "application/vnd.kubernetes.protobuf";

/** The prefix every Kubernetes protobuf body starts with: "k8s" and a zero byte. */
export const protobufMagic: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as Go's JSON encoder would print it, `kind` and `apiVersion` set, nulls left out. */
  readonly object: Record<string, unknown>;
}

/**
 * Thrown for a well-formed protobuf body of a kind Peapod has no field table for; the
 * client should send JSON instead (415, as upstream answers a media type it cannot read).
 */
export class UnsupportedProtobufKindError extends StatusError {
  constructor(readonly apiVersion: string, readonly kind: string) {
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    super(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml; ` +
        `${protobufMediaType} is not supported for kind "${kind}" in version "${apiVersion}"`,
      { group, kind },
    );
  }
}

const decoder = messageDecoder(messageTables);
const supported = new Set(protobufKinds.map((k) => `${k.apiVersion}/${k.kind}`));

/**
 * Decodes a protobuf request body. `expected` is the kind the endpoint serves: like
 * upstream's decoder, it fills in a kind or apiVersion the envelope leaves empty.
 *
 * Throws BadRequestError for bytes that are not a valid body, UnsupportedProtobufKindError
 * for a kind without field tables.
 */
export function decodeKubernetesProtobuf(body: Uint8Array, expected?: ProtobufKind): DecodedObject {
  const envelope = readEnvelope(body);
  const kind = envelope.kind || expected?.kind || "";
  const apiVersion = envelope.apiVersion || expected?.apiVersion || "";
  const typeMeta = `runtime.TypeMeta{APIVersion:${JSON.stringify(envelope.apiVersion)}, Kind:${JSON.stringify(envelope.kind)}}`;
  if (!kind) throw new BadRequestError(`${unrecognized(expected)}: Object 'Kind' is missing in '${typeMeta}'`);
  if (!apiVersion) throw new BadRequestError(`${unrecognized(expected)}: Object 'apiVersion' is missing in '${typeMeta}'`);
  if (!supported.has(`${apiVersion}/${kind}`)) throw new UnsupportedProtobufKindError(apiVersion, kind);
  let fields: Record<string, unknown>;
  try {
    fields = decoder.decode(kind, envelope.raw);
  } catch (e) {
    if (!(e instanceof ProtobufDecodeError)) throw e;
    // The wording of apiserver's transformDecodeError (endpoints/handlers/rest.go).
    const version = apiVersion.slice(apiVersion.indexOf("/") + 1);
    throw new BadRequestError(`${kind} in version "${version}" cannot be handled as a ${expected?.kind ?? kind}: ${e.message}`);
  }
  return { apiVersion, kind, object: { kind, apiVersion, ...fields } };
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
}

function readEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new BadRequestError(`${unrecognized()}: empty data`);
  if (body.length < protobufMagic.length || !protobufMagic.every((b, i) => body[i] === b)) {
    throw new BadRequestError(
      `${unrecognized()}: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]`,
    );
  }
  try {
    return readUnknown(body.subarray(protobufMagic.length));
  } catch (e) {
    if (e instanceof ProtobufDecodeError) throw new BadRequestError(`${unrecognized()}: ${e.message}`);
    throw e;
  }
}

/** runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType. */
function readUnknown(bytes: Uint8Array): Envelope {
  const envelope: Envelope = { apiVersion: "", kind: "", raw: new Uint8Array(0) };
  const r = new WireReader(bytes);
  while (!r.done) {
    const tag = r.readTag();
    if (tag.fieldNumber >= 1 && tag.fieldNumber <= 4) {
      if (tag.wireType !== WireType.LengthDelimited) {
        throw new ProtobufDecodeError(`proto: wrong wireType = ${tag.wireType} for field ${unknownFields[tag.fieldNumber - 1]}`);
      }
      const payload = r.readLengthDelimited();
      if (tag.fieldNumber === 1) readTypeMeta(payload, envelope);
      else if (tag.fieldNumber === 2) envelope.raw = payload;
      // contentEncoding and contentType are empty in what clients send; upstream ignores them too.
    } else {
      r.skip(tag.wireType);
    }
  }
  return envelope;
}

const unknownFields = ["TypeMeta", "Raw", "ContentEncoding", "ContentType"];

function readTypeMeta(bytes: Uint8Array, into: Envelope): void {
  const r = new WireReader(bytes);
  while (!r.done) {
    const tag = r.readTag();
    if (tag.fieldNumber === 1 || tag.fieldNumber === 2) {
      if (tag.wireType !== WireType.LengthDelimited) {
        throw new ProtobufDecodeError(`proto: wrong wireType = ${tag.wireType} for field ${tag.fieldNumber === 1 ? "APIVersion" : "Kind"}`);
      }
      const text = new TextDecoder().decode(r.readLengthDelimited());
      if (tag.fieldNumber === 1) into.apiVersion = text;
      else into.kind = text;
    } else {
      r.skip(tag.wireType);
    }
  }
}

/** apiserver's prefix for a body it cannot even type (endpoints/handlers/rest.go). */
function unrecognized(expected?: ProtobufKind): string {
  return expected ? `the object provided is unrecognized (must be of type ${expected.kind})` : "the object provided is unrecognized";
}
