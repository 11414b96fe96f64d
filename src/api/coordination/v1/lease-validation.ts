/**
 * coordination.k8s.io/v1 Leases (pkg/apis/coordination/validation ValidateLease). Leases use
 * apimachinery's ObjectMeta rules directly, without core's finalizer-name check.
 */
import { FieldPath, forbidden, invalid, notSupported, type FieldError } from "../../meta/field-errors.js";
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from "../../meta/object-meta-validation.js";
import type { ObjectMeta } from "../../meta/object.js";

export interface Lease {
  metadata?: ObjectMeta;
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
    strategy?: string;
    preferredHolder?: string;
  };
}

const specPath = FieldPath.root("spec");

function validateLeaseSpec(lease: Lease): FieldError[] {
  const s = lease.spec ?? {};
  const errs: FieldError[] = [];
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds !== null && s.leaseDurationSeconds <= 0) {
    errs.push(invalid(specPath.child("leaseDurationSeconds"), s.leaseDurationSeconds, "must be greater than 0"));
  }
  if (s.leaseTransitions !== undefined && s.leaseTransitions !== null && s.leaseTransitions < 0) {
    errs.push(invalid(specPath.child("leaseTransitions"), s.leaseTransitions, "must be greater than or equal to 0"));
  }
  if (s.strategy !== undefined && s.strategy !== null) {
    // Upstream nests the field name twice here: spec.strategy.strategy.
    const p = specPath.child("strategy").child("strategy");
    if (!s.strategy.includes("/")) {
      if (s.strategy !== "OldestEmulationVersion") errs.push(notSupported(p, s.strategy, ["OldestEmulationVersion"]));
    } else {
      errs.push(...validateQualifiedName(s.strategy, p));
    }
  }
  if (s.preferredHolder && !s.strategy) errs.push(forbidden(specPath.child("preferredHolder"), "may only be specified if `strategy` is defined"));
  return errs;
}

export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain, kubeFinalizerNames: false });
  return [...errs, ...validateLeaseSpec(lease)];
}

export function validateLeaseUpdate(n: Lease, o: Lease): FieldError[] {
  return [...validateObjectMetaUpdate(n.metadata, o.metadata, FieldPath.root("metadata"), false), ...validateLeaseSpec(n)];
}
