/**
 * Containers of a pod spec: app, init (with sidecars) and ephemeral ones
 * (pkg/apis/core/validation validateContainers, validateInitContainers,
 * validateEphemeralContainers, validateContainerCommon, validateContainerPorts,
 * AccumulateUniqueHostPorts). Names are unique across all three lists.
 */
import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { isValidPortName, isValidPortNum } from "../../meta/name-validation.js";
import { validateDNS1123Label } from "../../meta/object-meta-validation.js";
import { validateEnv, validateEnvFrom } from "./env-validation.js";
import type { Container, ContainerPort, Volume } from "./pod-types.js";
import { validateLifecycle, validateLivenessProbe, validateReadinessProbe, validateStartupProbe } from "./probe-validation.js";
import { validateResourceRequirements } from "./resource-validation.js";
import { validateSecurityContext } from "./security-context-validation.js";
import { validateVolumeDevices, validateVolumeMounts } from "./volume-validation.js";

export const portProtocols = ["SCTP", "TCP", "UDP"];
const pullPolicies = ["Always", "IfNotPresent", "Never"];

export interface ContainerContext {
  readonly volumes: Map<string, Volume>;
  readonly gracePeriod: number | undefined;
  readonly podRestartPolicy: string | undefined;
  readonly hostUsers: boolean;
}

export function validateContainerPorts(ports: readonly ContainerPort[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const msg of msgs) errs.push(invalid(p.child("name"), port.name, msg));
      else if (names.has(port.name)) errs.push(duplicate(p.child("name"), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) {
      errs.push(required(p.child("containerPort")));
    } else {
      for (const msg of isValidPortNum(port.containerPort)) errs.push(invalid(p.child("containerPort"), port.containerPort, msg));
    }
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(invalid(p.child("hostPort"), port.hostPort, msg));
    if (!port.protocol) errs.push(required(p.child("protocol")));
    else if (!portProtocols.includes(port.protocol)) errs.push(notSupported(p.child("protocol"), port.protocol, portProtocols));
  });
  return errs;
}

/** Host ports may not collide; reported as `Duplicate value: "TCP//8080"` (protocol/hostIP/port). */
export function checkHostPortConflicts(containers: readonly Container[], path: FieldPath, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ""}/${port.hostIP ?? ""}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateResizePolicy(c: Container, path: FieldPath, podRestartPolicy: string | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (c.resizePolicy ?? []).forEach((rp, i) => {
    const name = rp.resourceName ?? "";
    if (seen.has(name)) errs.push(duplicate(path.index(i), name));
    seen.add(name);
    if (!name) errs.push(required(path));
    else if (name !== "cpu" && name !== "memory") errs.push(notSupported(path, name, ["cpu", "memory"]));
    const policy = rp.restartPolicy ?? "";
    if (!policy) errs.push(required(path));
    else if (policy !== "NotRequired" && policy !== "RestartContainer") errs.push(notSupported(path, policy, ["NotRequired", "RestartContainer"]));
    if (podRestartPolicy === "Never" && policy !== "NotRequired") {
      errs.push(invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

/** What every kind of container must satisfy (validateContainerCommon). */
export function validateContainerCommon(c: Container, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(path.child("name")));
  else errs.push(...validateDNS1123Label(c.name, path.child("name")));
  if (!c.image) errs.push(required(path.child("image")));
  const tmp = c.terminationMessagePolicy ?? "";
  if (!tmp) errs.push(required(path.child("terminationMessagePolicy")));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    errs.push(notSupported(path.child("terminationMessagePolicy"), tmp, ["File", "FallbackToLogsOnError"]));
  }
  errs.push(...validateContainerPorts(c.ports, path.child("ports")));
  errs.push(...validateEnv(c.env, path.child("env")));
  errs.push(...validateEnvFrom(c.envFrom, path.child("envFrom")));
  errs.push(...validateVolumeMounts(c, ctx.volumes, path.child("volumeMounts"), true));
  errs.push(...validateVolumeDevices(c, ctx.volumes, path.child("volumeDevices")));
  const pull = c.imagePullPolicy ?? "";
  if (!pull) errs.push(required(path.child("imagePullPolicy")));
  else if (!pullPolicies.includes(pull)) errs.push(notSupported(path.child("imagePullPolicy"), pull, pullPolicies));
  errs.push(...validateResourceRequirements(c.resources, path.child("resources")));
  errs.push(...validateResizePolicy(c, path.child("resizePolicy"), ctx.podRestartPolicy));
  errs.push(...validateSecurityContext(c.securityContext, path.child("securityContext"), ctx.hostUsers));
  return errs;
}

function validateProbesAndHooks(c: Container, ctx: ContainerContext, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, ctx.gracePeriod, path.child("lifecycle")));
  errs.push(...validateLivenessProbe(c.livenessProbe, ctx.gracePeriod, path.child("livenessProbe")));
  errs.push(...validateReadinessProbe(c.readinessProbe, ctx.gracePeriod, path.child("readinessProbe")));
  errs.push(...validateStartupProbe(c.startupProbe, ctx.gracePeriod, path.child("startupProbe")));
  return errs;
}

export function validateContainers(containers: readonly Container[] | undefined, ctx: ContainerContext, path: FieldPath): FieldError[] {
  if (!containers?.length) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    // Clashes with init or ephemeral names are reported on those lists.
    if (names.has(c.name ?? "")) errs.push(duplicate(p.child("name"), c.name ?? ""));
    else names.add(c.name ?? "");
    errs.push(...validateProbesAndHooks(c, ctx, p));
    if (c.restartPolicy !== undefined) errs.push(forbidden(p.child("restartPolicy"), "may not be set for non-init containers"));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

const initOnlyMessage = "may not be set for init containers without restartPolicy=Always";

/** Init containers; `restartPolicy: Always` makes one a sidecar, which may have probes and hooks. */
export function validateInitContainers(
  inits: readonly Container[] | undefined,
  regular: readonly Container[] | undefined,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name ?? ""));
  (inits ?? []).forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    let sidecar = false;
    if (c.restartPolicy !== undefined) {
      if (c.restartPolicy !== "Always") errs.push(notSupported(p.child("restartPolicy"), c.restartPolicy, ["Always"]));
      sidecar = c.restartPolicy === "Always";
    }
    if (names.has(c.name ?? "")) errs.push(duplicate(p.child("name"), c.name ?? ""));
    else if (c.name) names.add(c.name);
    // Init containers run one at a time, so host ports only clash within one of them.
    errs.push(...checkHostPortConflicts([c], path));
    if (sidecar) {
      errs.push(...validateProbesAndHooks(c, ctx, p));
    } else {
      for (const field of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"] as const) {
        if (c[field]) errs.push(forbidden(p.child(field), initOnlyMessage));
      }
    }
    if ((c.resizePolicy?.length ?? 0) > 0) errs.push(invalid(p.child("resizePolicy"), c.resizePolicy, "must not be set for init containers"));
  });
  return errs;
}

/** Fields an ephemeral container may set; anything else is refused (allowedEphemeralContainerFields). */
const ephemeralAllowed = new Set([
  "name", "image", "command", "args", "workingDir", "envFrom", "env", "volumeMounts", "volumeDevices",
  "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
  "targetContainerName",
]);
/** Go struct order of EphemeralContainerCommon, so errors come out in upstream's order. */
const ephemeralFieldOrder = [
  "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources", "resizePolicy", "restartPolicy",
  "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
  "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
];

function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === "" || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).some(isSet);
  return true;
}

export function validateEphemeralContainers(
  ephemeral: readonly Container[] | undefined,
  containers: readonly Container[] | undefined,
  inits: readonly Container[] | undefined,
  ctx: ContainerContext,
  path: FieldPath,
): FieldError[] {
  if (!ephemeral?.length) return [];
  const errs: FieldError[] = [];
  const others = new Set([...(containers ?? []), ...(inits ?? [])].map((c) => c.name ?? ""));
  const all = new Set(others);
  ephemeral.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, ctx, p));
    errs.push(...validateImageWhitespace(c, p));
    if (all.has(c.name ?? "")) errs.push(duplicate(p.child("name"), c.name ?? ""));
    else all.add(c.name ?? "");
    if (c.targetContainerName && !others.has(c.targetContainerName)) {
      errs.push(notFound(p.child("targetContainerName"), c.targetContainerName));
    }
    const record = c as Record<string, unknown>;
    for (const field of ephemeralFieldOrder) {
      if (!ephemeralAllowed.has(field) && isSet(record[field])) {
        errs.push(forbidden(p.child(field), "cannot be set for an Ephemeral Container"));
      }
    }
    (c.volumeMounts ?? []).forEach((m, j) => {
      const mp = p.child("volumeMounts").index(j);
      if (m.subPath) errs.push(forbidden(mp.child("subPath"), "cannot be set for an Ephemeral Container"));
      if (m.subPathExpr) errs.push(forbidden(mp.child("subPathExpr"), "cannot be set for an Ephemeral Container"));
    });
  });
  return errs;
}

/** Pods (not templates) may not carry an image with surrounding whitespace (validateContainerOnlyForPod). */
export function validateImageWhitespace(c: Container, path: FieldPath): FieldError[] {
  const image = c.image ?? "";
  return image.length !== image.trim().length ? [invalid(path.child("image"), image, "must not have leading or trailing whitespace")] : [];
}
