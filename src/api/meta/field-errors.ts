/**
 * Field errors as upstream reports them (k8s.io/apimachinery/pkg/util/validation/field).
 *
 * A validator returns a list of FieldError; the API server turns the list into a 422
 * `Invalid` Status whose causes kubectl prints one per line. The text of each error is
 * the upstream `ErrorBody`, so users see the same messages as on a real cluster.
 */

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** Marks an error whose value is not shown (upstream's `omitValue`). */
export const omitValue: unique symbol = Symbol("omitValue");

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue: unknown;
  readonly detail: string;
}

/** A field path such as `spec.containers[0].ports[1].containerPort`. */
export class FieldPath {
  private constructor(private readonly text: string) {}

  static root(name: string): FieldPath {
    return new FieldPath(name);
  }

  child(name: string, ...more: string[]): FieldPath {
    let text = this.text === "" ? name : `${this.text}.${name}`;
    for (const m of more) text += `.${m}`;
    return new FieldPath(text);
  }

  index(i: number): FieldPath {
    return new FieldPath(`${this.text}[${i}]`);
  }

  key(k: string): FieldPath {
    return new FieldPath(`${this.text}[${k}]`);
  }

  toString(): string {
    return this.text;
  }
}

type Path = FieldPath | string;
const str = (p: Path): string => (typeof p === "string" ? p : p.toString());

export const required = (field: Path, detail = ""): FieldError => ({
  type: "FieldValueRequired", field: str(field), badValue: "", detail,
});
export const invalid = (field: Path, value: unknown, detail: string): FieldError => ({
  type: "FieldValueInvalid", field: str(field), badValue: value, detail,
});
export const notSupported = (field: Path, value: unknown, supported: readonly string[]): FieldError => ({
  type: "FieldValueNotSupported",
  field: str(field),
  badValue: value,
  detail: supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}` : "",
});
export const duplicate = (field: Path, value: unknown): FieldError => ({
  type: "FieldValueDuplicate", field: str(field), badValue: value, detail: "",
});
export const forbidden = (field: Path, detail: string): FieldError => ({
  type: "FieldValueForbidden", field: str(field), badValue: "", detail,
});
export const notFound = (field: Path, value: unknown): FieldError => ({
  type: "FieldValueNotFound", field: str(field), badValue: value, detail: "",
});
export const tooLong = (field: Path, value: unknown, max: number): FieldError => ({
  type: "FieldValueTooLong", field: str(field), badValue: value,
  detail: `may not be more than ${max} bytes`,
});
export const tooMany = (field: Path, actual: number, max: number): FieldError => ({
  type: "FieldValueTooMany", field: str(field), badValue: actual,
  detail: `must have at most ${max} items`,
});
export const internalError = (field: Path, err: string): FieldError => ({
  type: "InternalError", field: str(field), badValue: "", detail: err,
});

/** Go's `%q` for the strings that appear in API objects. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Marks a bad value that upstream prints with Go's `%#v` (maps, slices, structs), such as
 * `map[string]string{"app":"web"}`; the text is shown as is.
 */
export const goSyntax: unique symbol = Symbol("goSyntax");

export interface GoSyntaxValue {
  readonly [goSyntax]: string;
}

export function goSyntaxValue(text: string): GoSyntaxValue {
  return { [goSyntax]: text };
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "object" && goSyntax in v) return (v as GoSyntaxValue)[goSyntax];
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
}

/** The error text without the field path (upstream `ErrorBody`), used as a Status cause message. */
export function errorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case "FieldValueRequired":
    case "FieldValueForbidden":
    case "FieldValueTooLong":
    case "InternalError":
      s = typeText[e.type];
      break;
    default:
      s = e.badValue === omitValue ? typeText[e.type] : `${typeText[e.type]}: ${formatValue(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** The full error text (`field: body`). */
export function fieldErrorText(e: FieldError): string {
  return e.field ? `${e.field}: ${errorBody(e)}` : errorBody(e);
}

/** Upstream's aggregate: one message as is, several as `[a, b]` with duplicates removed. */
export function aggregateText(errs: readonly FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const t = fieldErrorText(e);
    if (!seen.has(t)) {
      seen.add(t);
      msgs.push(t);
    }
  }
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(", ")}]`;
}
