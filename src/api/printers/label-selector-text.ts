/**
 * Label maps and metav1.LabelSelector rendered as text, as the Selector and Node Selector
 * columns show them (apimachinery `labels.FormatLabels`, `metav1.LabelSelectorAsSelector`
 * + `Selector.String()`, `metav1.FormatLabelSelector`).
 */
import { isPlainObject } from "../meta/object.js";
import { formatLabelSelector as formatSelector, labelSelectorAsSelector, type LabelSelectorObject } from "../selectors/index.js";

/** Go's sort.Strings order (bytes); label text is ASCII, so code-unit order is the same. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `k1=v1,k2=v2` sorted as whole `key=value` strings (labels.Set.String), or `<none>`. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  pairs.sort(byteOrder);
  return pairs.length === 0 ? "<none>" : pairs.join(",");
}

/**
 * The selector's text as the Selector column shows it (`LabelSelectorAsSelector` then
 * `String()`): `""` for a missing or empty selector, undefined when it is invalid.
 */
export function labelSelectorText(selector: unknown): string | undefined {
  if (!isPlainObject(selector)) return "";
  try {
    return labelSelectorAsSelector(selector as LabelSelectorObject).toString();
  } catch {
    return undefined;
  }
}

/** metav1.FormatLabelSelector for whatever a printer finds in an object. */
export function formatLabelSelector(selector: unknown): string {
  return isPlainObject(selector) ? formatSelector(selector as LabelSelectorObject) : formatSelector(undefined);
}
