/**
 * The metav1.LabelSelector object (`matchLabels` + `matchExpressions`) that workloads,
 * disruption budgets and affinity terms carry, converted and printed as
 * k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector and
 * FormatLabelSelector do.
 */
import { goQuote } from "../meta/field-errors.js";
import { isPlainObject } from "../meta/object.js";
import { BadRequestError } from "../meta/status-errors.js";
import { compareByBytes } from "./byte-order.js";
import { newLabelRequirement, type LabelOperator, type LabelRequirement } from "./label-requirement.js";
import { LabelSelector } from "./label-selector.js";

export type LabelSelectorOperatorName = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface LabelSelectorRequirementObject {
  key: string;
  operator: LabelSelectorOperatorName | string;
  values?: string[] | null;
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirementObject[] | null;
}

const operators: Readonly<Record<string, LabelOperator>> = {
  In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!",
};

function asStrings(v: unknown): string[] | null {
  // Go appends the expression's values to a nil slice, so "none" stays nil (`[]string(nil)`).
  if (!Array.isArray(v) || v.length === 0) return null;
  return v.map((x) => (typeof x === "string" ? x : String(x)));
}

/**
 * Converts a LabelSelector object into a selector (upstream LabelSelectorAsSelector):
 * null or undefined selects nothing, an empty object selects everything. An invalid key,
 * value or operator throws BadRequestError with upstream's text, e.g.
 * `"Foo" is not a valid label selector operator`.
 */
export function labelSelectorAsSelector(ls: LabelSelectorObject | null | undefined): LabelSelector {
  if (ls === null || ls === undefined) return LabelSelector.nothing();
  const matchLabels = isPlainObject(ls.matchLabels) ? ls.matchLabels : {};
  const expressions = Array.isArray(ls.matchExpressions) ? ls.matchExpressions : [];
  const labelKeys = Object.keys(matchLabels);
  if (labelKeys.length + expressions.length === 0) return LabelSelector.everything();
  const requirements: LabelRequirement[] = [];
  // Upstream walks matchLabels in Go's random map order, so which of several bad
  // entries it names varies; sorted keys make the report deterministic.
  for (const key of labelKeys.sort(compareByBytes)) {
    const value = matchLabels[key];
    requirements.push(newLabelRequirement(key, "=", [typeof value === "string" ? value : String(value)]));
  }
  for (const expr of expressions) {
    const e: Partial<LabelSelectorRequirementObject> = isPlainObject(expr) ? expr : {};
    const name = typeof e.operator === "string" ? e.operator : "";
    const op = Object.hasOwn(operators, name) ? operators[name] : undefined;
    if (op === undefined) throw new BadRequestError(`${goQuote(name)} is not a valid label selector operator`);
    requirements.push(newLabelRequirement(typeof e.key === "string" ? e.key : "", op, asStrings(e.values)));
  }
  return LabelSelector.of(requirements);
}

/**
 * The text kubectl shows in SELECTOR columns and Scale's `status.selector` (upstream
 * FormatLabelSelector): `<none>` when it selects everything or nothing, `<error>` when
 * the object is invalid.
 */
export function formatLabelSelector(ls: LabelSelectorObject | null | undefined): string {
  let selector: LabelSelector;
  try {
    selector = labelSelectorAsSelector(ls);
  } catch (e) {
    if (e instanceof BadRequestError) return "<error>";
    throw e;
  }
  const text = selector.toString();
  return text === "" ? "<none>" : text;
}
