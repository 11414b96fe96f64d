/**
 * Keys sort bytewise by their UTF-8 encoding, as etcd and SQLite's BINARY collation sort
 * them. JavaScript's `<` compares UTF-16 code units instead, which differs for characters
 * above U+FFFF, so key order is never decided with `<` here.
 */

/** Compares two keys bytewise (negative, 0, positive). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * The smallest string greater than every key that starts with `prefix`, or undefined
 * when no such string exists (the empty prefix selects every key). The last code point
 * is replaced by its successor; UTF-8 preserves code point order, so this is also the
 * bytewise bound.
 */
export function prefixEnd(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (c) => c.codePointAt(0)!);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!;
    if (last < 0x10ffff) {
      // Surrogate code points cannot be encoded; the successor of U+D7FF is U+E000.
      codePoints.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return undefined;
}

/** The smallest key greater than `key`: paging continues there (etcd's `key + "\x00"`). */
export function keyAfter(key: string): string {
  return `${key}\u0000`;
}

/** Rejects keys no backend can hold. */
export function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new TypeError("a store key must be a non-empty string");
  }
}
