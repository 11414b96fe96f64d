/**
 * List continuation tokens: the snapshot revision and the last key returned, so every
 * page of a chunked list is read at the same revision (api-concepts, "Retrieving large
 * results sets in chunks"). Opaque to clients; base64 JSON like upstream's.
 */
import { BadRequestError } from "../../api/index.js";

export interface ContinueToken {
  readonly revision: number;
  /** The key after which the next page starts. */
  readonly after: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: t.revision, start: t.after })).toString("base64url");
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new BadRequestError("continue key is not valid: illegal base64 data or JSON");
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (p.v !== "meta.k8s.io/v1") {
    throw new BadRequestError(`continue key is not valid: server does not recognize this encoded key version`);
  }
  if (typeof p.rv !== "number" || !Number.isSafeInteger(p.rv) || p.rv <= 0 || typeof p.start !== "string") {
    throw new BadRequestError("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  return { revision: p.rv, after: p.start };
}
