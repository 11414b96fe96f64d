/** PUT: replace an object or its status, with optimistic concurrency on resourceVersion. */
import { isDryRun, type RequestContext } from "../request-context.js";
import { setWarnings, writeJson } from "../responses.js";
import { readBody } from "../negotiation.js";
import { decodeIncomingObject, fieldValidationOf } from "../incoming-object.js";
import type { ApiContext } from "../api-context.js";

export async function handleUpdate(ctx: RequestContext, api: ApiContext): Promise<void> {
  const { entry, query, info } = ctx;
  const body = await readBody(ctx.req);
  const incoming = decodeIncomingObject(body, ctx.req.headers["content-type"], entry.type, fieldValidationOf(query), api.schema);
  const result = await entry.registry.update(info.namespace, info.name, incoming.object, {
    dryRun: isDryRun(query),
    subresource: info.subresource === "status" ? "status" : "",
  });
  setWarnings(ctx.res, [...incoming.warnings, ...result.warnings]);
  writeJson(ctx.res, 200, result.object);
}
