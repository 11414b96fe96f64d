/**
 * The token a node joins with, in k3s's secure format: `K10<CA hash>::node:<secret>`.
 * The CA hash (SHA-256 of the cluster CA's PEM bytes, as served at /cacerts) lets the
 * joining agent authenticate the server before it sends the secret; the secret is what the
 * API server's TokenAuthenticator knows. A bare secret (k3s's "short" format) carries no
 * hash, so it needs the CA from elsewhere (--ca-file).
 */
import { createHash } from "node:crypto";

export interface JoinToken {
  /** Hex SHA-256 of the cluster CA's PEM; absent for a bare secret. */
  readonly caHash?: string;
  /** The bearer token the agent presents to the API server. */
  readonly secret: string;
}

const prefix = "K10";
const nodeUser = "node";

export function caHash(caPem: string): string {
  return createHash("sha256").update(caPem).digest("hex");
}

export function formatJoinToken(caPem: string, secret: string): string {
  return `${prefix}${caHash(caPem)}::${nodeUser}:${secret}`;
}

export function parseJoinToken(text: string): JoinToken {
  const token = text.trim();
  if (token === "" || /\s/.test(token)) throw new Error("the token is empty or contains white space");
  if (!token.startsWith(prefix)) return { secret: token };
  const m = /^K10([0-9a-f]{64})::([^:]+):(.+)$/.exec(token);
  if (!m) throw new Error(`the token starts with ${prefix} but is not ${prefix}<sha256 of the CA>::${nodeUser}:<secret>`);
  if (m[2] !== nodeUser) throw new Error(`the token is for ${JSON.stringify(m[2])}, not a node (${prefix}<hash>::${nodeUser}:<secret>)`);
  return { caHash: m[1]!, secret: m[3]! };
}
