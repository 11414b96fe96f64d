/**
 * A PodSpec, whether in a Pod or in a template (pkg/apis/core/validation ValidatePodSpec),
 * checked in upstream's order so the causes kubectl prints come out in the same order.
 */
import { FieldPath, forbidden, goSyntaxValue, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { inclusiveRangeError, invalidIPMessage, parseIPFamily } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateDNS1123Label, validateDNS1123Subdomain, validateLabels } from "../../meta/object-meta-validation.js";
import { validateContainers, validateEphemeralContainers, validateInitContainers, type ContainerContext } from "./container-validation.js";
import type { PodSpec } from "./pod-types.js";
import { validateResourceRequirements } from "./resource-validation.js";
import { validateAffinity, validateReadinessGates, validateSchedulingGates, validateTolerations, validateTopologySpreadConstraints } from "./scheduling-validation.js";
import { validatePodSecurityContext } from "./security-context-validation.js";
import { validateVolumes } from "./volume-validation.js";

export interface PodSpecOptions {
  /** The spec belongs to a Pod, not a template: host ports must then equal container ports under hostNetwork. */
  readonly resourceIsPod: boolean;
}

const restartPolicies = ["Always", "OnFailure", "Never"];
const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const maxInt32 = 2147483647;

function validateEnum(value: string | undefined, allowed: readonly string[], path: FieldPath): FieldError[] {
  if (!value) return [required(path)];
  return allowed.includes(value) ? [] : [notSupported(path, value, allowed)];
}

function validateHostNetworkPorts(spec: PodSpec, path: FieldPath, opts: PodSpecOptions): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c, i) => {
    (c.ports ?? []).forEach((port, j) => {
      const hp = port.hostPort ?? 0;
      // Templates may leave hostPort 0: it is defaulted when the pod is created.
      if ((opts.resourceIsPod || hp !== 0) && hp !== (port.containerPort ?? 0)) {
        errs.push(invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"), hp,
          "must match `containerPort` when `hostNetwork` is true"));
      }
    });
  });
  return errs;
}

function validateDNSConfig(spec: PodSpec, path: FieldPath): FieldError[] {
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === "None") {
    if (!cfg) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (!cfg.nameservers?.length) {
      return [required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")];
    }
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const nameservers = cfg.nameservers ?? [];
  const searches = cfg.searches ?? [];
  if (nameservers.length > 3) errs.push(invalid(path.child("nameservers"), goSyntaxValue(goList(nameservers)), "must not have more than 3 nameservers"));
  nameservers.forEach((ns, i) => {
    if (!parseIPFamily(ns)) errs.push(invalid(path.child("nameservers").index(i), ns, invalidIPMessage));
  });
  if (searches.length > 32) errs.push(invalid(path.child("searches"), goSyntaxValue(goList(searches)), "must not have more than 32 search paths"));
  if (searches.join(" ").length > 2048) {
    errs.push(invalid(path.child("searches"), goSyntaxValue(goList(searches)), "must not have more than 2048 characters (including spaces) in the search list"));
  }
  // 1.32 keeps RelaxedDNSSearchValidation off: each search must be a DNS subdomain.
  searches.forEach((s, i) => errs.push(...validateDNS1123Subdomain(s.replace(/\.$/, ""), path.child("searches").index(i))));
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(path.child("options").index(i), "must not be empty"));
  });
  return errs;
}

function goList(list: readonly string[]): string {
  return `[]string{${list.map((s) => JSON.stringify(s)).join(", ")}}`;
}

function validateHostAliases(aliases: PodSpec["hostAliases"], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (aliases ?? []).forEach((a, i) => {
    const p = path.index(i);
    if (!parseIPFamily(a.ip ?? "")) errs.push(invalid(p.child("ip"), a.ip ?? "", invalidIPMessage));
    (a.hostnames ?? []).forEach((h, j) => errs.push(...validateDNS1123Subdomain(h, p.child("hostnames").index(j))));
  });
  return errs;
}

/** User namespaces cannot be combined with host namespaces (validateHostUsers). */
function validateHostUsers(spec: PodSpec, path: FieldPath): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork) errs.push(forbidden(path.child("hostNetwork"), "when `pod.Spec.HostUsers` is false"));
  if (spec.hostPID) errs.push(forbidden(path.child("HostPID"), "when `pod.Spec.HostUsers` is false"));
  if (spec.hostIPC) errs.push(forbidden(path.child("HostIPC"), "when `pod.Spec.HostUsers` is false"));
  return errs;
}

function validateOS(spec: PodSpec, path: FieldPath): FieldError[] {
  const os = spec.os;
  if (!os) return [];
  if (!os.name) return [required(path.child("os").child("name"), "cannot be empty")];
  if (os.name !== "linux" && os.name !== "windows") return [notSupported(path.child("os"), os.name, ["linux", "windows"])];
  if (os.name === "linux") {
    const errs: FieldError[] = [];
    if (spec.securityContext?.windowsOptions) {
      errs.push(forbidden(path.child("securityContext").child("windowsOptions"), "windows options cannot be set for a linux pod"));
    }
    for (const list of ["initContainers", "containers", "ephemeralContainers"] as const) {
      (spec[list] ?? []).forEach((c, i) => {
        if (c.securityContext?.windowsOptions) {
          errs.push(forbidden(path.child(list).index(i).child("securityContext").child("windowsOptions"),
            "windows options cannot be set for a linux pod"));
        }
      });
    }
    return errs;
  }
  return [];
}

export function validatePodSpec(spec: PodSpec, path: FieldPath, opts: PodSpecOptions): FieldError[] {
  const errs: FieldError[] = [];
  const gracePeriod = spec.terminationGracePeriodSeconds ?? undefined;
  if (gracePeriod === undefined) errs.push(required(path.child("terminationGracePeriodSeconds")));
  const { valid, errors } = validateVolumes(spec.volumes, path.child("volumes"));
  errs.push(...errors);
  const ctx: ContainerContext = {
    volumes: valid,
    gracePeriod,
    podRestartPolicy: spec.restartPolicy,
    hostUsers: spec.hostUsers !== false,
  };
  errs.push(...validateContainers(spec.containers, ctx, path.child("containers")));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, path.child("initContainers")));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, ctx, path.child("ephemeralContainers")));
  errs.push(...validateHostNetworkPorts(spec, path, opts));
  errs.push(...validateEnum(spec.restartPolicy, restartPolicies, path.child("restartPolicy")));
  errs.push(...validateEnum(spec.dnsPolicy, dnsPolicies, path.child("dnsPolicy")));
  errs.push(...validateLabels(spec.nodeSelector, path.child("nodeSelector")));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, path.child("securityContext")));
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (Object.keys(s).some((k) => k !== "name")) errs.push(invalid(path.child("imagePullSecrets").index(i), s, "only name may be set"));
  });
  errs.push(...validateAffinity(spec.affinity, path.child("affinity")));
  errs.push(...validateDNSConfig(spec, path.child("dnsConfig")));
  errs.push(...validateReadinessGates(spec.readinessGates, path.child("readinessGates")));
  errs.push(...validateSchedulingGates(spec.schedulingGates, path.child("schedulingGates")));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child("topologySpreadConstraints")));
  errs.push(...validateHostUsers(spec, path));
  if (spec.serviceAccountName) {
    for (const msg of nameIsDNSSubdomain(spec.serviceAccountName, false)) {
      errs.push(invalid(path.child("serviceAccountName"), spec.serviceAccountName, msg));
    }
  }
  if (spec.nodeName) {
    for (const msg of nameIsDNSSubdomain(spec.nodeName, false)) errs.push(invalid(path.child("nodeName"), spec.nodeName, msg));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > maxInt32) errs.push(invalid(path.child("activeDeadlineSeconds"), v, inclusiveRangeError(1, maxInt32)));
  }
  if (spec.hostname) errs.push(...validateDNS1123Label(spec.hostname, path.child("hostname")));
  if (spec.subdomain) errs.push(...validateDNS1123Label(spec.subdomain, path.child("subdomain")));
  if (spec.tolerations?.length) errs.push(...validateTolerations(spec.tolerations, path.child("tolerations")));
  if (spec.hostAliases?.length) errs.push(...validateHostAliases(spec.hostAliases, path.child("hostAliases")));
  if (spec.priorityClassName) {
    for (const msg of nameIsDNSSubdomain(spec.priorityClassName, false)) {
      errs.push(invalid(path.child("priorityClassName"), spec.priorityClassName, msg));
    }
  }
  if (spec.runtimeClassName !== undefined && spec.runtimeClassName !== null) {
    for (const msg of nameIsDNSSubdomain(spec.runtimeClassName, false)) {
      errs.push(invalid(path.child("runtimeClassName"), spec.runtimeClassName, msg));
    }
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null) {
    errs.push(...validateEnum(spec.preemptionPolicy, ["PreemptLowerPriority", "Never"], path.child("preemptionPolicy")));
  }
  if (spec.overhead) errs.push(...validateResourceRequirements({ limits: spec.overhead }, path.child("overhead")));
  errs.push(...validateOS(spec, path));
  return errs;
}
