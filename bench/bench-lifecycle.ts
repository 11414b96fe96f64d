/**
 * A benchmark run's lifecycle: everything it starts goes on one cleanup ledger, which is run
 * once, whether the run ends normally, fails, is interrupted (SIGINT, SIGTERM) or overruns
 * its watchdog, so that no benchmark leaves servers, pods or temporary dirs behind.
 */
import { Cleanup } from "../test/harness/cleanup.js";

export interface BenchLifecycle {
  /** Where the run records the undo of everything it starts. */
  readonly cleanup: Cleanup;
  /** Runs the ledger (once, however often called) and disarms the watchdog: the run's last step. */
  finish(): Promise<void>;
}

/** Arms the signal handlers and a watchdog that aborts the run after `watchdogMs`. */
export function benchLifecycle(watchdogMs: number): BenchLifecycle {
  const cleanup = new Cleanup();
  let cleaning: Promise<void> | undefined;
  const cleanUp = (): Promise<void> => {
    cleaning ??= cleanup.run().catch((e: unknown) => console.error(e instanceof Error ? e.message : String(e)));
    return cleaning;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, cleaning up`);
      void cleanUp().then(() => process.exit(130));
    });
  }
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${watchdogMs / 60_000} minutes, aborting`);
    void cleanUp().then(() => process.exit(2));
  }, watchdogMs);
  return {
    cleanup,
    finish: async () => {
      await cleanUp();
      clearTimeout(watchdog);
    },
  };
}
