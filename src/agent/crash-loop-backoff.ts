/**
 * CrashLoopBackOff: how long the agent waits before restarting a container that exited,
 * as the kubelet's flowcontrol.Backoff (backOffPeriod 10 s, MaxContainerBackOff 300 s)
 * used by kuberuntime's doBackOff. The first restart is immediate; each later one waits
 * twice as long as the one before, up to the cap; a container that ran for more than
 * twice the cap since the back-off last advanced starts again from the initial delay.
 * The wait is counted from the finishedAt of the exit (pod-semantics G3–G5).
 */
import type { Container, Pod } from "../api/index.js";
import { goDuration, systemClock, type Clock } from "../base/index.js";
import { containerHash, formatPod } from "./container-state.js";

export interface CrashLoopBackOffOptions {
  clock?: Clock;
  /** Milliseconds; default 10 s. */
  initialMs?: number;
  /** Milliseconds; default 300 s. */
  maxMs?: number;
}

/** A container held back: the delay in force and when it may be started again. */
export interface BackOffWait {
  delayMs: number;
  until: Date;
}

/** The read side the sync plan needs: no clock, no mutation. */
export interface CrashLoopBackOffView {
  /** The wait in force for `key` after an exit at `finishedAt`, or undefined when it may start now. */
  inBackOffSince(key: string, finishedAt: Date, now: Date): BackOffWait | undefined;
}

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class CrashLoopBackOff implements CrashLoopBackOffView {
  readonly #clock: Clock;
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: CrashLoopBackOffOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#initialMs = options.initialMs ?? 10_000;
    this.#maxMs = options.maxMs ?? 300_000;
    if (!(this.#initialMs > 0)) throw new RangeError("initialMs must be greater than 0");
    if (!(this.#maxMs >= this.#initialMs)) throw new RangeError("maxMs must not be less than initialMs");
  }

  /**
   * The back-off key: the pod (name, namespace, uid), the container name and a hash of its
   * spec, so a changed spec starts afresh (upstream getStableKey).
   */
  static key(pod: Pod, container: Container): string {
    return `${pod.metadata?.name ?? ""}_${pod.metadata?.namespace ?? ""}_${pod.metadata?.uid ?? ""}_${container.name ?? ""}_${containerHash(container)}`;
  }

  /** The current delay for `key` in milliseconds; 0 when it has none. */
  get(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  inBackOffSince(key: string, finishedAt: Date, now: Date = this.#clock.now()): BackOffWait | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#expired(finishedAt.getTime(), entry)) return undefined;
    if (now.getTime() - finishedAt.getTime() >= entry.delayMs) return undefined;
    return { delayMs: entry.delayMs, until: new Date(finishedAt.getTime() + entry.delayMs) };
  }

  /** Record a restart after the exit at `finishedAt`: start at the initial delay or double it. */
  next(key: string, finishedAt: Date): void {
    const entry = this.#entries.get(key);
    const delayMs =
      entry === undefined || this.#expired(finishedAt.getTime(), entry) ? this.#initialMs : Math.min(entry.delayMs * 2, this.#maxMs);
    this.#entries.set(key, { delayMs, lastUpdate: this.#clock.now().getTime() });
  }

  /** Forget a key (the pod is gone). */
  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Drop entries that have expired, so deleted pods do not accumulate. */
  gc(): void {
    const now = this.#clock.now().getTime();
    for (const [key, entry] of this.#entries) if (this.#expired(now, entry)) this.#entries.delete(key);
  }

  /** A container that stayed up for more than twice the cap is considered stable again. */
  #expired(eventTime: number, entry: Entry): boolean {
    return eventTime - entry.lastUpdate > 2 * this.#maxMs;
  }
}

/** The CrashLoopBackOff waiting message (upstream doBackOff). */
export function crashLoopBackOffMessage(delayMs: number, containerName: string, pod: Pod): string {
  return `back-off ${goDuration(delayMs)} restarting failed container=${containerName} pod=${formatPod(pod)}`;
}

