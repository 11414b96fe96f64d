/**
 * Warnings (not errors) upstream returns when pods and pod templates are written
 * (pkg/registry/core/pod/strategy.go WarningsOnCreate, pkg/api/pod/warnings.go). kubectl
 * prints them as `Warning: ...` and the write succeeds.
 */
import { FieldPath } from "../../meta/field-errors.js";
import { isDNS1123Label } from "../../meta/name-validation.js";
import type { ContainerPort, Pod, PodSpec } from "./pod-types.js";

/**
 * Two declarations of one port and protocol: exact duplicates, or a host port that makes
 * the other redundant or ambiguous. Containers share the pod's network, so both cannot bind.
 */
export function portWarnings(spec: PodSpec, specPath: FieldPath): string[] {
  const warnings: string[] = [];
  const seen = new Map<string, { path: string; port: ContainerPort }[]>();
  for (const list of ["initContainers", "containers", "ephemeralContainers"] as const) {
    (spec[list] ?? []).forEach((c, ci) => {
      (c.ports ?? []).forEach((port, pi) => {
        const path = specPath.child(list).index(ci).child("ports").index(pi).toString();
        const hostIP = port.hostIP ?? "";
        const hostPort = port.hostPort ?? 0;
        if (hostIP && !hostPort) {
          warnings.push(`${path}: hostIP set without hostPort: {Name:${port.name ?? ""} HostPort:${hostPort} ContainerPort:${port.containerPort ?? 0} Protocol:${port.protocol ?? ""} HostIP:${hostIP}}`);
        }
        const key = `${port.containerPort ?? 0}/${port.protocol ?? ""}`;
        const others = seen.get(key) ?? [];
        for (const other of others) {
          const otherIP = other.port.hostIP ?? "";
          const otherPort = other.port.hostPort ?? 0;
          if (hostIP === otherIP && hostPort === otherPort) {
            warnings.push(`${path}: duplicate port definition with ${other.path}`);
          } else if (hostPort === 0 || otherPort === 0) {
            warnings.push(`${path}: overlapping port definition with ${other.path}`);
          } else if (hostPort === otherPort && (hostIP === "") !== (otherIP === "")) {
            warnings.push(`${path}: dangerously ambiguous port definition with ${other.path}`);
          }
        }
        seen.set(key, [...others, { path, port }]);
      });
    });
  }
  return warnings;
}

/** A new pod: a name that is a valid subdomain but no DNS label makes a surprising hostname. */
export function podWarningsOnCreate(pod: Pod): string[] {
  const warnings: string[] = [];
  const name = pod.metadata?.name ?? "";
  const msgs = isDNS1123Label(name);
  if (name && msgs.length) {
    warnings.push(`metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(" ")}]`);
  }
  warnings.push(...portWarnings(pod.spec ?? {}, FieldPath.root("spec")));
  return warnings;
}
