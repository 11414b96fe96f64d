/**
 * Authorization. Members of `system:masters` may do everything, as on upstream clusters
 * (the group bypasses RBAC); nobody else is granted anything until RBAC exists.
 */
import type { UserInfo } from "../auth/index.js";

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

const superuserGroup = "system:masters";

export const mastersAuthorizer: Authorizer = {
  authorize(user) {
    return user.groups.includes(superuserGroup) ? { allowed: true } : { allowed: false, reason: "no RBAC policy matched" };
  },
  rulesFor(user) {
    if (!user.groups.includes(superuserGroup)) {
      return { resourceRules: [], nonResourceRules: [] };
    }
    return {
      resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
      nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
    };
  },
};
