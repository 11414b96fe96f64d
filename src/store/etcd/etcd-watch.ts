/**
 * A watch on etcd: one gRPC Watch stream per watch, feeding a bounded WatchQueue.
 *
 * - The stream asks for `start_revision = fromRevision + 1` with prev_kv, so etcd replays
 *   history and then continues live without a gap (etcd api/v3rpc watch semantics).
 * - If the stream breaks (a member restarts), it is opened again from the revision after
 *   the last event queued, so the consumer sees neither a gap nor a duplicate.
 * - etcd cancels a watch whose start revision was compacted and reports the compacted
 *   revision in `compact_revision`; that becomes CompactedError.
 * - The stream is never paused: a consumer that falls behind overflows its queue and is
 *   ended with WatcherTooSlowError, and the stream is closed.
 *
 * Streams are closed with cancel_request + end() before cancel(): the etcd3 library marks
 * a host as failed (and resets its connections) when a still-writable stream errors.
 */
import type { Etcd3, IEvent, IKeyValue, IWatchResponse } from "etcd3";
import { CompactedError, StoreError, type KeyValue, type Revision, type WatchEvent } from "../store.js";
import { WatchQueue } from "../watch-queue.js";

type WatchStream = Awaited<ReturnType<Etcd3["watchClient"]["watch"]>>;

export interface EtcdKeyRange {
  readonly key: Buffer;
  readonly rangeEnd: Buffer;
}

const EMPTY_VALUE = new Uint8Array(0);

export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString("utf8"),
    value: kv.value ?? EMPTY_VALUE,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

function toWatchEvent(event: IEvent): WatchEvent {
  const kv = toKeyValue(event.kv);
  const type = event.type === "Delete" ? "delete" : "put";
  // proto3 decoding fills absent messages with defaults; a real prev_kv has a key.
  return event.prev_kv && event.prev_kv.key && event.prev_kv.key.length > 0
    ? { type, kv, prevKv: toKeyValue(event.prev_kv) }
    : { type, kv };
}

/**
 * gRPC codes worth reconnecting for: the member went away or is overloaded (CANCELLED,
 * UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE). Errors
 * without a code come from the client's connection handling. Anything else (permission
 * denied, invalid argument) will not get better by retrying.
 */
const TRANSIENT_GRPC_CODES = new Set([1, 2, 4, 8, 10, 13, 14]);

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code !== "number" || TRANSIENT_GRPC_CODES.has(code);
}

/** Reconnect delays grow to this bound while a member is unreachable. */
const MAX_RETRY_DELAY_MS = 2000;

export class EtcdWatchSession {
  readonly queue: WatchQueue;
  readonly #client: Etcd3;
  readonly #range: EtcdKeyRange;
  readonly #fromRevision: Revision;
  #stream: WatchStream | undefined;
  #watchId: string | undefined;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(client: Etcd3, range: EtcdKeyRange, fromRevision: Revision, maxQueuedEvents: number, onClose: () => void) {
    this.#client = client;
    this.#range = range;
    this.#fromRevision = fromRevision;
    this.queue = new WatchQueue({
      maxQueuedEvents,
      fromRevision,
      onClose: () => {
        this.#stop();
        onClose();
      },
    });
    void this.#connect();
  }

  async #connect(): Promise<void> {
    this.#retryTimer = undefined;
    if (this.#stopped) return;
    let stream: WatchStream;
    try {
      stream = await this.#client.watchClient.watch();
    } catch (error) {
      this.#retry(error);
      return;
    }
    if (this.#stopped) {
      stream.on("error", () => undefined);
      stream.end();
      stream.cancel();
      return;
    }
    this.#stream = stream;
    this.#watchId = undefined;
    stream.on("data", (response: IWatchResponse) => this.#onResponse(stream, response));
    stream.on("error", (error: Error) => this.#onBroken(stream, error));
    stream.on("end", () => this.#onBroken(stream, new StoreError("etcd watch stream ended")));
    stream.write({
      create_request: {
        key: this.#range.key,
        range_end: this.#range.rangeEnd,
        start_revision: this.queue.lastQueuedRevision + 1,
        prev_kv: true,
      },
    });
  }

  #onResponse(stream: WatchStream, response: IWatchResponse): void {
    if (stream !== this.#stream) return;
    if (response.created) {
      this.#watchId = response.watch_id;
      this.#attempt = 0;
    }
    if (response.canceled) {
      const compacted = Number(response.compact_revision);
      this.queue.end(
        compacted > 0
          ? new CompactedError(this.#fromRevision, compacted)
          : new StoreError(`etcd canceled the watch: ${response.cancel_reason || "no reason given"}`),
      );
      return;
    }
    if (response.events.length > 0) this.queue.push(response.events.map(toWatchEvent));
  }

  #onBroken(stream: WatchStream, error: unknown): void {
    if (stream !== this.#stream) return;
    this.#stream = undefined;
    this.#retry(error);
  }

  #retry(error: unknown): void {
    if (this.#stopped) return;
    if (!isTransient(error)) {
      this.queue.end(error);
      return;
    }
    const delay = Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const stream = this.#stream;
    this.#stream = undefined;
    if (!stream) return;
    if (this.#watchId !== undefined) stream.write({ cancel_request: { watch_id: this.#watchId } });
    stream.end();
    stream.cancel();
  }
}
