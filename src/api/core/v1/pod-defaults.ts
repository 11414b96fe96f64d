/**
 * Pod defaulting as the API server applies it on every write (pkg/apis/core/v1/defaults.go:
 * SetDefaults_PodSpec for pods and pod templates alike, SetDefaults_Pod for pods only, and
 * the volume defaults). Admission-time additions (service account, priority, default
 * tolerations) live in pod-admission-defaults.ts because upstream applies them on create only.
 *
 * Functions mutate the object they are given, as upstream's SetDefaults functions do.
 */
import { formatQuantity, tryParseQuantity } from "../../meta/quantity.js";
import { defaultContainer, defaultObjectFieldSelector, defaultRequestsFromLimits, defaultResourceList } from "./container-defaults.js";
import type { Pod, PodSpec, PodTemplateSpec, Volume } from "./pod-types.js";

/** 0644: what secret, configMap, downwardAPI and projected files get unless told otherwise. */
export const volumeDefaultMode = 420;
export const defaultTerminationGracePeriodSeconds = 30;
export const defaultServiceAccountTokenExpirationSeconds = 3600;

/** The volume source keys of core/v1 VolumeSource; a volume naming none of them gets emptyDir. */
export const volumeSourceKeys = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
  "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
  "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk",
  "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
] as const;

export function defaultVolume(v: Volume): void {
  if (!volumeSourceKeys.some((k) => v[k] !== undefined && v[k] !== null)) v.emptyDir = {};
  if (v.emptyDir?.sizeLimit !== undefined) {
    const q = tryParseQuantity(v.emptyDir.sizeLimit);
    if (q.quantity) v.emptyDir.sizeLimit = formatQuantity(q.quantity);
  }
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = "";
  if (v.secret && v.secret.defaultMode === undefined) v.secret.defaultMode = volumeDefaultMode;
  if (v.configMap && v.configMap.defaultMode === undefined) v.configMap.defaultMode = volumeDefaultMode;
  if (v.downwardAPI) {
    if (v.downwardAPI.defaultMode === undefined) v.downwardAPI.defaultMode = volumeDefaultMode;
    for (const item of v.downwardAPI.items ?? []) defaultObjectFieldSelector(item.fieldRef);
  }
  if (v.projected) {
    if (v.projected.defaultMode === undefined) v.projected.defaultMode = volumeDefaultMode;
    for (const src of v.projected.sources ?? []) {
      for (const item of src.downwardAPI?.items ?? []) defaultObjectFieldSelector(item.fieldRef);
      if (src.serviceAccountToken && src.serviceAccountToken.expirationSeconds === undefined) {
        src.serviceAccountToken.expirationSeconds = defaultServiceAccountTokenExpirationSeconds;
      }
    }
  }
}

/**
 * Defaults shared by pods and every pod template (Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job, CronJob): SetDefaults_PodSpec plus the container and volume defaults.
 */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec.dnsPolicy) spec.dnsPolicy = "ClusterFirst";
  if (!spec.restartPolicy) spec.restartPolicy = "Always";
  if (!spec.securityContext) spec.securityContext = {};
  if (spec.terminationGracePeriodSeconds === undefined || spec.terminationGracePeriodSeconds === null) {
    spec.terminationGracePeriodSeconds = defaultTerminationGracePeriodSeconds;
  }
  if (!spec.schedulerName) spec.schedulerName = "default-scheduler";
  // v1 conversion: the deprecated serviceAccount field fills serviceAccountName and mirrors it.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  defaultResourceList(spec.overhead);
}

/** A pod template's defaults; the empty metadata serialises its zero creationTimestamp as null. */
export function defaultPodTemplateSpec(template: PodTemplateSpec): void {
  template.metadata ??= {};
  if (template.metadata.creationTimestamp === undefined) template.metadata.creationTimestamp = null;
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

/** With host networking the container port is the host port (defaultHostNetworkPorts). */
function defaultHostNetworkPorts(spec: PodSpec): void {
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}

/** Everything a Pod gets on every write: SetDefaults_Pod followed by the spec defaults. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= {};
  const spec = pod.spec;
  for (const c of spec.containers ?? []) defaultRequestsFromLimits(c);
  for (const c of spec.initContainers ?? []) defaultRequestsFromLimits(c);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  if (spec.hostNetwork) defaultHostNetworkPorts(spec);
  defaultPodSpec(spec);
}
