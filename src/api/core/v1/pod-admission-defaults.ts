/**
 * What upstream's default admission plugins add to a pod when it is created
 * (plugin/pkg/admission/{serviceaccount,priority,defaulttolerationseconds}):
 *
 * - ServiceAccount: `serviceAccountName: default` (and its deprecated mirror). Gap: the
 *   projected `kube-api-access-<random>` token volume and its mounts are not added, because
 *   the service-account token machinery does not exist yet.
 * - Priority: `priority` from the named PriorityClass (0 when none is named, as there is no
 *   default class) and `preemptionPolicy: PreemptLowerPriority`. Rejecting unknown class
 *   names needs the PriorityClass objects and is left to the caller.
 * - DefaultTolerationSeconds: tolerate the not-ready and unreachable NoExecute taints for
 *   300 s unless the pod already tolerates them.
 */
import type { Pod, Toleration } from "./pod-types.js";

export const notReadyTaintKey = "node.kubernetes.io/not-ready";
export const unreachableTaintKey = "node.kubernetes.io/unreachable";
export const defaultTolerationSeconds = 300;

/** The two PriorityClasses every cluster has (scheduling/v1 SystemPriorityClasses). */
export const systemPriorityClasses: Readonly<Record<string, number>> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === "NoExecute" || !t.effect));
}

export function addDefaultTolerations(pod: Pod): void {
  pod.spec ??= {};
  const existing = pod.spec.tolerations ?? [];
  const added: Toleration[] = [];
  for (const key of [notReadyTaintKey, unreachableTaintKey]) {
    if (!tolerates(existing, key)) {
      added.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: defaultTolerationSeconds });
    }
  }
  if (added.length) pod.spec.tolerations = [...existing, ...added];
}

export function admitPodServiceAccount(pod: Pod): void {
  pod.spec ??= {};
  if (!pod.spec.serviceAccountName) pod.spec.serviceAccountName = pod.spec.serviceAccount || "default";
  pod.spec.serviceAccount = pod.spec.serviceAccountName;
}

export function admitPodPriority(pod: Pod): void {
  pod.spec ??= {};
  const spec = pod.spec;
  const className = spec.priorityClassName ?? "";
  if (className && !Object.hasOwn(systemPriorityClasses, className)) return;
  if (spec.priority === undefined || spec.priority === null) spec.priority = className ? systemPriorityClasses[className]! : 0;
  if (!spec.preemptionPolicy) spec.preemptionPolicy = "PreemptLowerPriority";
}

/** All create-time admission defaults, in upstream's plugin order. */
export function admitPodOnCreate(pod: Pod): void {
  admitPodServiceAccount(pod);
  admitPodPriority(pod);
  addDefaultTolerations(pod);
}
