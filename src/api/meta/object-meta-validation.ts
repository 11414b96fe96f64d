/**
 * ObjectMeta rules every kind shares, as upstream ValidateObjectMeta / ValidateObjectMetaUpdate
 * (k8s.io/apimachinery/pkg/api/validation/objectmeta.go, plus the finalizer-name check that
 * pkg/apis/core/validation adds for built-in kinds).
 */
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from "./field-errors.js";
import {
  byteLength,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from "./name-validation.js";
import type { ObjectMeta, OwnerReference } from "./object.js";
import { goStringSlice } from "./go-syntax.js";
import { semanticEqual } from "./semantic-equal.js";

/** Validates a name; `prefix` is true for generateName, where a trailing '-' is fine. */
export type NameValidator = (name: string, prefix: boolean) => string[];

export const fieldImmutableErrorMsg = "field is immutable";
export const isNegativeErrorMsg = "must be greater than or equal to 0";
export const totalAnnotationSizeLimitBytes = 256 * 1024;

/**
 * Upstream's maskTrailingDash replaces the last *two* characters by "a" when the name ends
 * in '-' (it slices one character too many). Reproduced so generateName errors match.
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

export function validateNonnegativeField(value: number, path: FieldPath): FieldError[] {
  return value < 0 ? [invalid(path, value, isNegativeErrorMsg)] : [];
}

export function validateImmutableField(newVal: unknown, oldVal: unknown, path: FieldPath): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [invalid(path, newVal ?? null, fieldImmutableErrorMsg)];
}

export function validateQualifiedName(value: string, path: FieldPath): FieldError[] {
  return isQualifiedName(value).map((msg) => invalid(path, value, msg));
}

export function validateDNS1123Label(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(path, value, msg));
}

export function validateDNS1123Subdomain(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => invalid(path, value, msg));
}

/** Label keys and values. Upstream reports both at the map's path, not at the key. */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateQualifiedName(k, path));
    for (const msg of isValidLabelValue(String(v))) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** Annotation keys are qualified names compared case-insensitively; the total is capped at 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > totalAnnotationSizeLimitBytes) errs.push(tooLong(path, "", totalAnnotationSizeLimitBytes));
  return errs;
}

const standardFinalizers = new Set(["kubernetes", "orphan", "foregroundDeletion"]);
const nonStandardFinalizerMsg = "name is neither a standard finalizer name nor is it fully qualified";

/** One finalizer name with both checks reported at one path (core validateFinalizerName). */
export function validateFinalizerName(name: string, path: FieldPath): FieldError[] {
  const errs = validateQualifiedName(name, path);
  if (!name.includes("/") && !standardFinalizers.has(name)) errs.push(invalid(path, name, nonStandardFinalizerMsg));
  return errs;
}

/**
 * Finalizer names: qualified names (reported at the list's path), never both `orphan` and
 * `foregroundDeletion`, and for built-in kinds an unprefixed name must be a standard one
 * (reported at the item's index, pkg/apis/core/validation validateKubeFinalizerName).
 */
export function validateFinalizers(finalizers: readonly string[] | undefined, path: FieldPath, kubeNames = true): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateQualifiedName(f, path));
  if (list.includes("orphan") && list.includes("foregroundDeletion")) {
    errs.push(invalid(path, goStringSlice(list), "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  if (kubeNames) {
    list.forEach((f, i) => {
      if (!f.includes("/") && !standardFinalizers.has(f)) {
        errs.push(invalid(path.index(i), f, nonStandardFinalizerMsg));
      }
    });
  }
  return errs;
}

function splitAPIVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  if (i < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  for (const ref of refs ?? []) {
    const { group, version } = splitAPIVersion(ref.apiVersion ?? "");
    if (!version) errs.push(invalid(path.child("apiVersion"), ref.apiVersion ?? "", "version must not be empty"));
    if (!ref.kind) errs.push(invalid(path.child("kind"), ref.kind ?? "", "kind must not be empty"));
    if (!ref.name) errs.push(invalid(path.child("name"), ref.name ?? "", "name must not be empty"));
    if (!ref.uid) errs.push(invalid(path.child("uid"), ref.uid ?? "", "uid must not be empty"));
    // Events may not own anything: they are garbage themselves (upstream BannedOwners).
    if (group === "" && version === "v1" && ref.kind === "Event") {
      errs.push(invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(invalid(path, refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export interface ObjectMetaRules {
  /** Namespaced kinds need a namespace; cluster-scoped kinds may not have one. */
  readonly namespaced: boolean;
  readonly nameValidator: NameValidator;
  /** Built-in kinds also restrict unprefixed finalizer names (default true). */
  readonly kubeFinalizerNames?: boolean;
}

/** Metadata on create. Name generation must already have happened. */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  rules: ObjectMetaRules,
  path: FieldPath = FieldPath.root("metadata"),
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of rules.nameValidator(m.generateName, true)) {
      errs.push(invalid(path.child("generateName"), m.generateName, msg));
    }
  }
  if (!m.name) {
    errs.push(required(path.child("name"), "name or generateName is required"));
  } else {
    for (const msg of rules.nameValidator(m.name, false)) errs.push(invalid(path.child("name"), m.name, msg));
  }
  if (rules.namespaced) {
    if (!m.namespace) {
      errs.push(required(path.child("namespace")));
    } else {
      for (const msg of nameIsDNSLabel(m.namespace, false)) errs.push(invalid(path.child("namespace"), m.namespace, msg));
    }
  } else if (m.namespace) {
    errs.push(forbidden(path.child("namespace"), "not allowed on this type"));
  }
  errs.push(...validateNonnegativeField(m.generation ?? 0, path.child("generation")));
  errs.push(...validateLabels(m.labels, path.child("labels")));
  errs.push(...validateAnnotations(m.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, path.child("finalizers"), rules.kubeFinalizerNames ?? true));
  return errs;
}

/**
 * Metadata on update. Callers carry the old resourceVersion forward for unconditional
 * updates before calling this, as upstream's store does.
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path: FieldPath = FieldPath.root("metadata"),
  kubeFinalizerNames = true,
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const old = new Set(o.finalizers ?? []);
    const extra = [...new Set((n.finalizers ?? []).filter((f) => !old.has(f)))].sort();
    if (extra.length) {
      errs.push(forbidden(path.child("finalizers"),
        `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(", ")}}`));
    }
  }
  if (!n.resourceVersion) {
    errs.push(invalid(path.child("resourceVersion"), n.resourceVersion ?? "", "must be specified for an update"));
  }
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(invalid(path.child("generation"), n.generation ?? 0, "must not be decremented"));
  }
  errs.push(...validateImmutableField(n.name ?? "", o.name ?? "", path.child("name")));
  errs.push(...validateImmutableField(n.namespace ?? "", o.namespace ?? "", path.child("namespace")));
  errs.push(...validateImmutableField(n.uid ?? "", o.uid ?? "", path.child("uid")));
  errs.push(...validateImmutableField(n.creationTimestamp, o.creationTimestamp, path.child("creationTimestamp")));
  errs.push(...validateImmutableField(n.deletionTimestamp, o.deletionTimestamp, path.child("deletionTimestamp")));
  errs.push(...validateImmutableField(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds,
    path.child("deletionGracePeriodSeconds")));
  errs.push(...validateLabels(n.labels, path.child("labels")));
  errs.push(...validateAnnotations(n.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child("ownerReferences")));
  if (kubeFinalizerNames) {
    (n.finalizers ?? []).forEach((f, i) => {
      if (!f.includes("/") && !standardFinalizers.has(f)) {
        errs.push(invalid(path.child("finalizers").index(i), f, nonStandardFinalizerMsg));
      }
    });
  }
  return errs;
}
