/**
 * One requirement of a label selector (`app=web`, `tier in (a,b)`, `!canary`, `rank>3`),
 * as k8s.io/apimachinery/pkg/labels/selector.go Requirement: its validation (NewRequirement),
 * matching and canonical text.
 */
import { aggregateText, invalid, notSupported, type FieldError } from "../meta/field-errors.js";
import { goStringSlice } from "../meta/go-syntax.js";
import { isQualifiedName, isValidLabelValue } from "../meta/name-validation.js";
import { BadRequestError } from "../meta/status-errors.js";
import { compareByBytes } from "./byte-order.js";

/** Upstream selection.Operator values. */
export type LabelOperator = "!" | "=" | "==" | "in" | "!=" | "notin" | "exists" | "gt" | "lt";

/** Upstream's list, in its order, as printed in "supported values" and parse errors. */
export const binaryOperators: readonly LabelOperator[] = ["in", "notin", "=", "==", "!=", "gt", "lt"];
const allOperators: readonly LabelOperator[] = [...binaryOperators, "exists", "!"];

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** As given; the parser hands them over sorted and without duplicates, as upstream's set does. */
  readonly values: readonly string[];
}

/** Labels as stored on an object; absent labels are simply not there. */
export type Labels = Readonly<Record<string, string>>;

const minInt64 = -(2n ** 63n);
const maxInt64 = 2n ** 63n - 1n;

/** Go strconv.ParseInt(s, 10, 64): optional sign, decimal digits only, within int64. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < minInt64 || n > maxInt64 ? undefined : n;
}

/**
 * The field errors upstream NewRequirement reports, in its order. `values` null stands
 * for a Go nil slice, which LabelSelectorAsSelector passes when an expression has none;
 * it prints as `[]string(nil)`.
 */
export function requirementErrors(key: string, operator: string, values: readonly string[] | null): FieldError[] {
  const errs: FieldError[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalid("key", key, keyErrs.join("; ")));
  const list = values ?? [];
  switch (operator) {
    case "in":
    case "notin":
      if (list.length === 0) {
        errs.push(invalid("values", goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case "=":
    case "==":
    case "!=":
      if (list.length !== 1) {
        errs.push(invalid("values", goStringSlice(values), "exact-match compatibility requires one single value"));
      }
      break;
    case "exists":
    case "!":
      if (list.length !== 0) {
        errs.push(invalid("values", goStringSlice(values), "values set must be empty for exists and does not exist"));
      }
      break;
    case "gt":
    case "lt":
      if (list.length !== 1) {
        errs.push(invalid("values", goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      list.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(notSupported("operator", operator, allOperators));
  }
  list.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, valueErrs.join("; ")));
  });
  return errs;
}

/**
 * Builds a validated requirement (upstream NewRequirement), throwing BadRequestError with
 * upstream's aggregated text when it is not valid.
 */
export function newLabelRequirement(key: string, operator: LabelOperator, values: readonly string[] | null): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw new BadRequestError(aggregateText(errs));
  return { key, operator, values: [...(values ?? [])] };
}

function has(labels: Labels | null | undefined, key: string): boolean {
  return labels !== null && labels !== undefined && Object.hasOwn(labels, key);
}

/** Upstream Requirement.Matches. */
export function requirementMatches(r: LabelRequirement, labels: Labels | null | undefined): boolean {
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return has(labels, r.key) && r.values.includes(labels![r.key]!);
    case "notin":
    case "!=":
      return !has(labels, r.key) || !r.values.includes(labels![r.key]!);
    case "exists":
      return has(labels, r.key);
    case "!":
      return !has(labels, r.key);
    case "gt":
    case "lt": {
      // A label that is missing or not an integer never satisfies an inequality.
      if (!has(labels, r.key) || r.values.length !== 1) return false;
      const actual = parseInt64(labels![r.key]!);
      const bound = parseInt64(r.values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

const operatorText: Record<LabelOperator, string> = {
  "=": "=", "==": "==", "!=": "!=", in: " in ", notin: " notin ", gt: ">", lt: "<", exists: "", "!": "",
};

/** Upstream Requirement.String: values sorted on output, `in`/`notin` in parentheses. */
export function requirementString(r: LabelRequirement): string {
  const head = r.operator === "!" ? `!${r.key}` : r.key;
  if (r.operator === "exists" || r.operator === "!") return head;
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort(compareByBytes).join(",");
  const body = r.operator === "in" || r.operator === "notin" ? `(${values})` : values;
  return `${head}${operatorText[r.operator]}${body}`;
}
