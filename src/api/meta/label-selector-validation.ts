/**
 * metav1.LabelSelector in objects (spec.selector of workloads): its validation
 * (apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector) and whether it selects a
 * set of labels (metav1.LabelSelectorAsSelector + Matches), which workload validation uses
 * to insist that the selector matches the pod template's labels.
 */
import { FieldPath, forbidden, invalid, required, type FieldError } from "./field-errors.js";
import { isValidLabelValue } from "./name-validation.js";
import { validateLabels, validateQualifiedName } from "./object-meta-validation.js";
import { labelSelectorAsSelector, type LabelSelectorObject } from "../selectors/index.js";

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function validateLabelSelectorRequirement(r: LabelSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) {
        errs.push(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) {
        errs.push(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      errs.push(invalid(path.child("operator"), r.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateQualifiedName(r.key ?? "", path.child("key")));
  values.forEach((v, i) => {
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path.child("values").index(i), v, msg));
  });
  return errs;
}

export function validateLabelSelector(sel: LabelSelector | undefined | null, path: FieldPath): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, path.child("matchLabels"));
  (sel.matchExpressions ?? []).forEach((r, i) => {
    errs.push(...validateLabelSelectorRequirement(r, path.child("matchExpressions").index(i)));
  });
  return errs;
}

/** A selector turned into a predicate, or the reason it cannot be. */
export type LabelSelectorMatcher =
  | { readonly ok: true; readonly empty: boolean; matches(labels: Record<string, string> | undefined): boolean }
  | { readonly ok: false; readonly error: string };

/**
 * Upstream semantics (LabelSelectorAsSelector): a missing selector selects nothing; an
 * empty one selects everything (and is "empty"); otherwise every requirement must hold.
 */
export function labelSelectorMatcher(sel: LabelSelector | undefined | null): LabelSelectorMatcher {
  try {
    const selector = labelSelectorAsSelector(sel as LabelSelectorObject | undefined | null);
    return { ok: true, empty: !!sel && selector.empty(), matches: (labels) => selector.matches(labels ?? {}) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
