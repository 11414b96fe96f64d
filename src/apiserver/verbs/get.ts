/** GET of one object, as JSON or as a one-row Table. */
import type { RequestContext } from "../request-context.js";
import { writeJson } from "../responses.js";
import { tableContentType, wantsTable } from "../negotiation.js";
import { toTable } from "../table-output.js";

export async function handleGet(ctx: RequestContext): Promise<void> {
  const obj = await ctx.entry.registry.get(ctx.info.namespace, ctx.info.name);
  if (wantsTable(ctx.req.headers.accept)) {
    writeJson(ctx.res, 200, toTable(ctx.entry, [obj], ctx.query, { resourceVersion: obj.metadata.resourceVersion ?? "" }), tableContentType);
    return;
  }
  writeJson(ctx.res, 200, obj);
}
