/**
 * The first terminal size of an exec or attach, before the process starts. kubectl sends
 * its size right after connecting; waiting briefly for it lets the runtime give the
 * terminal its size before the process can look (the kubelet starts at once and resizes
 * later, so an early `stty size` may read 0 0 there).
 */
import type { TerminalSize } from "../../httpstream/index.js";

/** How long a TTY session waits for the client's first size before starting without one. */
const firstSizeWaitMs = 1000;

export interface TerminalSizes {
  readonly first: TerminalSize | undefined;
  /** Every later size, until the client goes. */
  readonly rest: AsyncIterable<TerminalSize>;
}

export async function firstTerminalSize(resize: AsyncIterable<TerminalSize> | undefined, waitMs = firstSizeWaitMs): Promise<TerminalSizes> {
  if (!resize) return { first: undefined, rest: (async function* () {})() };
  const iterator = resize[Symbol.asyncIterator]();
  const next = iterator.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), waitMs)));
  const got = await Promise.race([next, timeout]).finally(() => clearTimeout(timer));
  const rest: AsyncIterable<TerminalSize> = {
    [Symbol.asyncIterator]: () => ({
      // A size that arrived after the wait still counts: it is the first of the rest.
      next: got === "timeout" ? (() => {
        let pending: Promise<IteratorResult<TerminalSize>> | undefined = next;
        return () => {
          const p = pending ?? iterator.next();
          pending = undefined;
          return p;
        };
      })() : () => iterator.next(),
    }),
  };
  if (got === "timeout" || got.done) return { first: undefined, rest };
  return { first: got.value, rest };
}

/** Applies every size to `resize` until the iterable ends; a failing client is not our error. */
export function followTerminalSizes(sizes: AsyncIterable<TerminalSize>, resize: (size: TerminalSize) => void): void {
  void (async () => {
    for await (const size of sizes) resize(size);
  })().catch(() => {});
}
