/**
 * Pods and pod templates (pkg/apis/core/validation ValidatePodCreate,
 * validatePodMetadataAndSpec, ValidatePodSpecificAnnotations, ValidatePodTemplateSpec).
 *
 * Objects are validated after defaulting, as upstream does: a missing
 * terminationGracePeriodSeconds or restartPolicy is only an error when defaults did not run.
 */
import { FieldPath, forbidden, invalid, type FieldError } from "../../meta/field-errors.js";
import { nameIsDNSSubdomain, validateAnnotations, validateLabels, validateObjectMeta } from "../../meta/object-meta-validation.js";
import { validateImageWhitespace } from "./container-validation.js";
import type { Pod, PodSpec, PodTemplateSpec } from "./pod-types.js";
import { validatePodSpec, type PodSpecOptions } from "./pod-spec-validation.js";

export const mirrorPodAnnotation = "kubernetes.io/config.mirror";
export const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

/** Annotations with a meaning for pods; the deletion cost must be an int32. */
export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  if (Object.hasOwn(a, mirrorPodAnnotation) && !spec.nodeName) {
    errs.push(invalid(path.key(mirrorPodAnnotation), a[mirrorPodAnnotation], "must set spec.nodeName if mirror pod annotation is set"));
  }
  if (Object.hasOwn(a, podDeletionCostAnnotation)) {
    const v = a[podDeletionCostAnnotation]!;
    const n = /^[+-]?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
      errs.push(invalid(path.key(podDeletionCostAnnotation), v, "must be a 32bit integer"));
    }
  }
  return errs;
}

function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const metaPath = FieldPath.root("metadata");
  const specPath = FieldPath.root("spec");
  const spec = pod.spec ?? {};
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }, metaPath);
  errs.push(...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, metaPath.child("annotations")));
  errs.push(...validatePodSpec(spec, specPath, { resourceIsPod: true }));
  // A token projection without a service account has nothing to sign a token for.
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v, vi) => {
      (v.projected?.sources ?? []).forEach((src, si) => {
        if (src.serviceAccountToken) {
          errs.push(forbidden(specPath.child("volumes").index(vi).child("projected").child("sources").index(si).child("serviceAccountToken"),
            "must not be specified when serviceAccountName is not set"));
        }
      });
    });
  }
  (spec.containers ?? []).forEach((c, i) => errs.push(...validateImageWhitespace(c, specPath.child("containers").index(i))));
  (spec.initContainers ?? []).forEach((c, i) => errs.push(...validateImageWhitespace(c, specPath.child("initContainers").index(i))));
  return errs;
}

/** Everything upstream checks when a pod is created. */
export function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const specPath = FieldPath.root("spec");
  const spec = pod.spec ?? {};
  // Ephemeral containers are added later through the ephemeralcontainers subresource only.
  if (spec.ephemeralContainers?.length) errs.push(forbidden(specPath.child("ephemeralContainers"), "cannot be set on create"));
  if (spec.nodeName && spec.schedulingGates?.length) {
    errs.push(forbidden(specPath.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

/** The parts of pod validation a pod update also runs (the spec rules apply to the new pod as a whole). */
export function validatePodUpdateShape(pod: Pod): FieldError[] {
  return validatePodMetadataAndSpec(pod);
}

/** A pod template inside a workload; its metadata carries only labels and annotations. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: FieldPath, opts: PodSpecOptions = { resourceIsPod: false }): FieldError[] {
  const t = template ?? {};
  const spec = t.spec ?? {};
  const errs = validateLabels(t.metadata?.labels, path.child("labels"));
  errs.push(...validateAnnotations(t.metadata?.annotations, path.child("annotations")));
  errs.push(...validatePodSpecificAnnotations(t.metadata?.annotations, spec, path.child("annotations")));
  errs.push(...validatePodSpec(spec, path.child("spec"), opts));
  if (spec.ephemeralContainers?.length) {
    errs.push(forbidden(path.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  }
  return errs;
}
