/**
 * Who made a request, as upstream's user.Info (k8s.io/apiserver/pkg/authentication/user).
 */

/** Every authenticated user is in this group (upstream's AuthenticatedGroupAdder). */
export const AUTHENTICATED_GROUP = "system:authenticated";

export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
}

/** `user` with `system:authenticated` appended unless it is already there. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED_GROUP) ? user : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}
