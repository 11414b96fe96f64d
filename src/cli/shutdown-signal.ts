/** SIGTERM and SIGINT as a promise and an AbortSignal: long-running commands stop on either. */
export interface ShutdownSignal {
  /** Resolves at the first SIGTERM or SIGINT. */
  readonly shutdown: Promise<void>;
  /** Aborted at the same moment, to end waits that are under way. */
  readonly signal: AbortSignal;
}

export function onShutdownSignal(say: (sig: NodeJS.Signals) => string): ShutdownSignal {
  const stopping = new AbortController();
  const shutdown = new Promise<void>((resolveSignal) => {
    const onSignal = (sig: NodeJS.Signals): void => {
      process.stdout.write(`${say(sig)}\n`);
      stopping.abort();
      resolveSignal();
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  return { shutdown, signal: stopping.signal };
}
