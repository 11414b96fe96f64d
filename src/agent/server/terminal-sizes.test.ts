import { test } from "node:test";
import assert from "node:assert/strict";
import type { TerminalSize } from "../../httpstream/index.js";
import { firstTerminalSize } from "./terminal-sizes.js";

/** Sizes delivered at the given delays (ms), then the end. */
async function* sizesAt(schedule: ReadonlyArray<[number, TerminalSize]>): AsyncIterable<TerminalSize> {
  for (const [delay, size] of schedule) {
    await new Promise((r) => setTimeout(r, delay));
    yield size;
  }
}

async function collect(sizes: AsyncIterable<TerminalSize>): Promise<TerminalSize[]> {
  const all: TerminalSize[] = [];
  for await (const s of sizes) all.push(s);
  return all;
}

const a = { width: 91, height: 21 };
const b = { width: 90, height: 20 };

for (const { name, schedule, waitMs, first, rest } of [
  { name: "no resize stream (no TTY)", schedule: undefined, waitMs: 50, first: undefined, rest: [] },
  { name: "the first size, then the rest in order", schedule: [[0, a], [0, b]] as Array<[number, TerminalSize]>, waitMs: 50, first: a, rest: [b] },
  { name: "a first size later than the wait still arrives, as the first of the rest", schedule: [[80, a], [0, b]] as Array<[number, TerminalSize]>, waitMs: 20, first: undefined, rest: [a, b] },
  { name: "a stream that ends without a size", schedule: [] as Array<[number, TerminalSize]>, waitMs: 50, first: undefined, rest: [] },
]) {
  test(`firstTerminalSize: ${name}`, async () => {
    const got = await firstTerminalSize(schedule ? sizesAt(schedule) : undefined, waitMs);
    assert.deepEqual(got.first, first);
    assert.deepEqual(await collect(got.rest), rest);
  });
}
