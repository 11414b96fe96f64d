/**
 * Defaults of apps/v1 workloads (pkg/apis/apps/v1/defaults.go), plus the pod template
 * defaults every workload gets through the generated defaulters.
 */
import { defaultPodTemplateSpec } from "../../core/v1/pod-defaults.js";
import type { ObjectMeta } from "../../meta/object.js";
import type { LabelSelector } from "../../meta/label-selector-validation.js";
import type { PodTemplateSpec } from "../../core/v1/pod-types.js";

type IntOrPercent = number | string;

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent } | null };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  volumeClaimTemplates?: Record<string, unknown>[];
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: IntOrPercent } | null };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  ordinals?: { start?: number };
}

export interface DaemonSetSpec {
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent } | null };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface Workload<S> {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: S;
  status?: Record<string, unknown>;
}

export type Deployment = Workload<DeploymentSpec>;
export type ReplicaSet = Workload<ReplicaSetSpec>;
export type StatefulSet = Workload<StatefulSetSpec>;
export type DaemonSet = Workload<DaemonSetSpec>;

const unset = (v: unknown): boolean => v === undefined || v === null;

function defaultTemplate(spec: { template?: PodTemplateSpec }): void {
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {});
  if (unset(spec.replicas)) spec.replicas = 1;
  const strategy = (spec.strategy ??= {});
  if (!strategy.type) strategy.type = "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    if (unset(ru.maxUnavailable)) ru.maxUnavailable = "25%";
    if (unset(ru.maxSurge)) ru.maxSurge = "25%";
  }
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  if (unset(spec.progressDeadlineSeconds)) spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {});
  if (unset(spec.replicas)) spec.replicas = 1;
  defaultTemplate(spec);
}

export function defaultStatefulSet(ss: StatefulSet): void {
  const spec = (ss.spec ??= {});
  if (!spec.podManagementPolicy) spec.podManagementPolicy = "OrderedReady";
  const us = (spec.updateStrategy ??= {});
  if (!us.type) {
    us.type = "RollingUpdate";
    us.rollingUpdate ??= {};
  }
  // An explicit RollingUpdate without rollingUpdate stays without a partition, as upstream.
  if (us.type === "RollingUpdate" && us.rollingUpdate && unset(us.rollingUpdate.partition)) us.rollingUpdate.partition = 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  if (!retention.whenDeleted) retention.whenDeleted = "Retain";
  if (!retention.whenScaled) retention.whenScaled = "Retain";
  if (unset(spec.replicas)) spec.replicas = 1;
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
}

export function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  if (!us.type) us.type = "RollingUpdate";
  if (us.type === "RollingUpdate") {
    const ru = (us.rollingUpdate ??= {});
    if (unset(ru.maxUnavailable)) ru.maxUnavailable = 1;
    if (unset(ru.maxSurge)) ru.maxSurge = 0;
  }
  if (unset(spec.revisionHistoryLimit)) spec.revisionHistoryLimit = 10;
  defaultTemplate(spec);
}
