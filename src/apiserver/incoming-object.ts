/**
 * Turns a request body into the object a write handler works with: decode by media
 * type, check apiVersion/kind against the endpoint (filling them in when absent, as
 * upstream's decoder defaults them), and apply `fieldValidation` (Strict, Warn, Ignore)
 * for unknown and duplicate fields.
 */
import {
  BadRequestError, isPlainObject, type KubeObject,
} from "../api/index.js";
import {
  InvalidError, findStrictDecodingErrors, findTypeError, findUnknownFields, invalid, pruneUnknownFields, strictDecodingMessage,
  type Schema,
} from "../api/index.js";
import { decodeObjectBody } from "./negotiation.js";
import { groupVersionString } from "./resources/resource-types.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get("fieldValidation");
  if (v === null || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw new BadRequestError(`fieldValidation parameter unsupported: ${v}; supported values: Ignore, Warn, Strict`);
}

export interface ExpectedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface IncomingObject {
  readonly object: KubeObject;
  readonly warnings: string[];
}

export function decodeIncomingObject(
  body: Buffer,
  contentType: string | undefined,
  expected: ExpectedKind,
  validation: FieldValidation,
  schema: Schema,
): IncomingObject {
  const decoded = decodeObjectBody(body, contentType);
  if (!isPlainObject(decoded.value)) {
    throw new BadRequestError(`couldn't get version/kind; json parse error: expected an object, got ${JSON.stringify(typeof decoded.value)}`);
  }
  const obj = decoded.value as KubeObject;
  checkKind(obj, expected);
  if (!isPlainObject(obj.metadata)) {
    if (obj.metadata !== undefined && obj.metadata !== null) {
      throw cannotHandle(expected, `json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${expected.kind}.metadata of type v1.ObjectMeta`);
    }
    obj.metadata = {};
  }
  const root = schema.structForKind(expected);
  const typeError = root && findTypeError(obj, root, schema);
  if (typeError) throw cannotHandle(expected, typeError);
  const warnings = checkFields(obj, decoded.jsonText, expected, validation, schema);
  if (root) pruneUnknownFields(obj, root, schema);
  return { object: obj, warnings };
}


/** Strict/Warn field validation of an object that came in any way (body or patch result). */
export function checkFields(
  obj: KubeObject,
  jsonText: string | undefined,
  expected: ExpectedKind,
  validation: FieldValidation,
  schema: Schema,
): string[] {
  if (validation === "Ignore") return [];
  const root = schema.structForKind(expected);
  if (!root) return [];
  // The raw text keeps duplicate fields and document order, as upstream reports them.
  const problems = jsonText !== undefined ? findStrictDecodingErrors(jsonText, root, schema) : findUnknownFields(obj, root, schema);
  if (problems.length === 0) return [];
  if (validation === "Strict") throw cannotHandle(expected, strictDecodingMessage(problems));
  return problems;
}

/** What a patch result goes through before it is stored: types, field validation, pruning. */
export function checkPatched(obj: KubeObject, expected: ExpectedKind, validation: FieldValidation, schema: Schema): string[] {
  const root = schema.structForKind(expected);
  if (!root) return [];
  const typeError = findTypeError(obj, root, schema);
  if (typeError) throw new InvalidError("", "", "", [invalid("patch", JSON.stringify(obj), typeError)]);
  const warnings = checkFields(obj, undefined, expected, validation, schema);
  pruneUnknownFields(obj, root, schema);
  return warnings;
}

function checkKind(obj: KubeObject, expected: ExpectedKind): void {
  const apiVersion = groupVersionString(expected);
  if (obj.apiVersion === undefined || obj.apiVersion === "") obj.apiVersion = apiVersion;
  if (obj.kind === undefined || obj.kind === "") obj.kind = expected.kind;
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    throw new BadRequestError("couldn't get version/kind; json parse error: apiVersion and kind must be strings");
  }
  if (obj.apiVersion !== apiVersion) {
    throw new BadRequestError(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.kind !== expected.kind) {
    throw cannotHandle(expected, `no kind "${obj.kind}" is registered for version "${apiVersion}"`);
  }
}

function cannotHandle(expected: ExpectedKind, why: string): BadRequestError {
  return new BadRequestError(`${expected.kind} in version "${expected.version}" cannot be handled as a ${expected.kind}: ${why}`);
}
