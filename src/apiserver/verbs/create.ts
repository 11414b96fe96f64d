/** POST: create an object (or, for the review kinds, answer without storing anything). */
import { isDryRun, type RequestContext } from "../request-context.js";
import { setWarnings, writeJson } from "../responses.js";
import { readBody } from "../negotiation.js";
import { decodeIncomingObject, fieldValidationOf } from "../incoming-object.js";
import type { ApiContext } from "../api-context.js";

export async function handleCreate(ctx: RequestContext, api: ApiContext): Promise<void> {
  const { entry, query } = ctx;
  const body = await readBody(ctx.req);
  const incoming = decodeIncomingObject(body, ctx.req.headers["content-type"], entry.type, fieldValidationOf(query), api.schema);
  await api.admission.admitCreate(entry, ctx.info.namespace, incoming.object);
  const result = await entry.registry.create(ctx.info.namespace, incoming.object, { dryRun: isDryRun(query) });
  setWarnings(ctx.res, [...incoming.warnings, ...result.warnings]);
  writeJson(ctx.res, 201, result.object);
}
