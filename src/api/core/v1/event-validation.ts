/**
 * Events (pkg/apis/core/validation/events.go). core/v1 keeps the lenient legacy rules for
 * old clients; events.k8s.io/v1 adds the strict ones. Both take the core/v1 shape; an
 * events.k8s.io/v1 object is mapped to it field by field first.
 */
import { FieldPath, invalid, required, type FieldError } from "../../meta/field-errors.js";
import { isDNS1123Subdomain, isQualifiedName } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from "../../meta/object-meta-validation.js";
import type { ObjectMeta } from "../../meta/object.js";

export interface CoreEvent {
  metadata?: ObjectMeta;
  involvedObject?: { namespace?: string; [k: string]: unknown };
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string | null } | null;
  action?: string;
  related?: Record<string, unknown> | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** Maps an events.k8s.io/v1 Event onto the core/v1 field names validation reads. */
export function eventsV1AsCore(e: Record<string, unknown>): CoreEvent {
  return {
    metadata: e["metadata"] as ObjectMeta,
    involvedObject: (e["regarding"] ?? {}) as CoreEvent["involvedObject"],
    reason: e["reason"] as string,
    message: e["note"] as string,
    source: (e["deprecatedSource"] ?? {}) as CoreEvent["source"],
    firstTimestamp: e["deprecatedFirstTimestamp"] as string,
    lastTimestamp: e["deprecatedLastTimestamp"] as string,
    count: e["deprecatedCount"] as number,
    type: e["type"] as string,
    eventTime: e["eventTime"] as string,
    series: e["series"] as CoreEvent["series"],
    action: e["action"] as string,
    related: e["related"] as CoreEvent["related"],
    reportingComponent: e["reportingController"] as string,
    reportingInstance: e["reportingInstance"] as string,
  };
}

const root = (name: string) => FieldPath.root(name);

function legacyValidateEvent(e: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata?.namespace ?? "";
  const involvedNs = e.involvedObject?.namespace ?? "";
  const nsPath = root("involvedObject").child("namespace");
  if (!e.eventTime) {
    // Old-style events: the event lives where its object lives (or in default for cluster objects).
    if (!involvedNs) {
      if (ns !== "" && ns !== "default") errs.push(invalid(nsPath, involvedNs, "does not match event.namespace"));
    } else if (ns !== involvedNs) {
      errs.push(invalid(nsPath, involvedNs, "does not match event.namespace"));
    }
  } else {
    if (!involvedNs && ns !== "default" && ns !== "kube-system") errs.push(invalid(nsPath, involvedNs, "does not match event.namespace"));
    const controller = e.reportingComponent ?? "";
    if (!controller) errs.push(required(root("reportingController")));
    for (const msg of isQualifiedName(controller)) errs.push(invalid(root("reportingController"), controller, msg));
    const limits: [keyof CoreEvent, string, number][] = [["reportingInstance", "reportingInstance", 128], ["action", "action", 128], ["reason", "reason", 128]];
    for (const [field, name, max] of limits) {
      const v = (e[field] ?? "") as string;
      if (!v) errs.push(required(root(name)));
      if (v.length > max) errs.push(invalid(root(name), "", `can have at most ${max} characters`));
    }
    if ((e.message ?? "").length > 1024) errs.push(invalid(root("message"), "", "can have at most 1024 characters"));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(invalid(root("namespace"), ns, msg));
  return errs;
}

function validateSeries(e: CoreEvent): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if ((e.series.count ?? 0) < 2) errs.push(invalid(root("series.count"), "", "should be at least 2"));
  if (!e.series.lastObservedTime) errs.push(required(root("series.lastObservedTime")));
  return errs;
}

/** `strict` is true for events.k8s.io/v1 requests. */
export function validateEventCreate(e: CoreEvent, strict: boolean): FieldError[] {
  const errs = legacyValidateEvent(e);
  if (!strict) return errs;
  errs.push(...validateObjectMeta(e.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }));
  errs.push(...validateSeries(e));
  if (!e.eventTime) errs.push(required(root("eventTime")));
  if (e.type !== "Normal" && e.type !== "Warning") errs.push(invalid(root("type"), "", `has invalid value: ${e.type ?? ""}`));
  if (e.firstTimestamp) errs.push(invalid(root("firstTimestamp"), "", "needs to be unset"));
  if (e.lastTimestamp) errs.push(invalid(root("lastTimestamp"), "", "needs to be unset"));
  if (e.count) errs.push(invalid(root("count"), "", "needs to be unset"));
  if (e.source?.component || e.source?.host) errs.push(invalid(root("source"), "", "needs to be unset"));
  return errs;
}

export function validateEventUpdate(n: CoreEvent, o: CoreEvent, strict: boolean): FieldError[] {
  const errs = legacyValidateEvent(n);
  if (!strict) return errs;
  errs.push(...validateObjectMetaUpdate(n.metadata, o.metadata));
  if (JSON.stringify(n.series ?? null) !== JSON.stringify(o.series ?? null)) errs.push(...validateSeries(n));
  const immutable: [keyof CoreEvent, string][] = [
    ["involvedObject", "involvedObject"], ["reason", "reason"], ["message", "message"], ["source", "source"],
    ["firstTimestamp", "firstTimestamp"], ["lastTimestamp", "lastTimestamp"], ["count", "count"], ["reason", "reason"],
    ["type", "type"], ["eventTime", "eventTime"], ["action", "action"], ["related", "related"],
    ["reportingComponent", "reportingController"], ["reportingInstance", "reportingInstance"],
  ];
  for (const [field, name] of immutable) errs.push(...validateImmutableField(n[field], o[field], root(name)));
  return errs;
}
