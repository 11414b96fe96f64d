/**
 * Go's printing of decoded JSON values, for the error texts upstream's patch code builds
 * with `fmt` and `reflect` (apimachinery pkg/util/mergepatch/errors.go), e.g.
 * `map: map[image:nginx] does not contain declared merge key: name`.
 *
 * Upstream decodes JSON numbers without a fraction or exponent as int64 and others as
 * float64; a parsed JS number only says whether it is integral, so that stands in for the
 * literal's form.
 */
import { isJsonMap, type JsonMap } from "./json-value.js";

const int64Limit = 2 ** 63;

function isInt64(n: number): boolean {
  return Number.isInteger(n) && n >= -int64Limit && n < int64Limit;
}

/** `reflect.TypeOf(v).String()`, or undefined for nil (null). */
export function goTypeName(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return "[]interface {}";
  switch (typeof v) {
    case "string": return "string";
    case "boolean": return "bool";
    case "number": return isInt64(v) ? "int64" : "float64";
    default: return "map[string]interface {}";
  }
}

/** `fmt.Sprintf("%s", reflect.TypeOf(v))`: a nil type prints as `%!s(<nil>)`. */
export function goTypeText(v: unknown): string {
  return goTypeName(v) ?? "%!s(<nil>)";
}

/** `fmt.Sprintf("%v", v)`, or with verb `s`, `fmt.Sprintf("%s", v)`. */
export function goFormat(v: unknown, verb: "v" | "s" = "v"): string {
  if (v === null || v === undefined) return verb === "v" ? "<nil>" : "%!s(<nil>)";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return verb === "v" ? String(v) : `%!s(bool=${v})`;
  if (typeof v === "number") {
    const text = isInt64(v) ? String(BigInt(v)) : goFloat(v);
    return verb === "v" ? text : `%!s(${goTypeName(v)}=${text})`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => goFormat(x, verb)).join(" ")}]`;
  if (isJsonMap(v)) {
    // fmt prints map entries sorted by key.
    const keys = Object.keys(v).sort(byBytes);
    return `map[${keys.map((k) => `${k}:${goFormat((v as JsonMap)[k], verb)}`).join(" ")}]`;
  }
  return String(v);
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strconv.FormatFloat(f, 'g', -1, 64), which is what %v prints for a float64. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, expText] = f.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  // Shortest 'g' switches to the exponent form below 1e-4 and from 1e6 on (strconv ftoa.go).
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(f);
}
