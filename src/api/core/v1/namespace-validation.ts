/**
 * Namespaces (pkg/apis/core/validation ValidateNamespace, ValidateNamespaceUpdate,
 * ValidateNamespaceStatusUpdate, ValidateNamespaceFinalizeUpdate).
 */
import { FieldPath, invalid, type FieldError } from "../../meta/field-errors.js";
import { nameIsDNSLabel, validateFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from "../../meta/object-meta-validation.js";
import type { Namespace } from "./core-defaults.js";

const finalizersPath = FieldPath.root("spec").child("finalizers");

/** Spec finalizer names: `kubernetes` or qualified names. */
function validateSpecFinalizers(ns: Namespace, indexed: boolean): FieldError[] {
  return (ns.spec?.finalizers ?? []).flatMap((f, i) => validateFinalizerName(f, indexed ? finalizersPath.index(i) : finalizersPath));
}

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: nameIsDNSLabel });
  errs.push(...validateSpecFinalizers(ns, false));
  return errs;
}

export function validateNamespaceUpdate(newNs: Namespace, oldNs: Namespace): FieldError[] {
  return validateObjectMetaUpdate(newNs.metadata, oldNs.metadata);
}

/** The phase follows deletion: Active until deletionTimestamp is set, then Terminating. */
export function validateNamespaceStatusUpdate(newNs: Namespace, oldNs: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(newNs.metadata, oldNs.metadata);
  const phase = newNs.status?.phase ?? "";
  const path = FieldPath.root("status").child("Phase");
  if (!newNs.metadata?.deletionTimestamp) {
    if (phase !== "Active") errs.push(invalid(path, phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== "Terminating") {
    errs.push(invalid(path, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

export function validateNamespaceFinalizeUpdate(newNs: Namespace, oldNs: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(newNs.metadata, oldNs.metadata);
  errs.push(...validateSpecFinalizers(newNs, true));
  return errs;
}
