/**
 * Environment variables and downward-API field references (pkg/apis/core/validation
 * ValidateEnv, ValidateEnvFrom, validateObjectFieldSelector,
 * validateContainerResourceFieldSelector; pkg/apis/core/pods ConvertDownwardAPIFieldLabel).
 */
import { FieldPath, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { isConfigMapKey, isRelaxedEnvVarName } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateQualifiedName } from "../../meta/object-meta-validation.js";
import { canonicalQuantity, tryParseQuantity } from "../../meta/quantity.js";
import type { EnvFromSource, EnvVar, KeySelector, ObjectFieldSelector, ResourceFieldSelector } from "./pod-types.js";

/** Fields an env var may read; a downwardAPI volume reads a different set. */
export const envFieldPaths = new Set([
  "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
  "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
]);
export const volumeFieldPaths = new Set(["metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations", "metadata.uid"]);

const resourceFieldPaths = new Set([
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
]);
const hugePagesPrefixes = ["limits.hugepages-", "requests.hugepages-"];

/** Fields the v1 downward API knows at all (ConvertDownwardAPIFieldLabel). */
const knownPodFieldLabels = new Set([
  "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
  "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
  "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
]);

/** `metadata.labels['app']` splits into the path and the subscript (fieldpath.SplitMaybeSubscriptedPath). */
export function splitSubscriptedPath(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return { path: s.slice(0, i), subscript: s.slice(i + 2) };
}

/** Validates a fieldRef against the allowed set of field paths. */
export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: Set<string>, path: FieldPath): FieldError[] {
  if (!fs.apiVersion) return [required(path.child("apiVersion"))];
  if (!fs.fieldPath) return [required(path.child("fieldPath"))];
  let label = fs.fieldPath;
  const sub = splitSubscriptedPath(label);
  let convertError: string | undefined;
  if (fs.apiVersion !== "v1") {
    convertError = `unsupported pod version: ${fs.apiVersion}`;
  } else if (sub) {
    if (sub.path !== "metadata.annotations" && sub.path !== "metadata.labels") {
      convertError = `field label does not support subscript: ${label}`;
    }
  } else if (label === "spec.host") {
    label = "spec.nodeName";
  } else if (!knownPodFieldLabels.has(label)) {
    convertError = `field label not supported: ${label}`;
  }
  if (convertError) return [invalid(path.child("fieldPath"), fs.fieldPath, `error converting fieldPath: ${convertError}`)];
  if (sub) {
    if (sub.path === "metadata.annotations") return validateQualifiedName(sub.subscript.toLowerCase(), path);
    return validateQualifiedName(sub.subscript, path);
  }
  if (!allowed.has(label)) return [notSupported(path.child("fieldPath"), label, [...allowed].sort())];
  return [];
}

const cpuDivisors = new Set(["1m", "1"]);
const byteDivisors = new Set(["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"]);

function validateDivisor(resource: string, divisor: string | number | undefined, path: FieldPath): FieldError[] {
  if (divisor === undefined) return [];
  const q = tryParseQuantity(divisor).quantity;
  if (!q || q.mantissa === 0n) return [];
  const text = canonicalQuantity(q);
  const errs: FieldError[] = [];
  const p = path.child("divisor");
  if ((resource === "limits.cpu" || resource === "requests.cpu") && !cpuDivisors.has(text)) {
    errs.push(invalid(p, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
  }
  if ((resource === "limits.memory" || resource === "requests.memory") && !byteDivisors.has(text)) {
    errs.push(invalid(p, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"));
  }
  if ((resource === "limits.ephemeral-storage" || resource === "requests.ephemeral-storage") && !byteDivisors.has(text)) {
    errs.push(invalid(p, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"));
  }
  if (hugePagesPrefixes.some((pre) => resource.startsWith(pre)) && !byteDivisors.has(text)) {
    errs.push(invalid(p, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"));
  }
  return errs;
}

/** A resourceFieldRef; volumes must name the container, env vars default to their own. */
export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: FieldPath, inVolume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = fs.resource ?? "";
  if (inVolume && !fs.containerName) {
    errs.push(required(path.child("containerName")));
  } else if (!resource) {
    errs.push(required(path.child("resource")));
  } else if (!resourceFieldPaths.has(resource) && !hugePagesPrefixes.some((p) => resource.startsWith(p))) {
    errs.push(notSupported(path.child("resource"), resource, [...resourceFieldPaths].sort()));
  }
  errs.push(...validateDivisor(resource, fs.divisor, path));
  return errs;
}

function validateKeySelector(s: KeySelector, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const msg of nameIsDNSSubdomain(s.name ?? "", false)) errs.push(invalid(path.child("name"), s.name ?? "", msg));
  if (!s.key) {
    errs.push(required(path.child("key")));
  } else {
    for (const msg of isConfigMapKey(s.key)) errs.push(invalid(path.child("key"), s.key, msg));
  }
  return errs;
}

function validateValueFrom(ev: EnvVar, path: FieldPath): FieldError[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, path.child("fieldRef")));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, path.child("resourceFieldRef"), false));
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, path.child("configMapKeyRef")));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, path.child("secretKeyRef")));
  }
  if (sources === 0) {
    errs.push(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  } else if (ev.value) {
    errs.push(invalid(path, "", "may not be specified when `value` is not empty"));
  } else if (sources > 1) {
    errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

export function validateEnv(vars: readonly EnvVar[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) {
      errs.push(required(p.child("name")));
    } else {
      for (const msg of isRelaxedEnvVarName(ev.name)) errs.push(invalid(p.child("name"), ev.name, msg));
    }
    errs.push(...validateValueFrom(ev, p.child("valueFrom")));
  });
  return errs;
}

export function validateEnvFrom(sources: readonly EnvFromSource[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (ev.prefix) {
      for (const msg of isRelaxedEnvVarName(ev.prefix)) errs.push(invalid(p.child("prefix"), ev.prefix, msg));
    }
    let n = 0;
    for (const [key, ref] of [["configMapRef", ev.configMapRef], ["secretRef", ev.secretRef]] as const) {
      if (!ref) continue;
      n++;
      const rp = p.child(key).child("name");
      if (!ref.name) errs.push(required(rp));
      else for (const msg of nameIsDNSSubdomain(ref.name, true)) errs.push(invalid(rp, ref.name, msg));
    }
    // Upstream reports these two at the list, not at the item.
    if (n === 0) errs.push(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (n > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}
