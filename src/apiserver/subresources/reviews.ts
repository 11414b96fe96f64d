/**
 * SelfSubjectAccessReview and SelfSubjectRulesReview: "may I?" questions answered from
 * the requesting user's authorization, never stored (kubectl auth can-i).
 */
import { readBody } from "../negotiation.js";
import { decodeIncomingObject, fieldValidationOf } from "../incoming-object.js";
import type { RequestContext } from "../request-context.js";
import { writeJson } from "../responses.js";
import type { ApiContext } from "../api-context.js";
import { isPlainObject } from "../../api/index.js";
import type { Authorizer } from "../authorization/authorizer.js";

export async function handleReview(ctx: RequestContext, api: ApiContext, authorizer: Authorizer): Promise<void> {
  const body = await readBody(ctx.req);
  const { object } = decodeIncomingObject(body, ctx.req.headers["content-type"], ctx.entry.type, fieldValidationOf(ctx.query), api.schema);
  const spec = isPlainObject(object["spec"]) ? object["spec"] : {};
  let status: Record<string, unknown>;
  if (ctx.entry.type.kind === "SelfSubjectAccessReview") {
    const attrs = isPlainObject(spec["resourceAttributes"]) ? spec["resourceAttributes"] : {};
    const decision = authorizer.authorize(ctx.user, {
      verb: String(attrs["verb"] ?? (isPlainObject(spec["nonResourceAttributes"]) ? spec["nonResourceAttributes"]["verb"] : "") ?? ""),
      group: String(attrs["group"] ?? ""),
      resource: String(attrs["resource"] ?? ""),
      namespace: String(attrs["namespace"] ?? ""),
    });
    status = { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
  } else {
    status = { ...authorizer.rulesFor(ctx.user), incomplete: false };
  }
  writeJson(ctx.res, 201, { ...object, metadata: { ...object.metadata, creationTimestamp: null }, status });
}
