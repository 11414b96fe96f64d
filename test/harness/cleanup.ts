/**
 * The cleanup ledger: every resource a test makes is recorded with its undo as soon as it
 * exists, and undone in reverse order when the test ends, whether it passed or not.
 */
export class Cleanup {
  private readonly undo: Array<{ what: string; run: () => Promise<void> | void }> = [];

  add(what: string, run: () => Promise<void> | void): void {
    this.undo.push({ what, run });
  }

  async run(): Promise<void> {
    const errors: string[] = [];
    while (this.undo.length > 0) {
      const step = this.undo.pop()!;
      try {
        await step.run();
      } catch (e) {
        errors.push(`${step.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (errors.length) throw new Error(`cleanup failed:\n${errors.join("\n")}`);
  }
}

/** A ledger tied to a node:test context or suite hook (`t.after` / `after`). */
export function cleanupFor(after: (fn: () => Promise<void>) => void): Cleanup {
  const c = new Cleanup();
  after(() => c.run());
  return c;
}
