/**
 * The one conformance suite every Store backend passes (containerd's snapshot
 * testsuite, undici's cacheStoreTests): each backend's test file calls
 * describeStoreConformance once, then adds its own tests. A case a backend cannot pass
 * is skipped only with a written reason.
 */
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { compactionCases } from "./compaction-cases.js";
import { durabilityCases } from "./durability-cases.js";
import { readWriteCases } from "./read-write-cases.js";
import type { StoreCase, StoreUnderTest } from "./store-case.js";
import { watchCases } from "./watch-cases.js";

export type { StoreUnderTest } from "./store-case.js";

export interface StoreConformanceOptions {
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly string[] }[];
}

export const STORE_CASES: readonly StoreCase[] = [...readWriteCases, ...compactionCases, ...watchCases, ...durabilityCases];

/** Declares one test per case; `open` gives each test a store, maybe on a shared backend. */
export function describeStoreConformance(
  name: string,
  open: () => Promise<StoreUnderTest>,
  options: StoreConformanceOptions = {},
): void {
  const titles = new Set(STORE_CASES.map((c) => c.title));
  for (const entry of options.skip ?? []) {
    for (const title of entry.tests) {
      if (!titles.has(title)) throw new Error(`store conformance: cannot skip unknown case "${title}"`);
    }
  }
  describe(`${name} store conformance`, () => {
    for (const storeCase of STORE_CASES) {
      const skipped = options.skip?.find((entry) => entry.tests.includes(storeCase.title));
      it(storeCase.title, { skip: skipped?.reason ?? false, timeout: storeCase.timeoutMs ?? 30_000 }, async (t) => {
        const underTest = await open();
        t.after(() => underTest.cleanup());
        await storeCase.run({ ...underTest, t, prefix: `/conformance/${randomUUID().slice(0, 8)}/` });
      });
    }
  });
}
