/**
 * WATCH with upstream semantics (api-concepts, "Efficient detection of changes"):
 * - resourceVersion unset or "0": synthetic ADDED events for the current state, then changes;
 * - resourceVersion N: exactly the changes after N, or 410 Expired when N was compacted;
 * - sendInitialEvents=true: the current state, then a BOOKMARK marking its end.
 * An object that stops matching the selectors is reported DELETED (with its previous
 * content) and one that starts matching ADDED, as the upstream watch cache does.
 */
import { ExpiredError, TimeoutError, type KubeObject } from "../../api/index.js";
import { CompactedError, type WatchEvent } from "../../store/index.js";
import type { GenericRegistry } from "./generic-registry.js";
import { listObjects, parseRevision, type ObjectFilter } from "./list.js";

export type ApiWatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface ApiWatchEvent {
  readonly type: ApiWatchEventType;
  readonly object: KubeObject;
}

export interface WatchRequest {
  readonly filter: ObjectFilter;
  readonly resourceVersion?: string;
  readonly sendInitialEvents?: boolean;
  readonly signal: AbortSignal;
  /**
   * Told every revision the watch has caught up to, also for changes the selectors
   * filter out, so bookmarks can advance a watcher that sees no events (KEP-956).
   */
  readonly onProgress?: (revision: number) => void;
}

/** How long a watch for a future resourceVersion waits before 504, as upstream. */
const futureRevisionWaitMs = 3000;

export async function* watchObjects(reg: GenericRegistry, namespace: string, req: WatchRequest): AsyncGenerator<ApiWatchEvent> {
  const rv = req.resourceVersion;
  let from: number;
  if (!rv || rv === "0" || req.sendInitialEvents) {
    const list = await listObjects(reg, namespace, { filter: req.filter, ...(req.sendInitialEvents && rv && rv !== "0" ? { resourceVersion: rv } : {}) });
    for (const object of list.items) yield { type: "ADDED", object };
    from = Number(list.resourceVersion);
    req.onProgress?.(from);
    if (req.sendInitialEvents) {
      yield {
        type: "BOOKMARK",
        object: bookmarkObject(reg, from, { "k8s.io/initial-events-end": "true" }),
      };
    }
  } else {
    from = parseRevision(rv);
    await waitForRevision(reg, from, req.signal);
    req.onProgress?.(from);
  }
  try {
    for await (const batch of reg.store.watch(reg.prefix(namespace), { fromRevision: from, signal: req.signal })) {
      for (const ev of batch) {
        const out = toApiEvent(reg, ev, req.filter);
        if (out) yield out;
        req.onProgress?.(ev.kv.modRevision);
      }
    }
  } catch (e) {
    if (e instanceof CompactedError) {
      throw new ExpiredError(`too old resource version: ${from} (${e.compacted})`);
    }
    throw e;
  }
}

export function bookmarkObject(reg: GenericRegistry, revision: number, annotations?: Record<string, string>): KubeObject {
  const apiVersion = reg.type.group ? `${reg.type.group}/${reg.type.version}` : reg.type.version;
  return {
    kind: reg.type.kind,
    apiVersion,
    metadata: { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) },
  };
}

/**
 * Objects decoded from one store event, shared by every watcher that receives the same
 * event (the SQLite fan-out hands all watchers the same event objects): with a hundred
 * watchers an event is parsed once, not a hundred times. Shared objects are never mutated.
 */
interface DecodedEvent {
  readonly current?: KubeObject;
  /** The previous state, stamped with the event's revision for a DELETED event. */
  readonly previous?: KubeObject;
}

const decodedEvents = new WeakMap<GenericRegistry, WeakMap<WatchEvent, DecodedEvent>>();

function decode(reg: GenericRegistry, ev: WatchEvent): DecodedEvent {
  let byEvent = decodedEvents.get(reg);
  if (!byEvent) decodedEvents.set(reg, (byEvent = new WeakMap()));
  let d = byEvent.get(ev);
  if (!d) {
    const previous = ev.prevKv ? reg.fromStored(ev.prevKv) : undefined;
    if (previous) previous.metadata.resourceVersion = String(ev.kv.modRevision);
    d = { ...(ev.type === "put" ? { current: reg.fromStored(ev.kv) } : {}), ...(previous ? { previous } : {}) };
    byEvent.set(ev, d);
  }
  return d;
}

function toApiEvent(reg: GenericRegistry, ev: WatchEvent, filter: ObjectFilter): ApiWatchEvent | undefined {
  const { current, previous } = decode(reg, ev);
  // The filter only reads labels and selectable fields, which the stamped revision does not touch.
  const prevMatches = previous !== undefined && filter(previous);
  if (!current) return prevMatches ? { type: "DELETED", object: previous } : undefined;
  if (filter(current)) return { type: prevMatches ? "MODIFIED" : "ADDED", object: current };
  return prevMatches ? { type: "DELETED", object: previous } : undefined;
}

async function waitForRevision(reg: GenericRegistry, rv: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + futureRevisionWaitMs;
  while ((await reg.store.currentRevision()) < rv) {
    if (Date.now() >= deadline) {
      throw new TimeoutError(`Too large resource version: ${rv}, current: ${await reg.store.currentRevision()}`, 1, [
        { reason: "ResourceVersionTooLarge", message: "Too large resource version" },
      ]);
    }
    await reg.clock.sleep(100, signal);
  }
}
