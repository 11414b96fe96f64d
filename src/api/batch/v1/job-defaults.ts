/**
 * Defaults of batch/v1 Job and CronJob (pkg/apis/batch/v1/defaults.go as of 1.32, with the
 * JobPodReplacementPolicy gate on), plus the pod template defaults.
 */
import { defaultPodTemplateSpec } from "../../core/v1/pod-defaults.js";
import type { PodTemplateSpec } from "../../core/v1/pod-types.js";
import type { LabelSelector } from "../../meta/label-selector-validation.js";
import type { ObjectMeta } from "../../meta/object.js";

export interface PodFailurePolicyRule {
  action?: string;
  onExitCodes?: { containerName?: string; operator?: string; values?: number[] } | null;
  onPodConditions?: { type?: string; status?: string }[];
}

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  podFailurePolicy?: { rules?: PodFailurePolicyRule[] } | null;
  successPolicy?: { rules?: { succeededIndexes?: string; succeededCount?: number }[] } | null;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template?: PodTemplateSpec;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  managedBy?: string;
}

export interface Job {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: JobSpec;
  status?: Record<string, unknown>;
}

export interface CronJobSpec {
  schedule?: string;
  timeZone?: string | null;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: string;
  suspend?: boolean;
  jobTemplate?: { metadata?: ObjectMeta; spec?: JobSpec };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export interface CronJob {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: CronJobSpec;
  status?: Record<string, unknown>;
}

const unset = (v: unknown): boolean => v === undefined || v === null;
const maxInt32 = 2147483647;

/** A Job's spec defaults (SetDefaults_Job). */
export function defaultJobSpec(spec: JobSpec): void {
  // A non-parallel job may leave both unset; then both are 1.
  if (unset(spec.completions) && unset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (unset(spec.parallelism)) spec.parallelism = 1;
  if (unset(spec.backoffLimit)) spec.backoffLimit = unset(spec.backoffLimitPerIndex) ? 6 : maxInt32;
  if (unset(spec.completionMode)) spec.completionMode = "NonIndexed";
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.podReplacementPolicy)) spec.podReplacementPolicy = spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  defaultJobSpecParts(spec);
}

/**
 * What the generated defaulters apply inside any JobSpec, including a CronJob's job
 * template, which (not being a Job) gets none of SetDefaults_Job's fields.
 */
function defaultJobSpecParts(spec: JobSpec): void {
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) {
      if (!pattern.status) pattern.status = "True";
    }
  }
  spec.template ??= {};
  defaultPodTemplateSpec(spec.template);
}

export function defaultJob(job: Job): void {
  const spec = (job.spec ??= {});
  defaultJobSpec(spec);
  // A job without labels of its own takes its template's (SetDefaults_Job).
  const templateLabels = spec.template?.metadata?.labels;
  job.metadata ??= {};
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
}

export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {});
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = "Allow";
  if (unset(spec.suspend)) spec.suspend = false;
  if (unset(spec.successfulJobsHistoryLimit)) spec.successfulJobsHistoryLimit = 3;
  if (unset(spec.failedJobsHistoryLimit)) spec.failedJobsHistoryLimit = 1;
  spec.jobTemplate ??= {};
  const jt = spec.jobTemplate;
  jt.metadata ??= {};
  if (jt.metadata.creationTimestamp === undefined) jt.metadata.creationTimestamp = null;
  jt.spec ??= {};
  defaultJobSpecParts(jt.spec);
}
