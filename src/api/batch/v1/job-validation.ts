/**
 * batch/v1 Jobs and CronJobs (pkg/apis/batch/validation). A Job's selector is generated
 * from its UID (see generateJobSelector) unless manualSelector is set; its pods may restart
 * OnFailure or Never, never Always.
 */
import { duplicate, FieldPath, goSyntaxValue, invalid, notSupported, omitValue, required, tooLong, tooMany, type FieldError } from "../../meta/field-errors.js";
import { goLabelSelector, goStringMap } from "../../meta/go-syntax.js";
import { labelSelectorMatcher, validateLabelSelector } from "../../meta/label-selector-validation.js";
import { isDNS1123Label } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateImmutableField, validateNonnegativeField, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from "../../meta/object-meta-validation.js";
import { semanticEqual } from "../../meta/semantic-equal.js";
import type { PodTemplateSpec } from "../../core/v1/pod-types.js";
import { validatePodTemplateSpec } from "../../core/v1/pod-validation.js";
import { parseCronSchedule } from "./cron-schedule.js";
import { controllerUidLabel, jobNameLabel, legacyControllerUidLabel, legacyJobNameLabel } from "./job-selector.js";
import type { CronJob, Job, JobSpec, PodFailurePolicyRule } from "./job-defaults.js";

const specPath = FieldPath.root("spec");

/** The labels selector generation put on the template must still be there (ValidateHasLabel). */
function validateHasLabel(template: PodTemplateSpec | undefined, path: FieldPath, key: string, expected: string): FieldError[] {
  const labels = template?.metadata?.labels;
  if (!labels || !Object.hasOwn(labels, key)) return [required(path.child("labels").key(key), `must be '${expected}'`)];
  if (labels[key] !== expected) return [invalid(path.child("labels").key(key), goStringMap(labels), `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(job: Job): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true || !spec.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? "";
  const name = job.metadata?.name ?? "";
  if (!uid) errs.push(required(FieldPath.root("metadata").child("uid")));
  const tp = specPath.child("template").child("metadata");
  errs.push(...validateHasLabel(spec.template, tp, legacyControllerUidLabel, uid));
  errs.push(...validateHasLabel(spec.template, tp, legacyJobNameLabel, name));
  errs.push(...validateHasLabel(spec.template, tp, controllerUidLabel, uid));
  errs.push(...validateHasLabel(spec.template, tp, jobNameLabel, name));
  const expected = { [controllerUidLabel]: uid, [jobNameLabel]: name, [legacyControllerUidLabel]: uid, [legacyJobNameLabel]: name };
  const matcher = labelSelectorMatcher(spec.selector);
  if (matcher.ok && !matcher.matches(expected)) {
    errs.push(invalid(specPath.child("selector"), goLabelSelector(spec.selector), "`selector` not auto-generated"));
  }
  return errs;
}

function validatePodFailurePolicyRule(spec: JobSpec, rule: PodFailurePolicyRule, path: FieldPath, containerNames: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const actions = ["Count", "FailIndex", "FailJob", "Ignore"];
  const ap = path.child("action");
  if (!rule.action) errs.push(required(ap, `valid values: ["${actions.join('" "')}"]`));
  else if (rule.action === "FailIndex") {
    if (spec.backoffLimitPerIndex === undefined) errs.push(invalid(ap, rule.action, "requires the backoffLimitPerIndex to be set"));
  } else if (!actions.includes(rule.action)) errs.push(notSupported(ap, rule.action, actions));
  const codes = rule.onExitCodes;
  if (codes) {
    const cp = path.child("onExitCodes");
    const ops = ["In", "NotIn"];
    if (!codes.operator) errs.push(required(cp.child("operator"), `valid values: ["In" "NotIn"]`));
    else if (!ops.includes(codes.operator)) errs.push(notSupported(cp.child("operator"), codes.operator, ops));
    if (codes.containerName !== undefined && !containerNames.has(codes.containerName)) {
      errs.push(invalid(cp.child("containerName"), codes.containerName, "must be one of the container or initContainer names in the pod template"));
    }
    const values = codes.values ?? [];
    const vp = cp.child("values");
    if (!values.length) errs.push(invalid(vp, goSyntaxValue("[]int32(nil)"), "at least one value is required"));
    else if (values.length > 255) errs.push(tooMany(vp, values.length, 255));
    const seen = new Set<number>();
    values.forEach((v, j) => {
      if (codes.operator === "In" && v === 0) errs.push(invalid(vp.index(j), v, "must not be 0 for the In operator"));
      if (seen.has(v)) errs.push(duplicate(vp.index(j), v));
      seen.add(v);
    });
    if (values.some((v, j) => j > 0 && values[j - 1]! > v)) errs.push(invalid(vp, goSyntaxValue(`[]int32{${values.join(", ")}}`), "must be ordered"));
  }
  const conds = rule.onPodConditions ?? [];
  conds.forEach((c, j) => {
    const pp = path.child("onPodConditions").index(j);
    errs.push(...validateQualifiedName(c.type ?? "", pp.child("type")));
    const statuses = ["False", "True", "Unknown"];
    if (!c.status) errs.push(required(pp.child("status"), `valid values: ["False" "True" "Unknown"]`));
    else if (!statuses.includes(c.status)) errs.push(notSupported(pp.child("status"), c.status, statuses));
  });
  if (codes && conds.length) errs.push(invalid(path, omitValue, "specifying both OnExitCodes and OnPodConditions is not supported"));
  if (!codes && !conds.length) errs.push(invalid(path, omitValue, "specifying one of OnExitCodes and OnPodConditions is required"));
  return errs;
}

/** The JobSpec rules shared by Jobs and CronJob job templates (validateJobSpec). */
function validateJobSpecBody(spec: JobSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"] as const) {
    const v = spec[field];
    if (v !== undefined && v !== null) errs.push(...validateNonnegativeField(v, path.child(field)));
    if (field === "maxFailedIndexes" && v !== undefined && v !== null && spec.backoffLimitPerIndex === undefined) {
      errs.push(required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
    }
  }
  if (spec.managedBy !== undefined && spec.managedBy.length > 63) errs.push(tooLong(path.child("managedBy"), "", 63));
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== null) {
    if (mode !== "NonIndexed" && mode !== "Indexed") errs.push(notSupported(path.child("completionMode"), mode, ["NonIndexed", "Indexed"]));
    if (mode === "Indexed") {
      if (spec.completions === undefined || spec.completions === null) errs.push(required(path.child("completions"), "when completion mode is Indexed"));
      if ((spec.parallelism ?? 0) > 100000) {
        errs.push(invalid(path.child("parallelism"), spec.parallelism, "must be less than or equal to 100000 when completion mode is Indexed"));
      }
    }
  }
  if (!mode || mode === "NonIndexed") {
    if (spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null) {
      errs.push(invalid(path.child("backoffLimitPerIndex"), spec.backoffLimitPerIndex, "requires indexed completion mode"));
    }
    if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null) {
      errs.push(invalid(path.child("maxFailedIndexes"), spec.maxFailedIndexes, "requires indexed completion mode"));
    }
  }
  if (spec.podFailurePolicy) {
    const rules = spec.podFailurePolicy.rules ?? [];
    const rp = path.child("podFailurePolicy").child("rules");
    if (rules.length > 20) errs.push(tooMany(rp, rules.length, 20));
    const names = new Set([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c) => c.name ?? ""));
    rules.forEach((r, i) => errs.push(...validatePodFailurePolicyRule(spec, r, rp.index(i), names)));
  }
  if (spec.successPolicy && mode !== "Indexed") {
    errs.push(invalid(path.child("successPolicy"), goSyntaxValue("batch.SuccessPolicy{...}"), "requires indexed completion mode"));
  }
  if (spec.podReplacementPolicy !== undefined && spec.podReplacementPolicy !== null) {
    const rp = path.child("podReplacementPolicy");
    if (spec.podFailurePolicy) {
      if (spec.podReplacementPolicy !== "Failed") errs.push(notSupported(rp, spec.podReplacementPolicy, ["Failed"]));
    } else if (spec.podReplacementPolicy !== "Failed" && spec.podReplacementPolicy !== "TerminatingOrFailed") {
      errs.push(notSupported(rp, spec.podReplacementPolicy, ["Failed", "TerminatingOrFailed"]));
    }
  }
  const tp = path.child("template");
  errs.push(...validatePodTemplateSpec(spec.template, tp));
  // restartPolicy is defaulted to Always for templates, hence both cases land here.
  const policy = spec.template?.spec?.restartPolicy ?? "";
  const pp = tp.child("spec", "restartPolicy");
  if (policy === "Always" || policy === "") errs.push(required(pp, `valid values: "OnFailure", "Never"`));
  else if (policy !== "OnFailure" && policy !== "Never") errs.push(notSupported(pp, policy, ["OnFailure", "Never"]));
  else if (spec.podFailurePolicy && policy !== "Never") errs.push(invalid(pp, policy, `only "Never" is supported when podFailurePolicy is specified`));
  return errs;
}

function validateJobSpec(spec: JobSpec): FieldError[] {
  const errs = validateJobSpecBody(spec, specPath);
  if (!spec.selector) errs.push(required(specPath.child("selector")));
  else errs.push(...validateLabelSelector(spec.selector, specPath.child("selector")));
  const matcher = labelSelectorMatcher(spec.selector);
  if (matcher.ok && !matcher.matches(spec.template?.metadata?.labels)) {
    errs.push(invalid(specPath.child("template", "metadata", "labels"), goStringMap(spec.template?.metadata?.labels),
      "`selector` does not match template `labels`"));
  }
  return errs;
}

export function validateJob(job: Job): FieldError[] {
  const errs = validateObjectMeta(job.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateGeneratedSelector(job));
  const spec = job.spec ?? {};
  errs.push(...validateJobSpec(spec));
  if (spec.completionMode === "Indexed" && (spec.completions ?? 0) > 0) {
    // Indexed pods are named <job>-<index>, and that name must still be a DNS label.
    const hostname = `${job.metadata?.name ?? ""}-${spec.completions! - 1}`;
    if (isDNS1123Label(hostname).length) {
      errs.push(invalid(FieldPath.root("metadata").child("name"), job.metadata?.name ?? "",
        `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

/**
 * A Job's template is immutable, except that a suspended job that never started may change
 * its scheduling directives (AllowMutableSchedulingDirectives).
 */
export function validateJobUpdate(n: Job, o: Job): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  const ns = n.spec ?? {};
  const os = o.spec ?? {};
  errs.push(...validateJobSpec(ns));
  if (!semanticEqual(ns.completions, os.completions)) {
    const elastic = ns.completionMode === "Indexed" && ns.completions !== undefined;
    if (!elastic) errs.push(...validateImmutableField(ns.completions, os.completions, specPath.child("completions")));
    else if (ns.completions !== ns.parallelism) {
      errs.push(invalid(specPath.child("completions"), ns.completions, "can only be modified in tandem with spec.parallelism"));
    }
  }
  errs.push(...validateImmutableField(ns.selector, os.selector, specPath.child("selector")).map((e) => ({ ...e, badValue: goLabelSelector(ns.selector) })));
  const started = Boolean((o.status as { startTime?: string } | undefined)?.startTime);
  const schedulingMutable = os.suspend === true && !started;
  const comparable = (t: PodTemplateSpec | undefined): unknown => {
    if (!schedulingMutable) return t;
    const { metadata: _m, spec, ...rest } = t ?? {};
    const { nodeSelector: _n, tolerations: _t, affinity: _a, schedulingGates: _g, ...specRest } = spec ?? {};
    return { ...rest, spec: specRest };
  };
  if (!semanticEqual(comparable(ns.template), comparable(os.template))) {
    errs.push(invalid(specPath.child("template"), goSyntaxValue("core.PodTemplateSpec{...}"), "field is immutable"));
  }
  for (const field of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"] as const) {
    errs.push(...validateImmutableField(ns[field], os[field], specPath.child(field)));
  }
  return errs;
}

function validateTimeZone(tz: string | null | undefined, path: FieldPath): FieldError[] {
  if (tz === undefined || tz === null) return [];
  if (!tz) return [invalid(path, tz, "timeZone must be nil or non-empty string")];
  for (const part of tz.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) {
      return [invalid(path, tz, `unknown time zone ${tz}`)];
    }
  }
  if (tz.toLowerCase() === "local") return [invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")];
  return [];
}

function validateCronJobSpec(cj: CronJob, old: CronJob | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const spec = cj.spec ?? {};
  const schedule = spec.schedule ?? "";
  const sp = specPath.child("schedule");
  if (!schedule) {
    errs.push(required(sp));
  } else {
    const parsed = parseCronSchedule(schedule);
    if (parsed.error) errs.push(invalid(sp, schedule, parsed.error));
    const allowTZ = Boolean(old?.spec?.schedule?.includes("TZ"));
    if (allowTZ && schedule.includes("TZ") && spec.timeZone !== undefined && spec.timeZone !== null) {
      errs.push(invalid(sp, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
    } else if (!allowTZ && schedule.includes("TZ")) {
      errs.push(invalid(sp, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }
  if (spec.startingDeadlineSeconds !== undefined && spec.startingDeadlineSeconds !== null) {
    errs.push(...validateNonnegativeField(spec.startingDeadlineSeconds, specPath.child("startingDeadlineSeconds")));
  }
  if (!old || old.spec?.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, specPath.child("timeZone")));
  const policies = ["Allow", "Forbid", "Replace"];
  const cp = specPath.child("concurrencyPolicy");
  if (!spec.concurrencyPolicy) errs.push(required(cp));
  else if (!policies.includes(spec.concurrencyPolicy)) errs.push(notSupported(cp, spec.concurrencyPolicy, policies));
  const jtp = specPath.child("jobTemplate");
  const jobSpec = spec.jobTemplate?.spec ?? {};
  errs.push(...validateJobSpecBody(jobSpec, jtp.child("spec")));
  if (jobSpec.selector) errs.push(invalid(jtp.child("spec", "selector"), goLabelSelector(jobSpec.selector), "`selector` will be auto-generated"));
  if (jobSpec.manualSelector === true) errs.push(notSupported(jtp.child("spec", "manualSelector"), true, ["nil", "false"]));
  for (const field of ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"] as const) {
    const v = spec[field];
    if (v !== undefined && v !== null) errs.push(...validateNonnegativeField(v, specPath.child(field)));
  }
  return errs;
}

export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateCronJobSpec(cj, undefined));
  // Jobs are named <cronjob>-<11-character timestamp suffix> and must stay within 63 characters.
  const name = cj.metadata?.name ?? "";
  if (name.length > 52) errs.push(invalid(FieldPath.root("metadata").child("name"), name, "must be no more than 52 characters"));
  return errs;
}

export function validateCronJobUpdate(n: CronJob, o: CronJob): FieldError[] {
  return [...validateObjectMetaUpdate(n.metadata, o.metadata), ...validateCronJobSpec(n, o)];
}
