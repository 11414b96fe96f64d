/**
 * A container's effective security context and what the runtime gets from it
 * (pkg/securitycontext util.go DetermineEffectiveSecurityContext, AddNoNewPrivileges;
 * pkg/kubelet/kuberuntime security_context.go, security_context_others.go verifyRunAsNonRoot).
 * Pod-level runAsUser/runAsGroup/runAsNonRoot apply unless the container sets its own.
 */
import type { Container, Pod, SecurityContext } from "../api/index.js";
import type { LinuxContainerSecurityContext } from "../runtime/index.js";
import { formatPod } from "./container-state.js";

/** The pod's security context with the container's fields laid over it. */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const podSc = pod.spec?.securityContext;
  const out: SecurityContext = {};
  if (podSc) {
    if (podSc.runAsUser !== undefined) out.runAsUser = podSc.runAsUser;
    if (podSc.runAsGroup !== undefined) out.runAsGroup = podSc.runAsGroup;
    if (podSc.runAsNonRoot !== undefined) out.runAsNonRoot = podSc.runAsNonRoot;
    if (podSc.seccompProfile) out.seccompProfile = podSc.seccompProfile;
    if (podSc.appArmorProfile) out.appArmorProfile = podSc.appArmorProfile;
    if (podSc.seLinuxOptions) out.seLinuxOptions = podSc.seLinuxOptions;
  }
  const sc = container.securityContext ?? {};
  for (const [k, v] of Object.entries(sc)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The user an image runs as, from its config's User (`name`, `uid`, `uid:gid`, `name:group`). */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/**
 * The image's User as containerd reports it: the part before ':', numeric → uid, else a
 * name; an image without a User runs as uid 0 (kubelet getImageUser).
 */
export function imageUser(user: string | undefined): ImageUser {
  const name = (user ?? "").split(":")[0] ?? "";
  if (name === "") return { uid: 0 };
  return /^[+-]?\d+$/.test(name) ? { uid: Number(name) } : { username: name };
}

/**
 * Why the container may not start under runAsNonRoot, or undefined when it may (upstream
 * verifyRunAsNonRoot; the agent reports the text as CreateContainerConfigError).
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, user: ImageUser): string | undefined {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return undefined;
  const where = `(pod: ${JSON.stringify(formatPod(pod))}, container: ${container.name ?? ""})`;
  if (sc.runAsUser !== undefined) {
    return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${where}` : undefined;
  }
  if (user.uid === 0) return `container has runAsNonRoot and image will run as root ${where}`;
  if (user.uid === undefined && user.username) {
    return `container has runAsNonRoot and image has non-numeric user (${user.username}), cannot verify user is non-root ${where}`;
  }
  return undefined;
}

/**
 * The runtime's security context: user and group (the image's user when the pod sets
 * none), fsGroup and supplementalGroups, capabilities, privileged, read-only rootfs,
 * no_new_privs when allowPrivilegeEscalation is false, and no masked or read-only /proc
 * paths for procMount Unmasked.
 */
export function runtimeSecurityContext(pod: Pod, container: Container, user: ImageUser): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const out: LinuxContainerSecurityContext = {};
  if (sc.capabilities) out.capabilities = { add: [...(sc.capabilities.add ?? [])], drop: [...(sc.capabilities.drop ?? [])] };
  if (sc.privileged !== undefined) out.privileged = sc.privileged;
  if (sc.runAsUser !== undefined) out.runAsUser = sc.runAsUser;
  else if (user.uid !== undefined) out.runAsUser = user.uid;
  else if (user.username) out.runAsUsername = user.username;
  if (sc.runAsGroup !== undefined) out.runAsGroup = sc.runAsGroup;
  if (sc.readOnlyRootFilesystem !== undefined) out.readonlyRootfs = sc.readOnlyRootFilesystem;
  const podSc = pod.spec?.securityContext;
  const groups = [...(podSc?.fsGroup !== undefined ? [podSc.fsGroup] : []), ...(podSc?.supplementalGroups ?? [])];
  if (groups.length > 0) out.supplementalGroups = groups;
  out.noNewPrivs = sc.allowPrivilegeEscalation === false;
  if (sc.procMount === "Unmasked") {
    out.maskedPaths = [];
    out.readonlyPaths = [];
  }
  return out;
}
