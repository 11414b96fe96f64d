/**
 * core/v1 Event and events.k8s.io/v1 Event are two versions of one stored object
 * (pkg/apis/events/v1/conversion.go): the new API renames the old fields and keeps the
 * rest. Peapod stores the core/v1 shape and converts on the way in and out, so
 * `kubectl get events`, `kubectl events` and `kubectl describe` see every event whichever
 * API wrote it.
 */
import { isPlainObject, type KubeObject } from "../meta/object.js";

/** events.k8s.io field -> core/v1 field */
const renamed: ReadonlyArray<readonly [string, string]> = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

/** Fields with the same name in both versions. */
const shared = ["metadata", "eventTime", "series", "reason", "type", "related", "action", "reportingController", "reportingInstance"];

export function eventsV1ToCore(e: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: "v1", kind: "Event", metadata: e.metadata };
  for (const f of shared) if (e[f] !== undefined) out[f] = e[f];
  for (const [from, to] of renamed) if (e[from] !== undefined) out[to] = e[from];
  // The core API names the reporter twice; keep both spellings consistent.
  if (out["reportingController"] !== undefined) out["reportingComponent"] = out["reportingController"];
  delete out["reportingController"];
  if (isPlainObject(out["series"])) {
    const s = out["series"];
    out["series"] = { count: s["count"], lastObservedTime: s["lastObservedTime"] };
  }
  return out;
}

export function coreToEventsV1(e: KubeObject): KubeObject {
  const out: KubeObject = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: e.metadata };
  for (const f of shared) if (e[f] !== undefined) out[f] = e[f];
  for (const [to, from] of renamed) if (e[from] !== undefined) out[to] = e[from];
  if (e["reportingComponent"] !== undefined) out["reportingController"] = e["reportingComponent"];
  return out;
}
