/**
 * Go compares strings byte by byte over their UTF-8 encoding; upstream sorts selector
 * requirements, field-selector terms and printed label values that way. JavaScript's `<`
 * compares UTF-16 code units instead, which disagrees for characters above U+FFFF (their
 * surrogates sort before U+E000..U+FFFF). UTF-8 byte order is code point order, so this
 * compares code points.
 */
export function compareByBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate stands for a code point above U+FFFF, which follows every BMP character.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}
