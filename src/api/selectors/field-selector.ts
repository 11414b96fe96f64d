/**
 * Field selectors: the `fieldSelector=` query parameter and `kubectl --field-selector`,
 * parsed, printed and matched as k8s.io/apimachinery/pkg/fields/selector.go does.
 *
 * The syntax is a comma-separated list of `field=value`, `field==value` or
 * `field!=value`; in a value, `\` escapes `\`, `,` and `=` (and nothing else).
 */
import { BadRequestError } from "../meta/status-errors.js";
import { compareByBytes } from "./byte-order.js";

/** Upstream fields.Requirement; `==` is stored as `=`, as upstream's hasTerm does. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: "=" | "!=";
  readonly value: string;
}

/** An object's selectable fields; a field that is absent reads as "". */
export type Fields = Readonly<Record<string, string>>;

/** Rewrites one term (upstream TransformFunc); an empty field and value drop the term. */
export type FieldTransform = (field: string, value: string) => { field: string; value: string };

const fieldOf = (fields: Fields, name: string): string => (Object.hasOwn(fields, name) ? fields[name]! : "");

/** Upstream EscapeValue. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Upstream UnescapeValue; throws BadRequestError with upstream's text for a bad escape. */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = "";
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=") {
        throw new BadRequestError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      // Upstream prints the rune with %v, which is its code point number.
      throw new BadRequestError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new BadRequestError("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** A parsed field selector. An empty one matches everything; `nothing()` matches nothing. */
export class FieldSelector {
  private static readonly all = new FieldSelector([], false);
  private static readonly none = new FieldSelector([], true);

  private constructor(
    /** In upstream's order: the terms as written, sorted by their text. */
    readonly requirements: readonly FieldRequirement[],
    readonly selectsNothing: boolean,
  ) {}

  /** Upstream fields.Everything(). */
  static everything(): FieldSelector {
    return FieldSelector.all;
  }

  /** Upstream fields.Nothing(). */
  static nothing(): FieldSelector {
    return FieldSelector.none;
  }

  /** A selector of these terms, kept in the given order. */
  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    return requirements.length === 0 ? FieldSelector.all : new FieldSelector([...requirements], false);
  }

  matches(fields: Fields): boolean {
    if (this.selectsNothing) return false;
    return this.requirements.every((r) => (fieldOf(fields, r.field) === r.value) === (r.operator === "="));
  }

  /** True when the selector restricts nothing (upstream Empty; false for Nothing). */
  empty(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  /** The value of the first `field=value` term on this field (upstream RequiresExactMatch). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === "=")?.value;
  }

  /**
   * Rewrites every term (upstream Transform), as the API server does to turn field labels
   * into the names its field sets use. Errors thrown by `fn` propagate.
   */
  transform(fn: FieldTransform): FieldSelector {
    if (this.selectsNothing) return this;
    const next: FieldRequirement[] = [];
    for (const r of this.requirements) {
      const { field, value } = fn(r.field, r.value);
      if (field !== "" || value !== "") next.push({ field, operator: r.operator, value });
    }
    return FieldSelector.of(next);
  }

  /** `a=b,c!=d`, values escaped; "" for Everything and Nothing. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(",");
  }
}

/** Splits at commas that are not escaped (upstream splitTerms). */
function splitTerms(text: string): string[] {
  if (text === "") return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first operator in the term, trying `!=`, `==`, `=` at each position (upstream splitTerm). */
function splitTerm(term: string): { lhs: string; op: "!=" | "==" | "="; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ["!=", "==", "="] as const) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * Parses a field selector (upstream fields.ParseSelector). Malformed input throws
 * BadRequestError whose message is upstream's text, which the API server returns as is.
 */
export function parseFieldSelector(text: string): FieldSelector {
  // Upstream sorts the raw terms, so the canonical form and the first error reported
  // both follow that order.
  const parts = splitTerms(text).sort(compareByBytes);
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const term = splitTerm(part);
    if (term === undefined) throw new BadRequestError(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeFieldValue(term.rhs);
    requirements.push({ field: term.lhs, operator: term.op === "!=" ? "!=" : "=", value });
  }
  // Upstream runs every parse through Transform, which drops a bare "=" term.
  return FieldSelector.of(requirements).transform((field, value) => ({ field, value }));
}

/** A selector requiring exactly these field values (upstream SelectorFromSet), sorted by field. */
export function fieldSelectorFromSet(set: Fields | null | undefined): FieldSelector {
  if (set === null || set === undefined) return FieldSelector.everything();
  const fields = Object.keys(set).sort(compareByBytes);
  return FieldSelector.of(fields.map((field) => ({ field, operator: "=", value: set[field]! })));
}
