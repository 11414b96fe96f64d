/**
 * Pod and container security contexts (pkg/apis/core/validation ValidateSecurityContext,
 * validatePodSpecSecurityContext, validateSeccompProfileField, ValidateAppArmorProfileField,
 * validateSysctls). Windows options are only checked for presence on Linux pods.
 */
import { duplicate, FieldPath, goSyntaxValue, invalid, notSupported, required, tooLong, type FieldError } from "../../meta/field-errors.js";
import { isValidGroupID, isValidUserID } from "../../meta/name-validation.js";
import { validateLocalDescendingPath } from "./volume-paths.js";
import type { AppArmorProfile, PodSecurityContext, SeccompProfile, SecurityContext } from "./pod-types.js";

export function validateSeccompProfile(sp: SeccompProfile | undefined, path: FieldPath): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const types = ["Localhost", "RuntimeDefault", "Unconfined"];
  if (!sp.type) errs.push(required(path.child("type"), "type is required when seccompProfile is set"));
  else if (!types.includes(sp.type)) errs.push(notSupported(path.child("type"), sp.type, types));
  if (sp.type === "Localhost") {
    if (sp.localhostProfile === undefined) {
      errs.push(required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"));
    } else {
      errs.push(...validateLocalDescendingPath(sp.localhostProfile, path.child("localhostProfile")));
    }
  } else if (sp.localhostProfile !== undefined) {
    errs.push(invalid(path.child("localhostProfile"), sp, "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

export function validateAppArmorProfile(p: AppArmorProfile | undefined, path: FieldPath): FieldError[] {
  if (!p) return [];
  const errs: FieldError[] = [];
  switch (p.type) {
    case "Localhost":
      if (p.localhostProfile === undefined) {
        errs.push(required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost"));
      } else {
        const trimmed = p.localhostProfile.trim();
        if (trimmed !== p.localhostProfile) {
          errs.push(invalid(path.child("localhostProfile"), p.localhostProfile, "must not be padded with whitespace"));
        } else if (trimmed === "") {
          errs.push(required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost"));
        }
        if (p.localhostProfile.length > 4095) errs.push(tooLong(path.child("localhostProfile"), "", 4095));
      }
      break;
    case "RuntimeDefault":
    case "Unconfined":
      if (p.localhostProfile !== undefined) {
        errs.push(invalid(path.child("localhostProfile"), p.localhostProfile, "can only be set when AppArmor type is Localhost"));
      }
      break;
    case undefined:
    case "":
      errs.push(required(path.child("type"), "type is required when appArmorProfile is set"));
      break;
    default:
      errs.push(notSupported(path.child("type"), p.type, ["Localhost", "RuntimeDefault", "Unconfined"]));
  }
  return errs;
}

/** A container's securityContext; privileged containers are allowed, as on kubeadm clusters. */
export function validateSecurityContext(sc: SecurityContext | undefined, path: FieldPath, hostUsers: boolean): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser !== undefined) for (const msg of isValidUserID(sc.runAsUser)) errs.push(invalid(path.child("runAsUser"), sc.runAsUser, msg));
  if (sc.runAsGroup !== undefined) for (const msg of isValidGroupID(sc.runAsGroup)) errs.push(invalid(path.child("runAsGroup"), sc.runAsGroup, msg));
  if (sc.procMount !== undefined) {
    if (sc.procMount !== "Default" && sc.procMount !== "Unmasked") {
      errs.push(notSupported(path.child("procMount"), sc.procMount, ["Default", "Unmasked"]));
    }
    if (hostUsers && sc.procMount === "Unmasked") {
      errs.push(invalid(path.child("procMount"), sc.procMount, "`hostUsers` must be false to use `Unmasked`"));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child("seccompProfile")));
  if (sc.allowPrivilegeEscalation === false) {
    const shown = goSyntaxValue("&core.SecurityContext{...}");
    if (sc.privileged === true) {
      errs.push(invalid(path, shown, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    }
    if (sc.capabilities?.add?.includes("CAP_SYS_ADMIN")) {
      errs.push(invalid(path, shown, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
    }
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, path.child("appArmorProfile")));
  return errs;
}

const sysctlSegment = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const sysctlRe = new RegExp(`^(${sysctlSegment}[\\./])*${sysctlSegment}$`);

export function validatePodSecurityContext(
  sc: PodSecurityContext | undefined,
  spec: { hostPID?: boolean; hostNetwork?: boolean; hostIPC?: boolean; shareProcessNamespace?: boolean },
  path: FieldPath,
): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.fsGroup !== undefined) for (const msg of isValidGroupID(sc.fsGroup)) errs.push(invalid(path.child("fsGroup"), sc.fsGroup, msg));
  if (sc.runAsUser !== undefined) for (const msg of isValidUserID(sc.runAsUser)) errs.push(invalid(path.child("runAsUser"), sc.runAsUser, msg));
  if (sc.runAsGroup !== undefined) for (const msg of isValidGroupID(sc.runAsGroup)) errs.push(invalid(path.child("runAsGroup"), sc.runAsGroup, msg));
  (sc.supplementalGroups ?? []).forEach((gid, i) => {
    for (const msg of isValidGroupID(gid)) errs.push(invalid(path.child("supplementalGroups").index(i), gid, msg));
  });
  // shareProcessNamespace sits in the pod security context in the internal API, hence this path.
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(path.child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  const seen = new Set<string>();
  (sc.sysctls ?? []).forEach((s, i) => {
    const p = path.child("sysctls").index(i).child("name");
    const name = s.name ?? "";
    if (!name) errs.push(required(p));
    else if (name.length > 253 || !sysctlRe.test(name)) {
      errs.push(invalid(p, name, `must have at most 253 characters and match regex ^(${sysctlSegment}[\\./])*${sysctlSegment}$`));
    } else if (seen.has(name)) errs.push(duplicate(p, name));
    if (spec.hostNetwork && name.startsWith("net.")) errs.push(invalid(p, name, "may not be specified when 'hostNetwork' is true"));
    if (spec.hostIPC && (name.startsWith("kernel.shm") || name.startsWith("kernel.msg") || name.startsWith("kernel.sem") || name.startsWith("fs.mqueue."))) {
      errs.push(invalid(p, name, "may not be specified when 'hostIPC' is true"));
    }
    seen.add(name);
  });
  if (sc.fsGroupChangePolicy !== undefined && sc.fsGroupChangePolicy !== "Always" && sc.fsGroupChangePolicy !== "OnRootMismatch") {
    errs.push(notSupported(path.child("fsGroupChangePolicy"), sc.fsGroupChangePolicy, ["Always", "OnRootMismatch"]));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child("seccompProfile")));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, path.child("appArmorProfile")));
  return errs;
}
