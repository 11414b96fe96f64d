/**
 * Job selector generation (pkg/registry/batch/job/strategy.go generateSelector): unless
 * manualSelector is set, a job selects its pods by its own UID, and its template gets the
 * labels that make that true. Needs the job's final name and UID, so it runs on create after
 * those are assigned.
 */
import type { Job } from "./job-defaults.js";

export const legacyJobNameLabel = "job-name";
export const jobNameLabel = "batch.kubernetes.io/job-name";
export const legacyControllerUidLabel = "controller-uid";
export const controllerUidLabel = "batch.kubernetes.io/controller-uid";

export function generateJobSelector(job: Job): void {
  const spec = (job.spec ??= {});
  if (spec.manualSelector === true) return;
  const name = job.metadata?.name ?? "";
  const uid = job.metadata?.uid ?? "";
  spec.template ??= {};
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  // Labels the user set are kept; a conflicting value is then refused by validation.
  for (const key of [legacyJobNameLabel, jobNameLabel]) if (!Object.hasOwn(labels, key)) labels[key] = name;
  for (const key of [legacyControllerUidLabel, controllerUidLabel]) if (!Object.hasOwn(labels, key)) labels[key] = uid;
  spec.selector ??= {};
  const matchLabels = (spec.selector.matchLabels ??= {});
  if (!Object.hasOwn(matchLabels, controllerUidLabel)) matchLabels[controllerUidLabel] = uid;
}
