/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource): parsing, comparison,
 * arithmetic and the canonical text the API server writes back.
 *
 * A quantity is an exact decimal `mantissa × 10^exponent` plus the format it was written in
 * (DecimalSI `100m`, BinarySI `1Gi`, DecimalExponent `1e3`). Values finer than 1n are
 * rounded up, away from zero, as upstream does ("if you want some resources, you should get
 * some"). Serialised quantities use the canonical form (`0.5` becomes `500m`, `1024Mi`
 * becomes `1Gi`) except where upstream keeps the text the client sent because it already
 * was canonical-looking (`1500`, `100m`, and quirks such as `007`).
 */

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

export interface Quantity {
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;
  /** The client's text, kept when upstream would keep it (its `s` field). */
  readonly text?: string;
}

const splitREString = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/** Thrown when a string is no quantity; the message is upstream's. */
export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityParseError";
  }
}

export const errFormatWrong = `quantities must match the regular expression '${splitREString}'`;
export const errNumeric = "unable to parse numeric part of quantity";
export const errSuffix = "unable to parse quantity's suffix";

interface Scanned {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** Splits `[+-]digits[.digits]suffix` as upstream's fast scanner does, leading zeros dropped. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === "-") {
    positive = false;
    pos++;
  } else if (str[0] === "+") {
    pos++;
  }
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, num: "0", denom: "", suffix: "" };
  const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = "0";
  let denom = "";
  if (pos < end && str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === "-" || str[pos] === "+")) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityParseError(errFormatWrong);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

interface SuffixMeaning {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function interpretSuffix(s: string): SuffixMeaning {
  if (s in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[s]!, format: "DecimalSI" };
  if (s in binarySuffixes) return { base: 2, exponent: binarySuffixes[s]!, format: "BinarySI" };
  if (s.length > 1 && (s[0] === "e" || s[0] === "E") && /^[-+]?\d+$/.test(s.slice(1))) {
    return { base: 10, exponent: Number.parseInt(s.slice(1), 10), format: "DecimalExponent" };
  }
  throw new QuantityParseError(errSuffix);
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const maxInt64 = 2n ** 63n - 1n;

/** Divides by 10^n rounding away from zero (upstream's RoundUp). */
function divRoundUp(v: bigint, n: number): bigint {
  const d = pow10(n);
  const q = abs(v) / d;
  const r = abs(v) % d;
  const m = r === 0n ? q : q + 1n;
  return v < 0n ? -m : m;
}

/** Whether upstream would keep the client's text (ParseQuantity's "canonical form" fast path). */
function keepsText(sc: Scanned, sfx: SuffixMeaning): boolean {
  const shifted = sc.num + sc.denom;
  let precision: number;
  let scale: number;
  if (sfx.format === "BinarySI") {
    scale = 0;
    if (sfx.exponent < 0 || sc.denom.length > 0) return false;
    precision = 15 - sc.num.length - Math.trunc((sfx.exponent * 3) / 10) - 1;
  } else {
    scale = sfx.exponent;
    precision = 18 - shifted.length;
  }
  if (precision < 0) return false;
  scale -= sc.denom.length;
  if (scale < -9) return false;
  const value = BigInt(shifted);
  const mantissa = sfx.format === "BinarySI" ? value << BigInt(sfx.exponent) : value;
  if (mantissa > maxInt64) return false;
  if (sfx.format === "BinarySI") return sfx.exponent % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
}

/** Parses a quantity as the API server decodes it (JSON numbers arrive as their text). */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === "number" ? String(input) : input.trim();
  if (str.length === 0) throw new QuantityParseError(errFormatWrong);
  if (str === "0") return { mantissa: 0n, exponent: 0, format: "DecimalSI", text: "0" };
  const sc = scan(str);
  const sfx = interpretSuffix(sc.suffix);
  let mantissa = BigInt(sc.num + sc.denom);
  let exponent = -sc.denom.length;
  if (sfx.base === 10) exponent += sfx.exponent;
  else mantissa <<= BigInt(sfx.exponent);
  if (!sc.positive) mantissa = -mantissa;
  let format = sfx.format;
  if (exponent < -9 && mantissa !== 0n) {
    mantissa = divRoundUp(mantissa, -9 - exponent);
    exponent = -9;
  }
  const q: Quantity = { mantissa, exponent, format };
  if (keepsText(sc, sfx)) return { ...q, text: str };
  // A binary quantity below one is written in decimal, so 0.5Ki stays exact.
  if (format === "BinarySI" && abs(mantissa) < pow10(Math.max(0, -exponent)) && exponent < 0) format = "DecimalSI";
  return { ...q, format };
}

/** Parses, returning the upstream error text instead of throwing. */
export function tryParseQuantity(input: string | number): { quantity?: Quantity; error?: string } {
  try {
    return { quantity: parseQuantity(input) };
  } catch (e) {
    if (e instanceof QuantityParseError) return { error: e.message };
    throw e;
  }
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.mantissa === 0n;
}

export function quantitySign(q: Quantity): -1 | 0 | 1 {
  return q.mantissa === 0n ? 0 : q.mantissa < 0n ? -1 : 1;
}

function aligned(a: Quantity, b: Quantity): { a: bigint; b: bigint; exponent: number } {
  const e = Math.min(a.exponent, b.exponent);
  return { a: a.mantissa * pow10(a.exponent - e), b: b.mantissa * pow10(b.exponent - e), exponent: e };
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const x = aligned(a, b);
  return x.a < x.b ? -1 : x.a > x.b ? 1 : 0;
}

/** Sum; the result takes the format of `a` unless `a` is zero (upstream Add). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const x = aligned(a, b);
  return { mantissa: x.a + x.b, exponent: x.exponent, format: a.mantissa === 0n ? b.format : a.format };
}

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  const x = aligned(a, b);
  return { mantissa: x.a - x.b, exponent: x.exponent, format: a.mantissa === 0n ? b.format : a.format };
}

/** The value at the given power of ten, rounded up away from zero (upstream ScaledValue). */
export function scaledValue(q: Quantity, scale: number): bigint {
  const shift = q.exponent - scale;
  return shift >= 0 ? q.mantissa * pow10(shift) : divRoundUp(q.mantissa, -shift);
}

/** Whole units, rounded up (upstream Value). */
export function quantityValue(q: Quantity): bigint {
  return scaledValue(q, 0);
}

/** Thousandths, rounded up (upstream MilliValue: CPU in millicores). */
export function quantityMilliValue(q: Quantity): bigint {
  return scaledValue(q, -3);
}

export function quantityToNumber(q: Quantity): number {
  return Number(q.mantissa) * 10 ** q.exponent;
}

/**
 * Rounds up to a minimum scale (upstream RoundUp); the client's text is kept only when no
 * rounding happened, as upstream clears its cached string otherwise.
 */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  if (q.exponent >= scale) return q;
  const mantissa = divRoundUp(q.mantissa, scale - q.exponent);
  return { mantissa, exponent: scale, format: q.format };
}

function removeFactors(v: bigint, factor: bigint): { value: bigint; times: number } {
  let value = v;
  let times = 0;
  while (value !== 0n && value % factor === 0n) {
    value /= factor;
    times++;
  }
  return { value, times };
}

const decimalSuffixByExponent: Record<number, string> = { [-9]: "n", [-6]: "u", [-3]: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };
const binarySuffixByPower: Record<number, string> = { 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei" };

/** The canonical text upstream computes (CanonicalizeBytes), ignoring any kept client text. */
export function canonicalQuantity(q: Quantity): string {
  if (q.mantissa === 0n) return "0";
  let format = q.format;
  if (format === "BinarySI") {
    const inSmallRange = compareQuantities(q, { mantissa: -1024n, exponent: 0, format }) > 0 &&
      compareQuantities(q, { mantissa: 1024n, exponent: 0, format }) < 0;
    const isInteger = q.exponent >= 0 || q.mantissa % pow10(-q.exponent) === 0n;
    if (inSmallRange || !isInteger) format = "DecimalSI";
  }
  if (format === "BinarySI") {
    const whole = quantityValue(q);
    const { value, times } = removeFactors(whole, 1024n);
    return `${value}${binarySuffixByPower[times] ?? ""}`;
  }
  const { value, times } = removeFactors(q.mantissa, 10n);
  let mantissa = value;
  let exponent = q.exponent + times;
  const rem = ((exponent % 3) + 3) % 3;
  if (rem !== 0) {
    mantissa *= pow10(rem);
    exponent -= rem;
  }
  if (format === "DecimalExponent") return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  return `${mantissa}${decimalSuffixByExponent[exponent] ?? ""}`;
}

/** The text the API server writes for this quantity (upstream MarshalJSON). */
export function formatQuantity(q: Quantity): string {
  return q.text ?? canonicalQuantity(q);
}

/** Builds a quantity from a whole number in the given format (upstream NewQuantity). */
export function quantityFromInteger(value: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity {
  return { mantissa: BigInt(value), exponent: 0, format };
}

/** Builds a quantity from thousandths (upstream NewMilliQuantity). */
export function quantityFromMilli(milli: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity {
  return { mantissa: BigInt(milli), exponent: -3, format };
}
