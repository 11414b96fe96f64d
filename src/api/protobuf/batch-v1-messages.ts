/**
 * Field tables for Job and CronJob.
 *
 * Facts of k8s.io/api v0.32.4 batch/v1 (generated.proto field numbers, types.go JSON tags).
 */
import type { MessageTable } from "./message-spec.js";

export const batchV1Messages: MessageTable = {
  Job: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:JobSpec" },
    3: { json: "status", type: "message:JobStatus" },
  },
  CronJob: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:CronJobSpec" },
    3: { json: "status", type: "message:CronJobStatus" },
  },
  JobSpec: {
    1: { json: "parallelism", type: "int32", optional: true },
    2: { json: "completions", type: "int32", optional: true },
    3: { json: "activeDeadlineSeconds", type: "int64", optional: true },
    4: { json: "selector", type: "message:LabelSelector", optional: true },
    5: { json: "manualSelector", type: "bool", optional: true },
    6: { json: "template", type: "message:PodTemplateSpec" },
    7: { json: "backoffLimit", type: "int32", optional: true },
    8: { json: "ttlSecondsAfterFinished", type: "int32", optional: true },
    9: { json: "completionMode", type: "string", optional: true },
    10: { json: "suspend", type: "bool", optional: true },
    11: { json: "podFailurePolicy", type: "message:PodFailurePolicy", optional: true },
    12: { json: "backoffLimitPerIndex", type: "int32", optional: true },
    13: { json: "maxFailedIndexes", type: "int32", optional: true },
    14: { json: "podReplacementPolicy", type: "string", optional: true },
    15: { json: "managedBy", type: "string", optional: true },
    16: { json: "successPolicy", type: "message:SuccessPolicy", optional: true },
  },
  JobStatus: {
    1: { json: "conditions", type: "message:JobCondition", repeated: true },
    2: { json: "startTime", type: "message:Time", optional: true },
    3: { json: "completionTime", type: "message:Time", optional: true },
    4: { json: "active", type: "int32", omitEmpty: true },
    5: { json: "succeeded", type: "int32", omitEmpty: true },
    6: { json: "failed", type: "int32", omitEmpty: true },
    7: { json: "completedIndexes", type: "string", omitEmpty: true },
    8: { json: "uncountedTerminatedPods", type: "message:UncountedTerminatedPods", optional: true },
    9: { json: "ready", type: "int32", optional: true },
    10: { json: "failedIndexes", type: "string", optional: true },
    11: { json: "terminating", type: "int32", optional: true },
  },
  CronJobSpec: {
    1: { json: "schedule", type: "string" },
    2: { json: "startingDeadlineSeconds", type: "int64", optional: true },
    3: { json: "concurrencyPolicy", type: "string", omitEmpty: true },
    4: { json: "suspend", type: "bool", optional: true },
    5: { json: "jobTemplate", type: "message:JobTemplateSpec" },
    6: { json: "successfulJobsHistoryLimit", type: "int32", optional: true },
    7: { json: "failedJobsHistoryLimit", type: "int32", optional: true },
    8: { json: "timeZone", type: "string", optional: true },
  },
  CronJobStatus: {
    1: { json: "active", type: "message:ObjectReference", repeated: true },
    4: { json: "lastScheduleTime", type: "message:Time", optional: true },
    5: { json: "lastSuccessfulTime", type: "message:Time", optional: true },
  },
  PodFailurePolicy: {
    1: { json: "rules", type: "message:PodFailurePolicyRule", repeated: true },
  },
  SuccessPolicy: {
    1: { json: "rules", type: "message:SuccessPolicyRule", repeated: true },
  },
  JobCondition: {
    1: { json: "type", type: "string" },
    2: { json: "status", type: "string" },
    3: { json: "lastProbeTime", type: "message:Time" },
    4: { json: "lastTransitionTime", type: "message:Time" },
    5: { json: "reason", type: "string", omitEmpty: true },
    6: { json: "message", type: "string", omitEmpty: true },
  },
  UncountedTerminatedPods: {
    1: { json: "succeeded", type: "string", repeated: true },
    2: { json: "failed", type: "string", repeated: true },
  },
  JobTemplateSpec: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:JobSpec" },
  },
  PodFailurePolicyRule: {
    1: { json: "action", type: "string" },
    2: { json: "onExitCodes", type: "message:PodFailurePolicyOnExitCodesRequirement", optional: true },
    3: { json: "onPodConditions", type: "message:PodFailurePolicyOnPodConditionsPattern", repeated: true },
  },
  SuccessPolicyRule: {
    1: { json: "succeededIndexes", type: "string", optional: true },
    2: { json: "succeededCount", type: "int32", optional: true },
  },
  PodFailurePolicyOnExitCodesRequirement: {
    1: { json: "containerName", type: "string", optional: true },
    2: { json: "operator", type: "string" },
    3: { json: "values", type: "int32", repeated: true },
  },
  PodFailurePolicyOnPodConditionsPattern: {
    1: { json: "type", type: "string" },
    2: { json: "status", type: "string" },
  },
};
