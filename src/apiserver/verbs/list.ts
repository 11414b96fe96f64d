/** LIST, as a `<Kind>List` or a Table, with selectors and chunking. */
import type { RequestContext } from "../request-context.js";
import { writeJson } from "../responses.js";
import { tableContentType, wantsTable } from "../negotiation.js";
import { listObjects } from "../registry/list.js";
import { buildFilter } from "../selection.js";
import { toTable } from "../table-output.js";
import { apiVersionOf } from "../resources/resource-types.js";
import { BadRequestError } from "../../api/index.js";

export async function handleList(ctx: RequestContext): Promise<void> {
  const { entry, query } = ctx;
  const limitText = query.get("limit");
  let limit: number | undefined;
  if (limitText !== null && limitText !== "") {
    if (!/^\d+$/.test(limitText)) throw new BadRequestError(`limit: Invalid value: ${JSON.stringify(limitText)}`);
    limit = Number(limitText);
  }
  const result = await listObjects(entry.registry, ctx.info.namespace, {
    filter: buildFilter(entry, query),
    ...(limit ? { limit } : {}),
    ...(query.get("continue") ? { continueToken: query.get("continue")! } : {}),
    ...(query.get("resourceVersion") !== null ? { resourceVersion: query.get("resourceVersion")! } : {}),
    ...(query.get("resourceVersionMatch") ? { resourceVersionMatch: query.get("resourceVersionMatch")! } : {}),
  });
  const listMeta = {
    resourceVersion: result.resourceVersion,
    ...(result.continueToken ? { continue: result.continueToken } : {}),
    ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
  };
  if (wantsTable(ctx.req.headers.accept)) {
    writeJson(ctx.res, 200, toTable(entry, result.items, query, listMeta), tableContentType);
    return;
  }
  writeJson(ctx.res, 200, {
    kind: entry.type.listKind,
    apiVersion: apiVersionOf(entry.type),
    metadata: listMeta,
    items: result.items,
  });
}
