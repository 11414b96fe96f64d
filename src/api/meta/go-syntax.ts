/**
 * Go's `%#v` rendering of the few value shapes upstream validation puts into error
 * messages, so users see `map[string]string{"app":"web"}` exactly as on a real cluster.
 */
import { goSyntax as goSyntaxKey, goSyntaxValue, type GoSyntaxValue } from "./field-errors.js";

/** `map[string]string{"a":"1", "b":"2"}` with keys sorted, or `map[string]string(nil)`. */
export function goStringMap(m: Record<string, string> | undefined | null): GoSyntaxValue {
  if (m === undefined || m === null) return goSyntaxValue("map[string]string(nil)");
  const body = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`)
    .join(", ");
  return goSyntaxValue(`map[string]string{${body}}`);
}

/** `[]string{"a", "b"}`, or `[]string(nil)`. */
export function goStringSlice(list: readonly string[] | undefined | null): GoSyntaxValue {
  if (list === undefined || list === null) return goSyntaxValue("[]string(nil)");
  return goSyntaxValue(`[]string{${list.map((s) => JSON.stringify(s)).join(", ")}}`);
}

/** An intstr.IntOrString as `%#v` shows it. */
export function goIntOrString(v: number | string | undefined | null): GoSyntaxValue {
  if (typeof v === "string") return goSyntaxValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`);
  return goSyntaxValue(`intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`);
}

interface SelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

/**
 * A metav1.LabelSelector as `%#v` shows it, as in the well-known
 * `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable`.
 */
export function goLabelSelector(sel: SelectorLike | undefined | null): GoSyntaxValue {
  if (!sel) return goSyntaxValue("(*v1.LabelSelector)(nil)");
  const labels = sel.matchLabels === undefined ? "map[string]string(nil)" : goStringMap(sel.matchLabels)[goSyntaxKey];
  const exprs = sel.matchExpressions === undefined
    ? "[]v1.LabelSelectorRequirement(nil)"
    : `[]v1.LabelSelectorRequirement{${sel.matchExpressions.map((e) =>
      `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key ?? "")}, Operator:${JSON.stringify(e.operator ?? "")}, Values:${goStringSlice(e.values)[goSyntaxKey]}}`).join(", ")}}`;
  return goSyntaxValue(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`);
}
