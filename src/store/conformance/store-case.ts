/**
 * What one conformance case receives, and the few helpers every case file uses.
 */
import type { TestContext } from "node:test";
import type { Store } from "../store.js";

/** What a backend's test file hands the suite for each case. */
export interface StoreUnderTest {
  readonly store: Store;
  /** Closes what open() created (the store too, if still open) and removes its data. */
  cleanup(): Promise<void>;
  /** An endpoint openStore() understands that reaches the same data (for a child process). */
  readonly endpoint?: string;
  /** Opens another Store on the same data; called after `store` was closed. */
  reopen?(): Promise<Store>;
  /** The store's maxQueuedWatchEvents (default 10,000): the slow-watcher case writes more. */
  readonly maxQueuedWatchEvents?: number;
}

export interface CaseContext extends StoreUnderTest {
  readonly t: TestContext;
  /** A prefix no other case uses, ending in "/": cases may share one backend. */
  readonly prefix: string;
}

export interface StoreCase {
  /** Says what the store does, in user terms; skip lists refer to it. */
  readonly title: string;
  readonly timeoutMs?: number;
  run(context: CaseContext): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(value: Uint8Array): string {
  return decoder.decode(value);
}

/** Sorts keys the way the store must: bytewise by UTF-8. */
export function bytewiseSorted(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Runs `count` calls of `fn` with at most `width` in flight; results in call order. */
export async function inParallel<T>(count: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}
