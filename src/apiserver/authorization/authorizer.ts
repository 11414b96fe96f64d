/**
 * Authorization by the bootstrap policy: `system:masters` may do everything, as on
 * upstream clusters, and `system:nodes` what a kubelet may; nobody else is granted
 * anything until RBAC exists.
 */
import type { UserInfo } from "../auth/index.js";
import { bootstrapPolicy, ruleAllows, type PolicyRule } from "./bootstrap-policy.js";

export type { UserInfo };

export interface Attributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly reason?: string;
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: Attributes): Decision;
  /** The rules a user holds, as SelfSubjectRulesReview reports them. */
  rulesFor(user: UserInfo): { resourceRules: unknown[]; nonResourceRules: unknown[] };
}

function rulesOf(user: UserInfo): PolicyRule[] {
  return user.groups.flatMap((g) => bootstrapPolicy[g] ?? []);
}

export const bootstrapAuthorizer: Authorizer = {
  authorize(user, attrs) {
    const allowed = rulesOf(user).some((r) => ruleAllows(r, attrs.verb, attrs.group, attrs.resource));
    return allowed ? { allowed: true } : { allowed: false, reason: "no RBAC policy matched" };
  },
  rulesFor(user) {
    const rules = rulesOf(user);
    const all = rules.some((r) => r.verbs.includes("*") && r.resources.includes("*"));
    return {
      resourceRules: rules.map((r) => ({ verbs: [...r.verbs], apiGroups: [...r.apiGroups], resources: [...r.resources] })),
      nonResourceRules: all ? [{ verbs: ["*"], nonResourceURLs: ["*"] }] : [],
    };
  },
};
