/**
 * Freezes a parsed JSON value at every depth, so that a test fails with a TypeError if the
 * code under test writes to its input (ES modules run in strict mode).
 */
export function deepFreeze<T>(value: T): T {
  const work: unknown[] = [value];
  for (let v = work.pop(); v !== undefined; v = work.pop()) {
    if (typeof v !== "object" || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const child of Object.values(v)) work.push(child);
  }
  return value;
}

/** `{a: {a: ... leaf}}`, `depth` objects deep. */
export function nestedObjects(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
