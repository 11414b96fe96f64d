/**
 * Validation of every served kind, by group and kind, as upstream's registry strategies
 * call it: on create, on update of the main resource, on update of the status subresource.
 * Objects are expected to be defaulted first. Unknown kinds get the generic ObjectMeta rules.
 */
import { validateDaemonSet, validateDaemonSetUpdate, validateDeployment, validateDeploymentUpdate } from "./apps/v1/workload-validation.js";
import { validateReplicaSet, validateReplicaSetUpdate, validateStatefulSet, validateStatefulSetUpdate } from "./apps/v1/workload-validation.js";
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./batch/v1/job-validation.js";
import { validateLease, validateLeaseUpdate } from "./coordination/v1/lease-validation.js";
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from "./core/v1/config-validation.js";
import { validateEndpoints, validateEndpointsUpdate } from "./core/v1/endpoints-validation.js";
import { eventsV1AsCore, validateEventCreate, validateEventUpdate } from "./core/v1/event-validation.js";
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate } from "./core/v1/namespace-validation.js";
import { validateBinding, validateNode, validateNodeUpdate } from "./core/v1/node-validation.js";
import { validatePodStatusUpdate, validatePodUpdate } from "./core/v1/pod-update-validation.js";
import { validatePodCreate } from "./core/v1/pod-validation.js";
import { podWarningsOnCreate, portWarnings } from "./core/v1/pod-warnings.js";
import { validateService, validateServiceUpdate } from "./core/v1/service-validation.js";
import { FieldPath, type FieldError } from "./meta/field-errors.js";
import type { PodSpec } from "./core/v1/pod-types.js";
import type { ObjectMeta } from "./meta/object.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta/object-meta-validation.js";
import { isDNS1123Label } from "./meta/name-validation.js";
import { nameValidatorFor } from "./meta/resource-name-rules.js";
import { semanticEqual } from "./meta/semantic-equal.js";

export * from "./meta/name-validation.js";
export * from "./meta/object-meta-validation.js";
export * from "./meta/quantity.js";
export { labelSelectorMatcher, validateLabelSelector, validateLabelSelectorRequirement, type LabelSelectorMatcher } from "./meta/label-selector-validation.js";
export { nameValidatorFor } from "./meta/resource-name-rules.js";
export { semanticEqual } from "./meta/semantic-equal.js";
export { validatePodCreate, validatePodTemplateSpec } from "./core/v1/pod-validation.js";
export { podWarningsOnCreate, portWarnings } from "./core/v1/pod-warnings.js";
export { validatePodSpec } from "./core/v1/pod-spec-validation.js";
export { validatePodStatusUpdate, validatePodUpdate, podUpdateForbiddenPrefix, updatablePodSpecFields } from "./core/v1/pod-update-validation.js";
export { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from "./core/v1/config-validation.js";
export { validateNamespace, validateNamespaceFinalizeUpdate, validateNamespaceStatusUpdate, validateNamespaceUpdate } from "./core/v1/namespace-validation.js";
export { validateService, validateServiceUpdate } from "./core/v1/service-validation.js";
export { validateEndpoints, validateEndpointsUpdate, validateNonSpecialIP } from "./core/v1/endpoints-validation.js";
export { validateEventCreate, validateEventUpdate } from "./core/v1/event-validation.js";
export { validateBinding, validateNode, validateNodeUpdate } from "./core/v1/node-validation.js";
export * from "./apps/v1/workload-validation.js";
export { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from "./batch/v1/job-validation.js";
export { parseCronSchedule, type CronSchedule } from "./batch/v1/cron-schedule.js";
export { validateLease, validateLeaseUpdate } from "./coordination/v1/lease-validation.js";

type Create = (obj: never) => FieldError[];
type Update = (obj: never, old: never) => FieldError[];

const creators: Record<string, Create> = {
  "/Pod": validatePodCreate,
  "/Namespace": validateNamespace,
  "/ConfigMap": validateConfigMap,
  "/Secret": validateSecret,
  "/Service": validateService,
  "/Endpoints": validateEndpoints,
  "/Node": validateNode,
  "/Binding": validateBinding,
  "/Event": (e: Record<string, unknown>) => validateEventCreate(e, false),
  "events.k8s.io/Event": (e: Record<string, unknown>) => validateEventCreate(eventsV1AsCore(e), true),
  "apps/Deployment": validateDeployment,
  "apps/ReplicaSet": validateReplicaSet,
  "apps/StatefulSet": validateStatefulSet,
  "apps/DaemonSet": validateDaemonSet,
  "batch/Job": validateJob,
  "batch/CronJob": validateCronJob,
  "coordination.k8s.io/Lease": validateLease,
};

const updaters: Record<string, Update> = {
  "/Pod": validatePodUpdate,
  "/Namespace": validateNamespaceUpdate,
  "/ConfigMap": validateConfigMapUpdate,
  "/Secret": validateSecretUpdate,
  "/Service": validateServiceUpdate,
  "/Endpoints": validateEndpointsUpdate,
  "/Node": validateNodeUpdate,
  "/Event": (n: Record<string, unknown>, o: Record<string, unknown>) => validateEventUpdate(n, o, false),
  "events.k8s.io/Event": (n: Record<string, unknown>, o: Record<string, unknown>) =>
    validateEventUpdate(eventsV1AsCore(n), eventsV1AsCore(o), true),
  "apps/Deployment": validateDeploymentUpdate,
  "apps/ReplicaSet": validateReplicaSetUpdate,
  "apps/StatefulSet": validateStatefulSetUpdate,
  "apps/DaemonSet": validateDaemonSetUpdate,
  "batch/Job": validateJobUpdate,
  "batch/CronJob": validateCronJobUpdate,
  "coordination.k8s.io/Lease": validateLeaseUpdate,
};

const statusUpdaters: Record<string, Update> = {
  "/Pod": validatePodStatusUpdate,
  "/Namespace": validateNamespaceStatusUpdate,
};

/** Where each workload keeps its pod spec, for template warnings. */
const templatePaths: Record<string, readonly string[]> = {
  "apps/Deployment": ["spec", "template", "spec"],
  "apps/ReplicaSet": ["spec", "template", "spec"],
  "apps/StatefulSet": ["spec", "template", "spec"],
  "apps/DaemonSet": ["spec", "template", "spec"],
  "batch/Job": ["spec", "template", "spec"],
  "batch/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Workloads whose name becomes part of pod names and hostnames (StatefulSets must be DNS labels already). */
const namedLikePods = new Set(["apps/Deployment", "apps/ReplicaSet", "batch/Job", "batch/CronJob"]);

/** Cluster-scoped kinds among those Peapod knows; everything else is namespaced. */
const clusterScoped = new Set(["/Namespace", "/Node", "/PersistentVolume", "authorization.k8s.io/SelfSubjectAccessReview",
  "authorization.k8s.io/SelfSubjectRulesReview"]);

interface WithMeta {
  metadata?: ObjectMeta;
}

export function validateCreate(group: string, kind: string, obj: object): FieldError[] {
  const key = `${group}/${kind}`;
  const specific = creators[key];
  if (specific) return specific(obj as never);
  return validateObjectMeta((obj as WithMeta).metadata, { namespaced: !clusterScoped.has(key), nameValidator: nameValidatorFor(group, kind) });
}

export function validateUpdate(group: string, kind: string, obj: object, old: object): FieldError[] {
  const specific = updaters[`${group}/${kind}`];
  if (specific) return specific(obj as never, old as never);
  return validateObjectMetaUpdate((obj as WithMeta).metadata, (old as WithMeta).metadata);
}

/** Updates through the status subresource: metadata rules plus what the kind checks in status. */
export function validateStatusUpdate(group: string, kind: string, obj: object, old: object): FieldError[] {
  const specific = statusUpdaters[`${group}/${kind}`];
  if (specific) return specific(obj as never, old as never);
  return validateObjectMetaUpdate((obj as WithMeta).metadata, (old as WithMeta).metadata);
}

/** Warnings upstream returns with a successful write (HTTP `Warning` headers). */
export function warningsFor(group: string, kind: string, obj: object, old?: object): string[] {
  // Pod updates carry no warnings upstream: they are frequent and rarely made by people.
  if (group === "" && kind === "Pod") return old ? [] : podWarningsOnCreate(obj as never);
  const key = `${group}/${kind}`;
  const templatePath = templatePaths[key];
  if (!templatePath) return [];
  const warnings: string[] = [];
  const name = (obj as WithMeta).metadata?.name ?? "";
  const msgs = isDNS1123Label(name);
  if (!old && namedLikePods.has(key) && name && msgs.length) {
    warnings.push(`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(" ")}]`);
  }
  // Upstream re-checks the template only when the spec changed (the generation moved).
  if (old && semanticEqual((obj as { spec?: unknown }).spec, (old as { spec?: unknown }).spec)) return warnings;
  let spec: unknown = obj;
  for (const segment of templatePath) spec = (spec as Record<string, unknown> | undefined)?.[segment];
  let path = FieldPath.root(templatePath[0]!);
  for (const segment of templatePath.slice(1)) path = path.child(segment);
  return [...warnings, ...portWarnings((spec ?? {}) as PodSpec, path)];
}
