/**
 * apps/v1 workloads (pkg/apis/apps/validation, plus the selector immutability that
 * pkg/registry/apps/<kind>/strategy.go enforces for apps/v1). Every workload's selector must
 * select its own pod template, and its pods must restart Always.
 */
import { FieldPath, forbidden, goSyntaxValue, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { goIntOrString, goLabelSelector, goStringMap } from "../../meta/go-syntax.js";
import { labelSelectorMatcher, validateLabelSelector, type LabelSelector } from "../../meta/label-selector-validation.js";
import { isValidPercent } from "../../meta/name-validation.js";
import {
  nameIsDNSLabel, nameIsDNSSubdomain, validateAnnotations, validateImmutableField, validateLabels, validateNonnegativeField,
  validateObjectMeta, validateObjectMetaUpdate,
} from "../../meta/object-meta-validation.js";
import type { PodTemplateSpec } from "../../core/v1/pod-types.js";
import { validatePodSpecificAnnotations, validatePodTemplateSpec } from "../../core/v1/pod-validation.js";
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "./workload-defaults.js";

type IntOrPercent = number | string | undefined;
const spec = FieldPath.root("spec");

export function validatePositiveIntOrPercent(v: IntOrPercent, path: FieldPath): FieldError[] {
  if (typeof v === "string") return isValidPercent(v).map((msg) => invalid(path, goIntOrString(v), msg));
  return validateNonnegativeField(v ?? 0, path);
}

function percentValue(v: IntOrPercent): number | undefined {
  return typeof v === "string" && isValidPercent(v).length === 0 ? Number.parseInt(v.slice(0, -1), 10) : undefined;
}

/** The number an int-or-percent stands for when checking "is it zero" (upstream getIntOrPercentValue). */
function intOrPercentValue(v: IntOrPercent): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === "number") return v;
  return /^[+-]?\d+$/.test(v ?? "") ? Number(v) : 0;
}

function notMoreThan100Percent(v: IntOrPercent, path: FieldPath): FieldError[] {
  const p = percentValue(v);
  return p !== undefined && p > 100 ? [invalid(path, goIntOrString(v), "must not be greater than 100%")] : [];
}

/** Required, well-formed, not empty, and convertible: what every workload selector must be. */
function validateWorkloadSelector(sel: LabelSelector | undefined, kindWord: string, path: FieldPath): FieldError[] {
  if (!sel) return [required(path)];
  const errs = validateLabelSelector(sel, path);
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions?.length ?? 0) === 0) {
    errs.push(invalid(path, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
  }
  return errs;
}

/** The selector must pick the template's pods; a missing selector picks nothing. */
function selectorMatchesTemplate(sel: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  const matcher = labelSelectorMatcher(sel);
  if (!matcher.ok) return [invalid(spec.child("selector"), goLabelSelector(sel), "invalid label selector")];
  const labels = template?.metadata?.labels;
  if (!matcher.empty && !matcher.matches(labels)) {
    return [invalid(path.child("metadata", "labels"), goStringMap(labels), "`selector` does not match template `labels`")];
  }
  return [];
}

function validateRestartAlways(template: PodTemplateSpec | undefined, path: FieldPath, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const policy = template?.spec?.restartPolicy ?? "";
  if (policy !== "Always") errs.push(notSupported(path.child("spec", "restartPolicy"), policy, ["Always"]));
  if (template?.spec?.activeDeadlineSeconds !== undefined && template.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child("spec", "activeDeadlineSeconds"), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** Deployments reuse the ReplicaSet template rules, message included. */
function validateReplicaSetTemplate(sel: LabelSelector | undefined, template: PodTemplateSpec | undefined): FieldError[] {
  const path = spec.child("template");
  const errs = selectorMatchesTemplate(sel, template, path);
  if (errs.length && errs[0]!.detail === "invalid label selector") return errs;
  errs.push(...validatePodTemplateSpec(template, path));
  errs.push(...validateRestartAlways(template, path, "ReplicaSet"));
  return errs;
}

function validateDeploymentStrategy(d: Deployment): FieldError[] {
  const s = d.spec?.strategy ?? {};
  const path = spec.child("strategy");
  switch (s.type) {
    case "Recreate":
      return s.rollingUpdate ? [forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case "RollingUpdate": {
      const ru = s.rollingUpdate;
      if (!ru) return [required(path.child("rollingUpdate"), "this should be defaulted and never be nil")];
      const rp = path.child("rollingUpdate");
      const errs = validatePositiveIntOrPercent(ru.maxUnavailable, rp.child("maxUnavailable"));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, rp.child("maxSurge")));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(rp.child("maxUnavailable"), goIntOrString(ru.maxUnavailable), "may not be 0 when `maxSurge` is 0"));
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, rp.child("maxUnavailable")));
      return errs;
    }
    default:
      return [notSupported(path, goSyntaxValue(`apps.DeploymentStrategy{Type:${JSON.stringify(s.type ?? "")}}`), ["Recreate", "RollingUpdate"])];
  }
}

export function validateDeployment(d: Deployment): FieldError[] {
  const errs = validateObjectMeta(d.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const s = d.spec ?? {};
  errs.push(...validateNonnegativeField(s.replicas ?? 0, spec.child("replicas")));
  errs.push(...validateWorkloadSelector(s.selector, "deployment", spec.child("selector")));
  errs.push(...validateReplicaSetTemplate(s.selector, s.template));
  errs.push(...validateDeploymentStrategy(d));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, spec.child("minReadySeconds")));
  if (s.revisionHistoryLimit !== undefined && s.revisionHistoryLimit !== null) {
    errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")));
  }
  if (s.progressDeadlineSeconds !== undefined && s.progressDeadlineSeconds !== null) {
    errs.push(...validateNonnegativeField(s.progressDeadlineSeconds, spec.child("progressDeadlineSeconds")));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(invalid(spec.child("progressDeadlineSeconds"), s.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const s = rs.spec ?? {};
  errs.push(...validateNonnegativeField(s.replicas ?? 0, spec.child("replicas")));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, spec.child("minReadySeconds")));
  // Upstream really says "deployment" for an empty ReplicaSet selector.
  errs.push(...validateWorkloadSelector(s.selector, "deployment", spec.child("selector")));
  errs.push(...validateReplicaSetTemplate(s.selector, s.template));
  return errs;
}

function validateRollingUpdateDaemonSet(ru: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent }, path: FieldPath): FieldError[] {
  const errs = validatePositiveIntOrPercent(ru.maxUnavailable, path.child("maxUnavailable"));
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge, path.child("maxSurge")));
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, path.child("maxUnavailable")));
  errs.push(...notMoreThan100Percent(ru.maxSurge, path.child("maxSurge")));
  const unavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
  const surge = intOrPercentValue(ru.maxSurge) !== 0;
  if (unavailable && surge) errs.push(invalid(path.child("maxSurge"), goIntOrString(ru.maxSurge), "may not be set when maxUnavailable is non-zero"));
  if (!unavailable && !surge) errs.push(required(path.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const s = ds.spec ?? {};
  const tp = spec.child("template");
  errs.push(...validateLabelSelector(s.selector, spec.child("selector")));
  const matcher = labelSelectorMatcher(s.selector);
  if (matcher.ok && !matcher.matches(s.template?.metadata?.labels)) {
    errs.push(invalid(tp.child("metadata", "labels"), goStringMap(s.template?.metadata?.labels), "`selector` does not match template `labels`"));
  }
  if (s.selector && Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions?.length ?? 0) === 0) {
    errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(s.template, tp));
  errs.push(...validateRestartAlways(s.template, tp, "DaemonSet"));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, spec.child("minReadySeconds")));
  const us = s.updateStrategy ?? {};
  const up = spec.child("updateStrategy");
  if (us.type === "RollingUpdate") {
    if (!us.rollingUpdate) errs.push(required(up.child("rollingUpdate")));
    else errs.push(...validateRollingUpdateDaemonSet(us.rollingUpdate, up.child("rollingUpdate")));
  } else if (us.type !== "OnDelete") {
    errs.push(notSupported(up, goSyntaxValue(`apps.DaemonSetUpdateStrategy{Type:${JSON.stringify(us.type ?? "")}}`), ["RollingUpdate", "OnDelete"]));
  }
  if (s.revisionHistoryLimit !== undefined && s.revisionHistoryLimit !== null) {
    errs.push(...validateNonnegativeField(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")));
  }
  return errs;
}

function validateStatefulSetSpec(ss: StatefulSet): FieldError[] {
  const errs: FieldError[] = [];
  const s = ss.spec ?? {};
  const pmp = s.podManagementPolicy ?? "";
  if (!pmp) errs.push(required(spec.child("podManagementPolicy")));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") errs.push(invalid(spec.child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = s.updateStrategy ?? {};
  const up = spec.child("updateStrategy");
  if (!us.type) {
    errs.push(required(up));
  } else if (us.type === "OnDelete") {
    if (us.rollingUpdate) errs.push(invalid(up.child("rollingUpdate"), goSyntaxValue("&apps.RollingUpdateStatefulSetStrategy{...}"), "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (us.type === "RollingUpdate") {
    const ru = us.rollingUpdate;
    if (ru) {
      const rp = up.child("rollingUpdate");
      errs.push(...validateNonnegativeField(ru.partition ?? 0, rp.child("partition")));
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, rp.child("maxUnavailable")));
        if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(rp.child("maxUnavailable"), goIntOrString(ru.maxUnavailable), "cannot be 0"));
        errs.push(...notMoreThan100Percent(ru.maxUnavailable, rp.child("maxUnavailable")));
      }
    }
  } else {
    errs.push(invalid(up, goSyntaxValue(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(us.type)}}`), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const field of ["whenDeleted", "whenScaled"] as const) {
      const v = retention[field] ?? "";
      if (v !== "Retain" && v !== "Delete") errs.push(notSupported(spec.child("persistentVolumeClaimRetentionPolicy", field), v, ["Retain", "Delete"]));
    }
  }
  errs.push(...validateNonnegativeField(s.replicas ?? 0, spec.child("replicas")));
  errs.push(...validateNonnegativeField(s.minReadySeconds ?? 0, spec.child("minReadySeconds")));
  if (s.ordinals) errs.push(...validateNonnegativeField(s.ordinals.start ?? 0, spec.child("ordinals.start")));
  const selErrs = s.selector ? validateLabelSelector(s.selector, spec.child("selector")) : [required(spec.child("selector"))];
  if (s.selector && Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions?.length ?? 0) === 0) {
    selErrs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), "empty selector is invalid for statefulset"));
  }
  errs.push(...selErrs);
  // Upstream checks only the template's metadata here, not its pod spec (a long-standing TODO).
  const tp = spec.child("template");
  const matcher = labelSelectorMatcher(s.selector);
  if (!matcher.ok) {
    errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), ""));
  } else {
    if (!matcher.empty && !matcher.matches(s.template?.metadata?.labels)) {
      errs.push(invalid(tp.child("metadata", "labels"), goStringMap(s.template?.metadata?.labels), "`selector` does not match template `labels`"));
    }
    errs.push(...validateLabels(s.template?.metadata?.labels, tp.child("labels")));
    errs.push(...validateAnnotations(s.template?.metadata?.annotations, tp.child("annotations")));
    errs.push(...validatePodSpecificAnnotations(s.template?.metadata?.annotations, s.template?.spec ?? {}, tp.child("annotations")));
  }
  errs.push(...validateRestartAlways(s.template, tp, "StatefulSet"));
  return errs;
}

export function validateStatefulSet(ss: StatefulSet): FieldError[] {
  const errs = validateObjectMeta(ss.metadata, { namespaced: true, nameValidator: nameIsDNSLabel });
  errs.push(...validateStatefulSetSpec(ss));
  return errs;
}

function selectorImmutable(n: { spec?: { selector?: LabelSelector } }, o: { spec?: { selector?: LabelSelector } }): FieldError[] {
  const errs = validateImmutableField(n.spec?.selector, o.spec?.selector, spec.child("selector"));
  return errs.map((e) => ({ ...e, badValue: goLabelSelector(n.spec?.selector) }));
}

export function validateDeploymentUpdate(n: Deployment, o: Deployment): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  const body = validateDeployment(n).filter((e) => !e.field.startsWith("metadata."));
  return [...errs, ...body, ...selectorImmutable(n, o)];
}

export function validateReplicaSetUpdate(n: ReplicaSet, o: ReplicaSet): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  const body = validateReplicaSet(n).filter((e) => !e.field.startsWith("metadata."));
  return [...errs, ...body, ...selectorImmutable(n, o)];
}

export function validateDaemonSetUpdate(n: DaemonSet, o: DaemonSet): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  const body = validateDaemonSet(n).filter((e) => !e.field.startsWith("metadata."));
  return [...errs, ...body, ...selectorImmutable(n, o)];
}

/** Only replicas, ordinals, template, update strategy, PVC retention and minReadySeconds may change. */
export function validateStatefulSetUpdate(n: StatefulSet, o: StatefulSet): FieldError[] {
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateStatefulSetSpec(n));
  const strip = (s: StatefulSet["spec"]) => {
    const { replicas: _r, ordinals: _o, template: _t, updateStrategy: _u, persistentVolumeClaimRetentionPolicy: _p, minReadySeconds: _m, ...rest } = s ?? {};
    return rest;
  };
  if (validateImmutableField(strip(n.spec), strip(o.spec), spec).length) {
    errs.push(forbidden(spec, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}
