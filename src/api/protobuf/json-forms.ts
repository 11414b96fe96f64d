/**
 * The apimachinery messages whose JSON is not an object: each has a custom MarshalJSON
 * in Go, so its decoded fields are turned into the JSON value Go would print.
 * `undefined` means Go prints `null`, which Peapod leaves out.
 */
import { ProtobufDecodeError } from "./wire.js";

export type JsonForm = (fields: Readonly<Record<string, unknown>>, payloadLength: number) => unknown;

// metav1.Time (apimachinery pkg/apis/meta/v1/time_proto.go, time.go): an empty message is
// the zero time and prints as null; otherwise whole seconds (nanos are dropped on
// decode) printed as RFC 3339 in UTC. Go refuses years outside 0000..9999.
const minSeconds = -62167219200; // 0000-01-01T00:00:00Z
const maxSeconds = 253402300799; // 9999-12-31T23:59:59Z

function timeJson(fields: Readonly<Record<string, unknown>>, payloadLength: number): string | undefined {
  if (payloadLength === 0) return undefined;
  const seconds = fields["seconds"] as number;
  if (!(seconds >= minSeconds && seconds <= maxSeconds)) {
    throw new ProtobufDecodeError("Time.MarshalJSON: year outside of range [0,9999]");
  }
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// intstr.IntOrString (apimachinery pkg/util/intstr/intstr.go): type 0 is an int,
// type 1 a string; Go's MarshalJSON fails on anything else.
function intOrStringJson(fields: Readonly<Record<string, unknown>>): number | string {
  switch (fields["type"]) {
    case 0:
      return fields["intVal"] as number;
    case 1:
      return fields["strVal"] as string;
    default:
      throw new ProtobufDecodeError("impossible IntOrString.Type");
  }
}

// resource.Quantity (apimachinery pkg/api/resource/quantity_proto.go, quantity.go): the
// string is parsed on decode, so one that cannot be a quantity is an error; a message
// without it is the zero quantity, printed "0". Go writes the canonical form, which is
// passed on as sent.
const quantityPattern = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

function quantityJson(fields: Readonly<Record<string, unknown>>): string {
  const s = fields["string"] as string | undefined;
  if (s === undefined) return "0";
  if (!quantityPattern.test(s)) {
    throw new ProtobufDecodeError(`quantities must match the regular expression '${quantityPattern.source}'`);
  }
  return s;
}

// metav1.FieldsV1 (apimachinery pkg/apis/meta/v1/helpers.go): raw JSON of the managed
// field set, printed as it is; no raw prints as null.
function fieldsV1Json(fields: Readonly<Record<string, unknown>>): unknown {
  const raw = fields["raw"] as string | undefined;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  } catch {
    throw new ProtobufDecodeError("metav1.FieldsV1: raw is not valid JSON");
  }
}

/** By message short name, the messages the field tables refer to with a custom JSON form. */
export const jsonForms: Readonly<Record<string, JsonForm>> = {
  Time: timeJson,
  IntOrString: intOrStringJson,
  Quantity: quantityJson,
  FieldsV1: fieldsV1Json,
};
