/**
 * Defaulting of every served kind, by group and kind.
 *
 * - applyDefaults runs on every write (create, update, patch result), as upstream runs its
 *   defaulters when decoding. For Pods it also applies what upstream's admission plugins
 *   add on create (service account, priority, default tolerations): re-applying them on
 *   update only restores values the pod already has, since those fields are immutable.
 * - applyCreateDefaults runs once on create, after the name and UID are assigned and the
 *   status is reset: the namespace finalizer and the Job selector, which upstream sets in
 *   its strategies' PrepareForCreate.
 */
import { generateJobSelector } from "./batch/v1/job-selector.js";
import { defaultCronJob, defaultJob, type CronJob, type Job } from "./batch/v1/job-defaults.js";
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "./apps/v1/workload-defaults.js";
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "./apps/v1/workload-defaults.js";
import { defaultEndpoints, defaultNamespace, defaultNode, defaultSecret, prepareNamespaceForCreate } from "./core/v1/core-defaults.js";
import type { Endpoints, Namespace, NodeObject, Secret } from "./core/v1/core-defaults.js";
import { admitPodOnCreate } from "./core/v1/pod-admission-defaults.js";
import { defaultPod } from "./core/v1/pod-defaults.js";
import type { Pod } from "./core/v1/pod-types.js";
import { defaultService, defaultServiceIPFamilies, type Service } from "./core/v1/service-defaults.js";

export { defaultContainer, defaultProbe, defaultResourceList } from "./core/v1/container-defaults.js";
export { defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultVolume } from "./core/v1/pod-defaults.js";
export { addDefaultTolerations, admitPodOnCreate, admitPodPriority, admitPodServiceAccount } from "./core/v1/pod-admission-defaults.js";
export { defaultService, defaultServiceIPFamilies } from "./core/v1/service-defaults.js";
export { defaultEndpoints, defaultNamespace, defaultNode, defaultSecret, prepareNamespaceForCreate } from "./core/v1/core-defaults.js";
export { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "./apps/v1/workload-defaults.js";
export { defaultCronJob, defaultJob, defaultJobSpec } from "./batch/v1/job-defaults.js";
export { generateJobSelector } from "./batch/v1/job-selector.js";
export { defaultPullPolicy, parseImageReference } from "./core/v1/image-reference.js";
export { podQosClass, type QOSClass } from "./core/v1/pod-qos.js";
export { podInitialStatus, schedulingGatedMessage, type InitialPodStatus } from "./core/v1/pod-initial-status.js";

type Defaulter = (obj: never) => void;

const perWrite: Record<string, Defaulter> = {
  "/Pod": (pod: Pod) => {
    defaultPod(pod);
    admitPodOnCreate(pod);
  },
  "/Service": (svc: Service) => {
    defaultService(svc);
    defaultServiceIPFamilies(svc);
  },
  "/Secret": (s: Secret) => defaultSecret(s),
  "/Namespace": (ns: Namespace) => defaultNamespace(ns),
  "/Endpoints": (ep: Endpoints) => defaultEndpoints(ep),
  "/Node": (n: NodeObject) => defaultNode(n),
  "apps/Deployment": (d: Deployment) => defaultDeployment(d),
  "apps/ReplicaSet": (rs: ReplicaSet) => defaultReplicaSet(rs),
  "apps/StatefulSet": (ss: StatefulSet) => defaultStatefulSet(ss),
  "apps/DaemonSet": (ds: DaemonSet) => defaultDaemonSet(ds),
  "batch/Job": (j: Job) => defaultJob(j),
  "batch/CronJob": (cj: CronJob) => defaultCronJob(cj),
};

const onCreate: Record<string, Defaulter> = {
  "/Namespace": (ns: Namespace) => prepareNamespaceForCreate(ns),
  "batch/Job": (j: Job) => generateJobSelector(j),
};

/** Upstream defaulting for one object, mutating it. Kinds without defaults are left alone. */
export function applyDefaults(group: string, kind: string, obj: object): void {
  perWrite[`${group}/${kind}`]?.(obj as never);
}

/** Create-only additions (see the module comment); call after name, UID and status are set. */
export function applyCreateDefaults(group: string, kind: string, obj: object): void {
  onCreate[`${group}/${kind}`]?.(obj as never);
}
