/**
 * Bearer-token authentication against a static token file (see token-file.ts).
 *
 * Unlike upstream, which looks the token up in a map, every known token is compared in
 * constant time, over SHA-256 digests so that the length of a guess tells nothing either.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type TokenRecord, parseTokenFile } from "./token-file.js";
import { type UserInfo, withAuthenticatedGroup } from "./user-info.js";

export class TokenAuthenticator {
  readonly #entries: readonly { readonly digest: Buffer; readonly user: UserInfo }[];

  constructor(records: readonly TokenRecord[]) {
    this.#entries = records.map((record) => ({
      digest: digest(record.token),
      user: withAuthenticatedGroup({ username: record.username, uid: record.uid, groups: record.groups }),
    }));
  }

  /** Reads the token file once; later edits take effect on the next start, as upstream. */
  static async fromFile(path: string): Promise<TokenAuthenticator> {
    return new TokenAuthenticator(parseTokenFile(await readFile(path, "utf8"), path));
  }

  /** The user `token` belongs to, or undefined. With duplicate tokens the last record wins, as upstream. */
  authenticateToken(token: string): UserInfo | undefined {
    const presented = digest(token);
    let found: UserInfo | undefined;
    // No early exit: the time taken must not depend on which entry matched.
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.user;
    }
    return found;
  }
}

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined when the header is
 * absent or of another scheme (upstream request/bearertoken: the scheme is matched
 * case-insensitively and an empty token counts as none). A token that is present but
 * unknown must fail the request with 401 "invalid bearer token", not fall through.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const parts = (authorization ?? "").trim().split(" ");
  if (parts.length < 2 || parts[0]!.toLowerCase() !== "bearer") return undefined;
  return parts[1] === "" ? undefined : parts[1];
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}
