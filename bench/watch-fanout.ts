/**
 * Watch fan-out: `watchers` watch streams on the bench namespace, then updates one at a
 * time (a merge patch of a label, as `kubectl label` sends), each waited for until every
 * watcher has it. A watcher's delay is from sending the PATCH to the arrival of the
 * chunk that completes the event's line.
 *
 * While updates run, a watcher's data handler only stamps and stores the chunk and
 * counts newlines (one event per line), so the 100 streams do not delay one another
 * with JSON parsing; the events are parsed and matched by resourceVersion afterwards.
 */
import type { IncomingMessage } from "node:http";
import type { BenchClient } from "./bench-client.js";
import { benchPodName } from "./bench-pod.js";
import { podsPath } from "./request-workloads.js";

/** How long one update may take to reach every watcher before the run fails. */
const roundTimeoutMs = 10_000;

export interface WatchFanoutRun {
  /** One delay per (update, watcher) pair, in milliseconds. */
  readonly deliveryMs: number[];
  /** The PATCH round trips themselves, while the watchers were open. */
  readonly patchMs: number[];
}

interface Stamped {
  readonly t: number;
  readonly chunk: Buffer;
}

interface Watcher {
  readonly res: IncomingMessage;
  readonly chunks: Stamped[];
  lines: number;
}

export async function measureWatchFanout(
  watchClient: BenchClient,
  writer: BenchClient,
  opts: { watchers: number; updates: number; podCount: number },
): Promise<WatchFanoutRun> {
  const head = await writer.expect(200, "GET", `${podsPath}?limit=1`);
  const rv = (JSON.parse(head.body.toString("utf8")) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

  let target = 0;
  let remaining = 0;
  let roundDone: (() => void) | undefined;
  let roundTimer: NodeJS.Timeout | undefined;
  const responses = await Promise.all(
    Array.from({ length: opts.watchers }, () => watchClient.open(`${podsPath}?watch=true&resourceVersion=${rv}`)),
  );
  const watchers: Watcher[] = responses.map((res) => {
    const w: Watcher = { res, chunks: [], lines: 0 };
    res.on("data", (chunk: Buffer) => {
      w.chunks.push({ t: performance.now(), chunk });
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
        if (++w.lines === target && --remaining === 0) roundDone?.();
      }
    });
    return w;
  });

  // A value no earlier run wrote: patching a label to the value it has is a no-op that
  // makes no event.
  const run = Date.now().toString(36);
  const sentAt = new Map<string, { t: number; value: string }>();
  const patchMs: number[] = [];
  try {
    for (let k = 1; k <= opts.updates; k++) {
      target = k;
      remaining = watchers.length;
      const delivered = new Promise<void>((resolve, reject) => {
        roundTimer = setTimeout(() => {
          const ended = watchers.filter((w) => w.res.readableEnded || w.res.destroyed).length;
          reject(new Error(`update ${k} reached ${watchers.length - remaining} of ${watchers.length} watchers within ${roundTimeoutMs} ms (${ended} streams ended)`));
        }, roundTimeoutMs);
        roundDone = () => {
          clearTimeout(roundTimer);
          resolve();
        };
      });
      // Handled here too, so a failed PATCH does not leave it rejecting unobserved.
      delivered.catch(() => undefined);
      const name = benchPodName((k * 7919) % opts.podCount);
      const t = performance.now();
      const r = await writer.expect(200, "PATCH", `${podsPath}/${name}?fieldManager=kubectl-label`,
        JSON.stringify({ metadata: { labels: { "bench-seq": `${run}-${k}` } } }), { "Content-Type": "application/merge-patch+json" });
      patchMs.push(r.ms);
      const written = /"resourceVersion":"(\d+)"/.exec(r.body.toString("utf8"))?.[1];
      if (!written) throw new Error(`PATCH ${name}: no resourceVersion in the answer`);
      if (sentAt.has(written)) throw new Error(`PATCH ${name} made no new resourceVersion (${written})`);
      sentAt.set(written, { t, value: `${run}-${k}` });
      await delivered;
    }
  } finally {
    clearTimeout(roundTimer);
    for (const w of watchers) w.res.destroy();
  }
  return { deliveryMs: watchers.flatMap((w) => delays(w, sentAt)), patchMs };
}

/** Splits a watcher's stream into events, each stamped with the arrival of its last byte. */
function delays(w: Watcher, sentAt: ReadonlyMap<string, { t: number; value: string }>): number[] {
  const out: number[] = [];
  let pending: Buffer[] = [];
  for (const { t, chunk } of w.chunks) {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      pending.push(chunk.subarray(start, i));
      const line = Buffer.concat(pending).toString("utf8");
      pending = [];
      start = i + 1;
      const ev = JSON.parse(line) as { type: string; object: { metadata: { resourceVersion?: string; labels?: Record<string, string> } } };
      const sent = sentAt.get(ev.object.metadata.resourceVersion ?? "");
      if (ev.type !== "MODIFIED" || !sent || ev.object.metadata.labels?.["bench-seq"] !== sent.value) {
        throw new Error(`unexpected watch event: ${line.slice(0, 300)}`);
      }
      out.push(t - sent.t);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  return out;
}
