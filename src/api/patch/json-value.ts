/**
 * Parsed JSON values as the three patch types see them: `null`, booleans, numbers,
 * strings, arrays and plain objects (JSON objects; Go's `map[string]interface{}`).
 *
 * Every helper here is iterative or bounded by the nesting limit, never mutates its input,
 * and reads and writes object members as own properties only, so that keys such as
 * `__proto__` or `constructor` in a request body stay ordinary keys and can never reach
 * `Object.prototype`.
 */

export type JsonMap = Record<string, unknown>;

/**
 * The deepest nesting of objects and arrays the patch code accepts. Upstream's JSON decoder
 * stops at 10000 (Go encoding/json `maxNestingDepth`), but Node's own `JSON.stringify`
 * overflows its stack at about 4000 levels, so Peapod could never serve such an object
 * anyway; real API objects nest a few dozen levels at most.
 */
export const maxNestingDepth = 1000;

export function isJsonMap(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isContainer(v: unknown): v is JsonMap | unknown[] {
  return typeof v === "object" && v !== null;
}

export function hasMember(obj: JsonMap, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** The member's value, or undefined when the object has no such own member. */
export function getMember(obj: JsonMap, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own member; `__proto__` becomes a data property instead of changing the prototype. */
export function setMember(obj: JsonMap, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

export function deleteMember(obj: JsonMap, key: string): void {
  if (Object.hasOwn(obj, key)) delete obj[key];
}

/** How Go's encoding/json names a JSON value's kind in its type errors. */
export function jsonKind(v: unknown): "object" | "array" | "string" | "number" | "bool" | "null" {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  switch (typeof v) {
    case "string": return "string";
    case "number": return "number";
    case "boolean": return "bool";
    default: return "object";
  }
}

/**
 * A deep copy. With `dropNullMembers`, object members whose value is null are left out at
 * every level (null array elements stay), which is what json-patch's merge does to a patch
 * value it stores.
 */
export function cloneJson(value: unknown, dropNullMembers = false): unknown {
  if (!isContainer(value)) return value;
  const root = Array.isArray(value) ? new Array<unknown>(value.length) : {};
  const work: Array<{ from: JsonMap | unknown[]; to: JsonMap | unknown[] }> = [{ from: value, to: root }];
  for (let item = work.pop(); item; item = work.pop()) {
    const { from, to } = item;
    const copy = (v: unknown): unknown => {
      if (!isContainer(v)) return v;
      const c = Array.isArray(v) ? new Array<unknown>(v.length) : {};
      work.push({ from: v, to: c });
      return c;
    };
    if (Array.isArray(from)) {
      const target = to as unknown[];
      for (let i = 0; i < from.length; i++) target[i] = copy(from[i]);
    } else {
      const target = to as JsonMap;
      for (const k of Object.keys(from)) {
        const v = from[k];
        if (v === null && dropNullMembers) continue;
        setMember(target, k, copy(v));
      }
    }
  }
  return root;
}

/** Structural equality of two JSON values (object member order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const work: Array<[unknown, unknown]> = [[a, b]];
  for (let pair = work.pop(); pair; pair = work.pop()) {
    const [x, y] = pair;
    if (x === y) continue;
    if (!isContainer(x) || !isContainer(y)) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) work.push([x[i], y[i]]);
    } else {
      if (Array.isArray(y)) return false;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(y).length) return false;
      for (const k of keys) {
        if (!Object.hasOwn(y, k)) return false;
        work.push([x[k], (y as JsonMap)[k]]);
      }
    }
  }
  return true;
}

/**
 * The opening character (`{` or `[`) of the first container nested deeper than `limit`,
 * or undefined when the value stays within it. The outermost container is level 1, as in
 * Go's JSON scanner.
 */
export function exceedsNesting(value: unknown, limit = maxNestingDepth): "{" | "[" | undefined {
  const work: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  for (let item = work.pop(); item; item = work.pop()) {
    const { v, depth } = item;
    if (!isContainer(v)) continue;
    if (depth > limit) return Array.isArray(v) ? "[" : "{";
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (isContainer(c)) work.push({ v: c, depth: depth + 1 });
  }
  return undefined;
}

/**
 * The size in bytes of the value as Go's json.Marshal writes it (compact, UTF-8, with `<`,
 * `>`, `&`, U+2028 and U+2029 escaped), counting only up to `budget`: the result is larger
 * than `budget` exactly when the encoding is.
 */
export function encodedSize(value: unknown, budget = Number.MAX_SAFE_INTEGER): number {
  let size = 0;
  const work: unknown[] = [value];
  while (work.length > 0 && size <= budget) {
    const v = work.pop();
    if (v === null || v === undefined) size += 4;
    else if (typeof v === "boolean") size += v ? 4 : 5;
    else if (typeof v === "number") size += JSON.stringify(v).length;
    else if (typeof v === "string") size += stringSize(v);
    else if (Array.isArray(v)) {
      size += 2 + Math.max(0, v.length - 1);
      for (const x of v) work.push(x);
    } else {
      const keys = Object.keys(v as JsonMap);
      size += 2 + Math.max(0, keys.length - 1) + keys.length; // braces, commas, colons
      for (const k of keys) {
        size += stringSize(k);
        work.push((v as JsonMap)[k]);
      }
    }
  }
  return size;
}

function stringSize(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09) n += 2;
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) n += 6;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
