/**
 * Which fields each kind can be selected by, and their values on an object.
 *
 * Upstream splits this in two, and the two disagree in places, so both are kept:
 * - the field-label conversion registered per kind (pkg/apis/<group>/v1/conversion.go
 *   AddFieldLabelConversionFunc) decides which labels a request may use, may rename them,
 *   and words the 400 error; a kind without one gets runtime's
 *   DefaultMetaV1FieldSelectorConversion (metadata.name and metadata.namespace only);
 * - the registry's ToSelectableFields (pkg/registry/<group>/<kind>/strategy.go) decides
 *   the values matched. A label accepted but absent there reads as "" (pods'
 *   `status.podIPs`); one present there but not accepted is unusable (apps/v1
 *   ReplicaSet's `status.replicas`, kubernetes#135136).
 * Values are Go's text of the internal field: integers in decimal, booleans true/false.
 */
import { goQuote } from "../meta/field-errors.js";
import { isPlainObject } from "../meta/object.js";
import { BadRequestError } from "../meta/status-errors.js";
import { FieldSelector, parseFieldSelector } from "./field-selector.js";

type FieldSet = Record<string, string>;

interface KindFields {
  readonly namespaced: boolean;
  /** Accepted label → the label matched. Absent: upstream's default conversion. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The error text for a label not accepted. */
  readonly unsupported?: (label: string) => string;
  /** The fields beyond metadata.name / metadata.namespace. */
  readonly fields?: (obj: unknown) => FieldSet;
}

function at(obj: unknown, ...path: string[]): unknown {
  let v = obj;
  for (const p of path) {
    if (!isPlainObject(v) || !Object.hasOwn(v, p)) return undefined;
    v = v[p];
  }
  return v;
}

const str = (obj: unknown, ...path: string[]): string => {
  const v = at(obj, ...path);
  return typeof v === "string" ? v : "";
};
const int = (obj: unknown, ...path: string[]): string => {
  const v = at(obj, ...path);
  return typeof v === "number" && Number.isFinite(v) ? String(Math.trunc(v)) : "0";
};
const bool = (obj: unknown, ...path: string[]): string => String(at(obj, ...path) === true);

const same = (...labels: string[]): Readonly<Record<string, string>> =>
  Object.fromEntries(labels.map((l) => [l, l]));

/** The wording of core/v1 (and most other) conversion functions. */
const notSupported = (label: string): string => `field label not supported: ${label}`;

function podFields(pod: unknown): FieldSet {
  // v1 → internal conversion: podIP wins over podIPs[0] when both are set, and the
  // deprecated serviceAccount fills serviceAccountName when that is empty.
  const podIPs = at(pod, "status", "podIPs");
  const firstIP = Array.isArray(podIPs) && podIPs.length > 0 ? str(podIPs[0], "ip") : "";
  return {
    "spec.nodeName": str(pod, "spec", "nodeName"),
    "spec.restartPolicy": str(pod, "spec", "restartPolicy"),
    "spec.schedulerName": str(pod, "spec", "schedulerName"),
    "spec.serviceAccountName": str(pod, "spec", "serviceAccountName") || str(pod, "spec", "serviceAccount"),
    "spec.hostNetwork": bool(pod, "spec", "hostNetwork"),
    "status.phase": str(pod, "status", "phase"),
    "status.podIP": str(pod, "status", "podIP") || firstIP,
    "status.nominatedNodeName": str(pod, "status", "nominatedNodeName"),
  };
}

/**
 * Core events and events.k8s.io events share one internal type, so one field set serves
 * both groups; either representation of the object is read.
 */
function eventFields(event: unknown): FieldSet {
  const ref = isPlainObject(at(event, "involvedObject")) ? at(event, "involvedObject") : at(event, "regarding");
  const reporting = str(event, "reportingComponent") || str(event, "reportingController");
  const source = str(event, "source", "component") || str(event, "deprecatedSource", "component");
  return {
    "involvedObject.kind": str(ref, "kind"),
    "involvedObject.namespace": str(ref, "namespace"),
    "involvedObject.name": str(ref, "name"),
    "involvedObject.uid": str(ref, "uid"),
    "involvedObject.apiVersion": str(ref, "apiVersion"),
    "involvedObject.resourceVersion": str(ref, "resourceVersion"),
    "involvedObject.fieldPath": str(ref, "fieldPath"),
    reason: str(event, "reason"),
    reportingComponent: reporting,
    // Events written through events.k8s.io have no source; their reporter stands in.
    source: source || reporting,
    type: str(event, "type"),
  };
}

const coreEventLabels = same(
  "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
  "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
  "reason", "reportingComponent", "source", "type", "metadata.namespace", "metadata.name",
);

const kinds: ReadonlyMap<string, KindFields> = new Map<string, KindFields>([
  ["/Pod", {
    namespaced: true,
    labels: {
      ...same(
        "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName",
      ),
      // Old v1 clients send spec.host.
      "spec.host": "spec.nodeName",
    },
    unsupported: notSupported,
    fields: podFields,
  }],
  ["/Node", {
    namespaced: false,
    labels: same("metadata.name", "spec.unschedulable"),
    unsupported: notSupported,
    fields: (node) => ({ "spec.unschedulable": bool(node, "spec", "unschedulable") }),
  }],
  ["/ReplicationController", {
    namespaced: true,
    labels: same("metadata.name", "metadata.namespace", "status.replicas"),
    unsupported: notSupported,
    fields: (rc) => ({ "status.replicas": int(rc, "status", "replicas") }),
  }],
  ["/Event", { namespaced: true, labels: coreEventLabels, unsupported: notSupported, fields: eventFields }],
  ["/Namespace", {
    namespaced: false,
    labels: same("status.phase", "metadata.name"),
    unsupported: notSupported,
    fields: (ns) => ({ "status.phase": str(ns, "status", "phase") }),
  }],
  ["/Secret", {
    namespaced: true,
    labels: same("type", "metadata.namespace", "metadata.name"),
    unsupported: notSupported,
    fields: (secret) => ({ type: str(secret, "type") }),
  }],
  ["/Service", {
    namespaced: true,
    labels: same("metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"),
    unsupported: notSupported,
    fields: (svc) => ({ "spec.clusterIP": str(svc, "spec", "clusterIP"), "spec.type": str(svc, "spec", "type") }),
  }],
  // apps/v1 registers no conversion, so status.replicas is in the field set but refused.
  ["apps/ReplicaSet", { namespaced: true, fields: (rs) => ({ "status.replicas": int(rs, "status", "replicas") }) }],
  ["batch/Job", {
    namespaced: true,
    labels: same("metadata.name", "metadata.namespace", "status.successful"),
    unsupported: (label) => `field label ${goQuote(label)} not supported for batchv1.Job`,
    fields: (job) => ({ "status.successful": int(job, "status", "succeeded") }),
  }],
  ["events.k8s.io/Event", {
    namespaced: true,
    // events.k8s.io names map onto the fields of the shared internal type.
    labels: {
      reason: "reason",
      "regarding.kind": "involvedObject.kind",
      "regarding.namespace": "involvedObject.namespace",
      "regarding.name": "involvedObject.name",
      "regarding.uid": "involvedObject.uid",
      "regarding.apiVersion": "involvedObject.apiVersion",
      "regarding.resourceVersion": "involvedObject.resourceVersion",
      "regarding.fieldPath": "involvedObject.fieldPath",
      reportingController: "reportingComponent",
      type: "type",
      "metadata.namespace": "metadata.namespace",
      "metadata.name": "metadata.name",
    },
    unsupported: notSupported,
    fields: eventFields,
  }],
  ["certificates.k8s.io/CertificateSigningRequest", {
    namespaced: false,
    labels: same("metadata.name", "spec.signerName"),
    unsupported: notSupported,
    fields: (csr) => ({ "spec.signerName": str(csr, "spec", "signerName") }),
  }],
]);

const defaultLabels = same("metadata.name", "metadata.namespace");
const defaultUnsupported = (label: string): string =>
  `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`;

const rulesFor = (group: string, kind: string): KindFields | undefined => kinds.get(`${group}/${kind}`);

/**
 * The selectable fields of an object of this kind (upstream ToSelectableFields):
 * metadata.name, metadata.namespace for namespaced kinds, and the kind's own fields.
 * For a kind without rules here, metadata.namespace is included when the object has one.
 */
export function fieldsFor(group: string, kind: string, obj: unknown): FieldSet {
  const rules = rulesFor(group, kind);
  const set: FieldSet = { ...(rules?.fields?.(obj) ?? {}) };
  set["metadata.name"] = str(obj, "metadata", "name");
  const namespace = at(obj, "metadata", "namespace");
  if (rules ? rules.namespaced : typeof namespace === "string") set["metadata.namespace"] = str(obj, "metadata", "namespace");
  return set;
}

/** The field labels a request may use for this kind, sorted. */
export function fieldLabelsFor(group: string, kind: string): string[] {
  return Object.keys(rulesFor(group, kind)?.labels ?? defaultLabels).sort();
}

/**
 * Checks a field selector against the kind's accepted labels and returns it with labels
 * renamed to the fields matched (use the result with `fieldsFor`), as the API server's
 * list and watch handlers do before serving. An unknown label throws BadRequestError with
 * upstream's message, e.g. `field label not supported: spec.foo` for pods.
 */
export function validateFieldSelector(group: string, kind: string, selector: FieldSelector | string): FieldSelector {
  const parsed = typeof selector === "string" ? parseFieldSelector(selector) : selector;
  const rules = rulesFor(group, kind);
  const labels = rules?.labels ?? defaultLabels;
  const unsupported = rules?.unsupported ?? defaultUnsupported;
  return parsed.transform((field, value) => {
    if (!Object.hasOwn(labels, field)) throw new BadRequestError(unsupported(field));
    return { field: labels[field]!, value };
  });
}
