/**
 * The streaming connection idle timeout (the kubelet's `--streaming-connection-idle-timeout`,
 * default 4h0m0s): a connection that carried nothing, either way, for that long is closed.
 *
 * "Carried nothing" as upstream counts it, per transport:
 *  - SPDY (exec/attach fallback, port-forward, and the port-forward tunnel, whose SPDY frames
 *    ride in WebSocket messages): every frame read or written, control frames and pings
 *    included, restarts the clock (spdystream `idleAwareFramer` ReadFrame/WriteFrame). On
 *    expiry every stream is reset and the session closed.
 *  - WebSocket channel protocols (exec/attach, the JavaScript client's port-forward): every
 *    message received or sent restarts it (apimachinery wsstream `Conn.resetTimeout` before
 *    each Receive and write); WebSocket ping/pong frames do not, as they never reach that loop.
 *
 * `touch()` runs per frame on bulk transfers, so it only records the time; the one timer
 * checks at the deadline whether anything happened meanwhile and sleeps again for the rest.
 * The timer is unref'd (an idle connection does not keep a process alive) and cleared by
 * `stop()`, which the owners call when their connection closes.
 */

/** The kubelet's default `streamingConnectionIdleTimeout` (4h0m0s). */
export const defaultStreamingConnectionIdleTimeoutMs = 4 * 60 * 60 * 1000;

/** setTimeout's largest delay; longer timeouts are waited for in steps. */
const maxTimerDelayMs = 2 ** 31 - 1;

export class IdleTimer {
  private lastActivity = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `timeoutMs` 0 (or not finite) disables the timeout, as 0 does upstream. */
  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) this.schedule(timeoutMs);
    else this.stopped = true;
  }

  /** Something was sent or received: the connection is not idle. */
  touch(): void {
    this.lastActivity = performance.now();
  }

  /** The connection closed: no more callbacks, no timer left behind. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.check(), Math.min(Math.max(delayMs, 1), maxTimerDelayMs));
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const remaining = this.lastActivity + this.timeoutMs - performance.now();
    if (remaining > 0) return this.schedule(remaining);
    this.stop();
    this.onIdle();
  }
}

/** What the streaming servers take about their connection. */
export interface StreamingConnectionOptions {
  /** Close the connection after this long without traffic; default 4 h (the kubelet's); 0: never. */
  readonly idleTimeoutMs?: number;
}

/** The idle timeout a server applies: the option, or the kubelet's default. */
export function streamingIdleTimeoutMs(options: StreamingConnectionOptions): number {
  return options.idleTimeoutMs ?? defaultStreamingConnectionIdleTimeoutMs;
}
