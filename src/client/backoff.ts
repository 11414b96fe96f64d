/**
 * Exponential backoff, the one formula behind the informer's reconnects and the work
 * queue's per-key retries: `initial * 2^failures`, capped at `max`, optionally jittered
 * (as apimachinery's wait.Backoff with Jitter: up to `jitter * delay` added at random).
 */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0 (default): exact; 1: up to twice the delay, capped at max. */
  readonly jitter?: number;
}

export function backoffDelayMs(settings: BackoffSettings, failures: number, random: () => number = Math.random): number {
  // 2^failures overflows to Infinity for large counts, which the cap turns into max.
  const exact = Math.min(settings.initialMs * 2 ** failures, settings.maxMs);
  const jitter = settings.jitter ?? 0;
  return jitter > 0 ? Math.min(exact + exact * jitter * random(), settings.maxMs) : exact;
}
