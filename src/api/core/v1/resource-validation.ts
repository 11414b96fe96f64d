/**
 * Compute resource requirements (pkg/apis/core/validation validateResourceRequirements,
 * validateContainerResourceName, ValidateResourceQuantityValue; names from
 * pkg/apis/core/helper).
 */
import { FieldPath, forbidden, invalid, required, type FieldError } from "../../meta/field-errors.js";
import { isQualifiedName } from "../../meta/name-validation.js";
import { compareQuantities, formatQuantity, quantityMilliValue, quantitySign, tryParseQuantity, type Quantity } from "../../meta/quantity.js";
import type { ResourceList, ResourceRequirements } from "./pod-types.js";

const standardResources = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
  "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
  "services.nodeports", "services.loadbalancers",
]);
const integerResources = new Set([
  "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
  "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
]);
const hugePagesPrefix = "hugepages-";

const isHugePages = (name: string) => name.startsWith(hugePagesPrefix);
const isStandardResourceName = (name: string) =>
  standardResources.has(name) || isHugePages(name) || name.startsWith("requests.hugepages-");
const isStandardContainerResourceName = (name: string) =>
  name === "cpu" || name === "memory" || name === "ephemeral-storage" || isHugePages(name);

/** Unprefixed names and `*kubernetes.io/` names belong to Kubernetes itself. */
export function isNativeResource(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

/** Device-plugin style resources, such as `example.com/gpu`. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith("requests.")) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Resources that may be requested below their limit (all native ones but huge pages). */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePages(name);
}

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length) return errs;
  const unprefixed = !name.includes("/");
  if (unprefixed && !isStandardResourceName(name)) {
    errs.push(invalid(path, name, "must be a standard resource type or fully qualified"));
  }
  if (unprefixed) {
    if (!isStandardContainerResourceName(name)) errs.push(invalid(path, name, "must be a standard resource for containers"));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a list entry, reporting an unparsable quantity at its key. */
function quantityAt(raw: string | number, path: FieldPath, errs: FieldError[]): Quantity | undefined {
  const parsed = tryParseQuantity(raw);
  if (!parsed.quantity) errs.push(invalid(path, raw, parsed.error!));
  return parsed.quantity;
}

export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (quantitySign(q) < 0) errs.push(invalid(path, formatQuantity(q), "must be greater than or equal to 0"));
  if ((integerResources.has(name) || isExtendedResourceName(name)) && quantityMilliValue(q) % 1000n !== 0n) {
    errs.push(invalid(path, formatQuantity(q), "must be an integer"));
  }
  return errs;
}

function parseList(list: ResourceList | undefined, path: FieldPath, errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const p = path.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    out.set(name, q);
  }
  return out;
}

export function validateResourceRequirements(r: ResourceRequirements | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = path.child("limits");
  const reqPath = path.child("requests");
  const limits = parseList(r?.limits, limPath, errs);
  const requests = parseList(r?.requests, reqPath, errs);
  for (const [name, req] of requests) {
    const lim = limits.get(name);
    if (lim) {
      // Resources that cannot be overcommitted (huge pages, extended resources) need request == limit.
      if (compareQuantities(req, lim) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(reqPath, formatQuantity(req), `must be equal to ${name} limit of ${formatQuantity(lim)}`));
      } else if (compareQuantities(req, lim) > 0) {
        errs.push(invalid(reqPath, formatQuantity(req), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`));
      }
    } else if (!isOvercommitAllowed(name) && !(r?.limits && Object.hasOwn(r.limits, name))) {
      errs.push(required(limPath, "Limit must be set for non overcommitable resources"));
    }
  }
  const names = [...limits.keys(), ...requests.keys()];
  const hasCpuOrMemory = names.some((n) => n === "cpu" || n === "memory");
  if (!hasCpuOrMemory && names.some(isHugePages)) errs.push(forbidden(path, "HugePages require cpu or memory"));
  if ((r?.claims?.length ?? 0) > 0) {
    (r!.claims ?? []).forEach((c, i) => {
      if (!c.name) errs.push(required(path.child("claims").index(i)));
    });
  }
  return errs;
}
