/**
 * The roles Peapod grants before RBAC exists, taken from upstream's bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): `system:masters` may do everything,
 * and `system:nodes` holds what the `system:node` ClusterRole grants a kubelet. A node agent
 * joining with the node token therefore reaches exactly what a kubelet would.
 */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

const read = ["get", "list", "watch"];

export const bootstrapPolicy: Readonly<Record<string, readonly PolicyRule[]>> = {
  "system:masters": [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
  "system:nodes": [
    { verbs: ["create", "get", "list", "watch", "patch", "update"], apiGroups: [""], resources: ["nodes"] },
    { verbs: ["patch", "update"], apiGroups: [""], resources: ["nodes/status"] },
    { verbs: [...read, "create", "delete"], apiGroups: [""], resources: ["pods"] },
    { verbs: ["patch", "update"], apiGroups: [""], resources: ["pods/status"] },
    { verbs: ["create"], apiGroups: [""], resources: ["pods/eviction"] },
    { verbs: read, apiGroups: [""], resources: ["services", "endpoints", "configmaps", "secrets", "persistentvolumeclaims", "persistentvolumes"] },
    { verbs: ["create", "patch", "update"], apiGroups: ["", "events.k8s.io"], resources: ["events"] },
    { verbs: ["get", "create", "update", "patch", "delete"], apiGroups: ["coordination.k8s.io"], resources: ["leases"] },
    { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"] },
    { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews", "localsubjectaccessreviews"] },
    { verbs: ["create"], apiGroups: [""], resources: ["serviceaccounts/token"] },
  ],
};

/** RBAC's rule match: "*" matches anything, "pods/*" every subresource of pods. */
export function ruleAllows(rule: PolicyRule, verb: string, group: string, resource: string): boolean {
  const base = resource.split("/")[0];
  return (rule.verbs.includes("*") || rule.verbs.includes(verb))
    && (rule.apiGroups.includes("*") || rule.apiGroups.includes(group))
    && (rule.resources.includes("*") || rule.resources.includes(resource) || (resource.includes("/") && rule.resources.includes(`${base}/*`)));
}
