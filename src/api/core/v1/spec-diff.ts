/**
 * A readable diff of two JSON values, laid out like go-cmp's report (`-` old, `+` new) that
 * upstream appends to "may not change fields" errors, but naming JSON fields by path.
 */
import { semanticEqual } from "../../meta/semantic-equal.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  return v === undefined ? "null" : JSON.stringify(v);
}

function collect(path: string, a: unknown, b: unknown, out: string[]): void {
  if (semanticEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) collect(path ? `${path}.${k}` : k, a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => collect(`${path}[${i}]`, x, b[i], out));
    return;
  }
  out.push(`- \t${path}: ${show(a)},`, `+ \t${path}: ${show(b)},`);
}

export function jsonDiff(typeName: string, oldValue: unknown, newValue: unknown): string {
  const lines: string[] = [];
  collect("", oldValue, newValue, lines);
  return [`  ${typeName}{`, ...lines, "  }", ""].join("\n");
}
