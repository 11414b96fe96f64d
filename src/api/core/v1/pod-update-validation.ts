/**
 * Which changes a running pod accepts (pkg/apis/core/validation ValidatePodUpdate,
 * ValidateContainerUpdates, validateOnlyAddedTolerations, validateOnlyDeletedSchedulingGates)
 * and what the status writer may change (ValidatePodStatusUpdate).
 *
 * A pod's spec is immutable except for container images, a shrinking activeDeadlineSeconds,
 * added tolerations, removed scheduling gates, a negative grace period turned into 1, and,
 * while still gated, added node selector entries. Anything else is refused with upstream's
 * message. Upstream appends a go-cmp diff of the Go structs, whose format is deliberately
 * unstable; Peapod appends a diff of the JSON fields instead, so only the first line of the
 * message matches upstream byte for byte.
 */
import { duplicate, FieldPath, forbidden, goSyntaxValue, invalid, required, type FieldError } from "../../meta/field-errors.js";
import { goStringMap } from "../../meta/go-syntax.js";
import { inclusiveRangeError, invalidIPMessage, parseIPFamily } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateImmutableField, validateObjectMetaUpdate, validateQualifiedName } from "../../meta/object-meta-validation.js";
import { semanticEqual } from "../../meta/semantic-equal.js";
import type { Container, Pod, PodSpec, Toleration } from "./pod-types.js";
import { mirrorPodAnnotation, validatePodSpecificAnnotations, validatePodUpdateShape } from "./pod-validation.js";
import { validateTolerations } from "./scheduling-validation.js";
import { jsonDiff } from "./spec-diff.js";

export const updatablePodSpecFields = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

export const podUpdateForbiddenPrefix = `pod updates may not change fields other than ${updatablePodSpecFields.join(",")}`;

const maxInt32 = 2147483647;

function validateAnnotationUpdates(newPod: Pod, oldPod: Pod, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const n = newPod.metadata?.annotations ?? {};
  const o = oldPod.metadata?.annotations ?? {};
  if (Object.hasOwn(o, mirrorPodAnnotation) && n[mirrorPodAnnotation] !== o[mirrorPodAnnotation]) {
    errs.push(forbidden(path.key(mirrorPodAnnotation), "may not remove or update mirror pod annotation"));
  }
  if (Object.hasOwn(n, mirrorPodAnnotation) && !Object.hasOwn(o, mirrorPodAnnotation)) {
    errs.push(forbidden(path.key(mirrorPodAnnotation), "may not add mirror pod annotation"));
  }
  errs.push(...validatePodSpecificAnnotations(n, newPod.spec ?? {}, path));
  return errs;
}

/** Containers may change their image only; their number may not change at all. */
function validateContainerUpdates(n: readonly Container[] | undefined, o: readonly Container[] | undefined, path: FieldPath): { errors: FieldError[]; stop: boolean } {
  if ((n?.length ?? 0) !== (o?.length ?? 0)) {
    return { errors: [forbidden(path, "pod updates may not add or remove containers")], stop: true };
  }
  const errors: FieldError[] = [];
  (n ?? []).forEach((c, i) => {
    const image = c.image ?? "";
    if (!image) errors.push(required(path.index(i).child("image")));
    if (image.trim().length !== image.length) {
      errors.push(invalid(path.index(i).child("image"), image, "must not have leading or trailing whitespace"));
    }
  });
  return { errors, stop: false };
}

const tolerationMatchKeys = ["key", "operator", "value", "effect"] as const;

function validateOnlyAddedTolerations(n: readonly Toleration[] | undefined, o: readonly Toleration[] | undefined, path: FieldPath): FieldError[] {
  for (const old of o ?? []) {
    const kept = (n ?? []).some((t) => tolerationMatchKeys.every((k) => (t[k] ?? "") === (old[k] ?? "")));
    if (!kept) return [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(n, path);
}

function validateOnlyDeletedSchedulingGates(n: PodSpec["schedulingGates"], o: PodSpec["schedulingGates"], path: FieldPath): FieldError[] {
  const old = new Set((o ?? []).map((g) => g.name ?? ""));
  const errs: FieldError[] = [];
  (n ?? []).forEach((g, i) => {
    const name = g.name ?? "";
    if (!old.has(name)) {
      errs.push(forbidden(path.index(i).child("name"), `only deletion is allowed, but found new scheduling gate '${name}'`));
    }
  });
  return errs;
}

/** The new spec with every change that is allowed undone, so what remains is forbidden. */
function mungeSpec(n: PodSpec, o: PodSpec, path: FieldPath, errs: FieldError[]): PodSpec {
  const munged: PodSpec = structuredClone(n);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: o.containers?.[i]?.image }));
  munged.initContainers = (munged.initContainers ?? []).map((c, i) => ({ ...c, image: o.initContainers?.[i]?.image }));
  munged.activeDeadlineSeconds = o.activeDeadlineSeconds;
  munged.schedulingGates = o.schedulingGates;
  munged.tolerations = o.tolerations;
  if ((o.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = o.terminationGracePeriodSeconds;
  }
  // A pod still held by scheduling gates may gain node selector entries (never lose or change them).
  if ((o.schedulingGates?.length ?? 0) > 0 && !semanticEqual(munged.nodeSelector, o.nodeSelector)) {
    const oldSel = o.nodeSelector ?? {};
    const newSel = munged.nodeSelector ?? {};
    if (Object.entries(oldSel).some(([k, v]) => newSel[k] !== v)) {
      errs.push(invalid(path.child("nodeSelector"), goStringMap(munged.nodeSelector),
        "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
    }
    munged.nodeSelector = o.nodeSelector;
  }
  return munged;
}

/** ValidatePodUpdate: metadata rules, the new pod's own validity, then the update rules. */
export function validatePodUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const metaPath = FieldPath.root("metadata");
  const specPath = FieldPath.root("spec");
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata, metaPath);
  errs.push(...validatePodUpdateShape(newPod));
  errs.push(...validateAnnotationUpdates(newPod, oldPod, metaPath.child("annotations")));
  const n = newPod.spec ?? {};
  const o = oldPod.spec ?? {};
  for (const list of ["containers", "initContainers"] as const) {
    const r = validateContainerUpdates(n[list], o[list], specPath.child(list));
    errs.push(...r.errors);
    if (r.stop) return errs;
  }
  const adsPath = specPath.child("activeDeadlineSeconds");
  const newADS = n.activeDeadlineSeconds ?? undefined;
  const oldADS = o.activeDeadlineSeconds ?? undefined;
  if (newADS !== undefined) {
    if (newADS < 0 || newADS > maxInt32) return [...errs, invalid(adsPath, newADS, inclusiveRangeError(0, maxInt32))];
    if (oldADS !== undefined && oldADS < newADS) return [...errs, invalid(adsPath, newADS, "must be less than or equal to previous value")];
  } else if (oldADS !== undefined) {
    errs.push(invalid(adsPath, null, "must not update from a positive integer to nil value"));
  }
  errs.push(...validateOnlyAddedTolerations(n.tolerations, o.tolerations, specPath.child("tolerations")));
  errs.push(...validateOnlyDeletedSchedulingGates(n.schedulingGates, o.schedulingGates, specPath.child("schedulingGates")));
  if (semanticEqual(n, o)) return errs;
  const munged = mungeSpec(n, o, specPath, errs);
  if (!semanticEqual(munged, o)) {
    errs.push(forbidden(specPath, `${podUpdateForbiddenPrefix}\n${jsonDiff("v1.PodSpec", o, munged)}`));
  }
  return errs;
}

interface ContainerStatus {
  name?: string;
  state?: { terminated?: { exitCode?: number } | null; [k: string]: unknown };
}

/** A container that ended for good (per restart policy) may not be reported running again. */
function validateStateTransitions(
  n: readonly ContainerStatus[] | undefined,
  o: readonly ContainerStatus[] | undefined,
  path: FieldPath,
  mayRestart: (old: ContainerStatus) => boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  (o ?? []).forEach((old, i) => {
    if (!old.state?.terminated || mayRestart(old)) return;
    for (const s of n ?? []) {
      if (s.name === old.name && !s.state?.terminated) {
        errs.push(forbidden(path.index(i).child("state"), "may not be transitioned to non-terminated state"));
      }
    }
  });
  return errs;
}

function validateIPList(list: readonly { ip?: string }[] | undefined, path: FieldPath, goType: string): FieldError[] {
  const errs: FieldError[] = [];
  const ips = list ?? [];
  const goItem = (p: { ip?: string }) => `core.${goType}{IP:${JSON.stringify(p.ip ?? "")}}`;
  ips.forEach((p, i) => {
    if (!parseIPFamily(p.ip ?? "")) errs.push(invalid(path.index(i), p.ip ?? "", invalidIPMessage));
  });
  if (ips.length > 1) {
    const families = ips.map((p) => parseIPFamily(p.ip ?? ""));
    if (ips.length > 2 || families[0] === families[1]) {
      errs.push(invalid(path, goSyntaxValue(`[]core.${goType}{${ips.map(goItem).join(", ")}}`), "may specify no more than one IP for each IP family"));
    }
    const seen = new Set<string>();
    ips.forEach((p, i) => {
      if (seen.has(p.ip ?? "")) errs.push(duplicate(path.index(i), goSyntaxValue(goItem(p))));
      seen.add(p.ip ?? "");
    });
  }
  return errs;
}

const systemConditions = new Set(["PodScheduled", "Ready", "Initialized"]);

/** ValidatePodStatusUpdate: what the node agent (or anyone using /status) may write. */
export function validatePodStatusUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const metaPath = FieldPath.root("metadata");
  const statusPath = FieldPath.root("status");
  const errs = validateObjectMetaUpdate(newPod.metadata, oldPod.metadata, metaPath);
  errs.push(...validateAnnotationUpdates(newPod, oldPod, metaPath.child("annotations")));
  const status = (newPod.status ?? {}) as Record<string, unknown>;
  const oldStatus = (oldPod.status ?? {}) as Record<string, unknown>;
  // Upstream reports custom condition types under metadata (sic).
  ((status["conditions"] ?? []) as { type?: string }[]).forEach((c, i) => {
    if (!systemConditions.has(c.type ?? "")) errs.push(...validateQualifiedName(c.type ?? "", metaPath.child("conditions").index(i).child("Type")));
  });
  if ((newPod.spec?.nodeName ?? "") !== (oldPod.spec?.nodeName ?? "")) {
    errs.push(forbidden(statusPath.child("nodeName"), "may not be changed directly"));
  }
  const nominated = (status["nominatedNodeName"] ?? "") as string;
  if (nominated && nominated !== oldStatus["nominatedNodeName"]) {
    for (const msg of nameIsDNSSubdomain(nominated, false)) errs.push(invalid(statusPath.child("nominatedNodeName"), nominated, msg));
  }
  errs.push(...validateImmutableField(status["qosClass"] ?? "", oldStatus["qosClass"] ?? "", statusPath.child("qosClass")));
  const policy = oldPod.spec?.restartPolicy;
  const failedMayRestart = (s: ContainerStatus) => policy === "Always" || ((s.state?.terminated?.exitCode ?? 0) !== 0 && policy === "OnFailure");
  errs.push(...validateStateTransitions(status["containerStatuses"] as ContainerStatus[], oldStatus["containerStatuses"] as ContainerStatus[],
    statusPath.child("containerStatuses"), failedMayRestart));
  const sidecars = new Set((oldPod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  errs.push(...validateStateTransitions(status["initContainerStatuses"] as ContainerStatus[], oldStatus["initContainerStatuses"] as ContainerStatus[],
    statusPath.child("initContainerStatuses"), (s) => failedMayRestart(s) || sidecars.has(s.name)));
  errs.push(...validateStateTransitions(status["ephemeralContainerStatuses"] as ContainerStatus[],
    oldStatus["ephemeralContainerStatuses"] as ContainerStatus[], statusPath.child("ephemeralContainerStatuses"), () => false));
  errs.push(...validateIPList(status["podIPs"] as { ip?: string }[], statusPath.child("podIPs"), "PodIP"));
  const hostIPs = (status["hostIPs"] ?? []) as { ip?: string }[];
  if (hostIPs.length > 0) {
    if ((status["hostIP"] ?? "") !== (hostIPs[0]!.ip ?? "")) {
      errs.push(invalid(statusPath.child("hostIPs").index(0).child("ip"), hostIPs[0]!.ip ?? "", "must be equal to `hostIP`"));
    }
    errs.push(...validateIPList(hostIPs, statusPath.child("hostIPs"), "HostIP"));
  }
  return errs;
}
