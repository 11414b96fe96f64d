/**
 * The scheduling-related parts of a pod spec (pkg/apis/core/validation ValidateTolerations,
 * validateAffinity, ValidateNodeSelector, validateTopologySpreadConstraints,
 * validateReadinessGates, validateSchedulingGates).
 */
import { duplicate, FieldPath, forbidden, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { isValidLabelValue } from "../../meta/name-validation.js";
import { nameIsDNSLabel, nameIsDNSSubdomain, validateQualifiedName } from "../../meta/object-meta-validation.js";
import { validateLabelSelector, type LabelSelector } from "../../meta/label-selector-validation.js";
import type { Toleration } from "./pod-types.js";

const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function validateTaintEffect(effect: string, allowEmpty: boolean, path: FieldPath): FieldError[] {
  if (!allowEmpty && !effect) return [required(path)];
  return taintEffects.includes(effect) ? [] : [notSupported(path, effect, taintEffects)];
}

export function validateTolerations(tolerations: readonly Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    const key = t.key ?? "";
    const op = t.operator ?? "";
    if (key) errs.push(...validateQualifiedName(key, p.child("key")));
    // An empty key with Exists tolerates every taint; with Equal it means nothing.
    if (!key && op !== "Exists") {
      errs.push(invalid(p.child("operator"), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== "NoExecute") {
      errs.push(invalid(p.child("effect"), t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case "Equal":
      case "": {
        const msgs = isValidLabelValue(t.value ?? "");
        if (msgs.length) errs.push(invalid(p.child("operator"), t.value ?? "", msgs.join(";")));
        break;
      }
      case "Exists":
        if (t.value) errs.push(invalid(p.child("operator"), t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(p.child("operator"), op, ["Equal", "Exists"]));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, p.child("effect")));
  });
  return errs;
}

interface NodeSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}
interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

function validateNodeSelectorRequirement(r: NodeSelectorRequirement, checkValues: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
    case "NotIn":
      if (!values.length) errs.push(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length) errs.push(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(required(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(path.child("operator"), r.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateQualifiedName(r.key ?? "", path.child("key")));
  if (checkValues) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(path.child("values").index(i), v, msg));
    });
  }
  return errs;
}

function validateNodeFieldSelectorRequirement(r: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (r.operator === "In" || r.operator === "NotIn") {
    if ((r.values ?? []).length !== 1) {
      errs.push(required(path.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(invalid(path.child("operator"), r.operator ?? "", "not a valid selector operator"));
  }
  if (r.key !== "metadata.name") {
    errs.push(invalid(path.child("key"), r.key ?? "", "not a valid field selector key"));
  } else {
    (r.values ?? []).forEach((v, i) => {
      for (const msg of nameIsDNSSubdomain(v, false)) errs.push(invalid(path.child("values").index(i), v, msg));
    });
  }
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm, checkValues: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (term.matchExpressions ?? []).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, checkValues, path.child("matchExpressions").index(j))));
  (term.matchFields ?? []).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(r, path.child("matchFields").index(j))));
  return errs;
}

interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
  topologyKey?: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

function validatePodAffinityTerm(t: PodAffinityTerm, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(t.labelSelector, path.child("labelSelector")));
  errs.push(...validateLabelSelector(t.namespaceSelector, path.child("namespaceSelector")));
  for (const ns of t.namespaces ?? []) {
    for (const msg of nameIsDNSLabel(ns, false)) errs.push(invalid(path.child("namespace"), ns, msg));
  }
  for (const field of ["matchLabelKeys", "mismatchLabelKeys"] as const) {
    const keys = t[field] ?? [];
    if (!keys.length) continue;
    if (!t.labelSelector) {
      errs.push(forbidden(path.child(field), "must not be specified when labelSelector is not set"));
      continue;
    }
    keys.forEach((k, i) => errs.push(...validateQualifiedName(k, path.child(field).index(i))));
  }
  if (!t.topologyKey) errs.push(required(path.child("topologyKey"), "can not be empty"));
  errs.push(...validateQualifiedName(t.topologyKey ?? "", path.child("topologyKey")));
  return errs;
}

function validateWeight(weight: number | undefined, path: FieldPath): FieldError[] {
  const w = weight ?? 0;
  return w <= 0 || w > 100 ? [invalid(path, w, "must be in the range 1-100")] : [];
}

export function validateAffinity(affinity: Record<string, unknown> | undefined, path: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const na = affinity["nodeAffinity"] as Record<string, unknown> | undefined;
  if (na) {
    const np = path.child("nodeAffinity");
    const req = na["requiredDuringSchedulingIgnoredDuringExecution"] as { nodeSelectorTerms?: NodeSelectorTerm[] } | undefined;
    if (req) {
      const tp = np.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms");
      const terms = req.nodeSelectorTerms ?? [];
      if (!terms.length) errs.push(required(tp, "must have at least one node selector term"));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, true, tp.index(i))));
    }
    // Preferred terms may name label values that do not exist yet, so values are not checked.
    const pref = (na["preferredDuringSchedulingIgnoredDuringExecution"] ?? []) as { weight?: number; preference?: NodeSelectorTerm }[];
    pref.forEach((t, i) => {
      const p = np.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
      errs.push(...validateWeight(t.weight, p.child("weight")));
      errs.push(...validateNodeSelectorTerm(t.preference ?? {}, false, p.child("preference")));
    });
  }
  for (const kind of ["podAffinity", "podAntiAffinity"] as const) {
    const pa = affinity[kind] as Record<string, unknown> | undefined;
    if (!pa) continue;
    const pp = path.child(kind);
    const req = (pa["requiredDuringSchedulingIgnoredDuringExecution"] ?? []) as PodAffinityTerm[];
    req.forEach((t, i) => errs.push(...validatePodAffinityTerm(t, pp.child("requiredDuringSchedulingIgnoredDuringExecution").index(i))));
    const pref = (pa["preferredDuringSchedulingIgnoredDuringExecution"] ?? []) as { weight?: number; podAffinityTerm?: PodAffinityTerm }[];
    pref.forEach((t, i) => {
      const p = pp.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
      errs.push(...validateWeight(t.weight, p.child("weight")));
      errs.push(...validatePodAffinityTerm(t.podAffinityTerm ?? {}, p.child("podAffinityTerm")));
    });
  }
  return errs;
}

interface TopologySpreadConstraint {
  maxSkew?: number;
  topologyKey?: string;
  whenUnsatisfiable?: string;
  labelSelector?: LabelSelector;
  minDomains?: number;
  nodeAffinityPolicy?: string;
  nodeTaintsPolicy?: string;
  matchLabelKeys?: string[];
}

export function validateTopologySpreadConstraints(list: readonly TopologySpreadConstraint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const all = list ?? [];
  all.forEach((c, i) => {
    const p = path.index(i);
    if ((c.maxSkew ?? 0) <= 0) errs.push(invalid(p.child("maxSkew"), c.maxSkew ?? 0, "must be greater than zero"));
    if (!c.topologyKey) errs.push(required(p.child("topologyKey"), "can not be empty"));
    const actions = ["DoNotSchedule", "ScheduleAnyway"];
    if (!actions.includes(c.whenUnsatisfiable ?? "")) errs.push(notSupported(p.child("whenUnsatisfiable"), c.whenUnsatisfiable ?? "", actions));
    if (all.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(duplicate(p.child("{topologyKey, whenUnsatisfiable}"), `{${c.topologyKey ?? ""}, ${c.whenUnsatisfiable ?? ""}}`));
    }
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (c.minDomains <= 0) errs.push(invalid(p.child("minDomains"), c.minDomains, "must be greater than zero"));
      if (c.whenUnsatisfiable !== "DoNotSchedule") {
        errs.push(invalid(p.child("minDomains"), c.minDomains,
          `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ""}`));
      }
    }
    for (const field of ["nodeAffinityPolicy", "nodeTaintsPolicy"] as const) {
      const v = c[field];
      if (v !== undefined && v !== "Honor" && v !== "Ignore") errs.push(notSupported(p.child(field), v, ["Honor", "Ignore"]));
    }
    errs.push(...validateLabelSelector(c.labelSelector, p.child("labelSelector")));
  });
  return errs;
}

export function validateReadinessGates(gates: readonly { conditionType?: string }[] | undefined, path: FieldPath): FieldError[] {
  return (gates ?? []).flatMap((g, i) => validateQualifiedName(g.conditionType ?? "", path.index(i).child("conditionType")));
}

export function validateSchedulingGates(gates: readonly { name?: string }[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (gates ?? []).forEach((g, i) => {
    const name = g.name ?? "";
    errs.push(...validateQualifiedName(name, path.index(i)));
    if (seen.has(name)) errs.push(duplicate(path.index(i), name));
    seen.add(name);
  });
  return errs;
}
