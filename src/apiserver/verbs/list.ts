/** LIST, as a `<Kind>List` or a Table, with selectors and chunking. */
import type { RequestContext } from "../request-context.js";
import { writeJson, writeJsonText } from "../responses.js";
import { tableContentType, wantsTable } from "../negotiation.js";
import { listJson, listObjects, type ListResponse } from "../registry/list.js";
import { buildFilter } from "../selection.js";
import { toTable } from "../table-output.js";
import { groupVersionString } from "../resources/resource-types.js";
import { BadRequestError } from "../../api/index.js";

export async function handleList(ctx: RequestContext): Promise<void> {
  const { entry, query } = ctx;
  const limitText = query.get("limit");
  let limit: number | undefined;
  if (limitText !== null && limitText !== "") {
    if (!/^\d+$/.test(limitText)) throw new BadRequestError(`limit: Invalid value: ${JSON.stringify(limitText)}`);
    limit = Number(limitText);
  }
  const request = {
    filter: buildFilter(entry, query),
    ...(limit ? { limit } : {}),
    ...(query.get("continue") ? { continueToken: query.get("continue")! } : {}),
    ...(query.get("resourceVersion") !== null ? { resourceVersion: query.get("resourceVersion")! } : {}),
    ...(query.get("resourceVersionMatch") ? { resourceVersionMatch: query.get("resourceVersionMatch")! } : {}),
  };
  if (wantsTable(ctx.req.headers.accept)) {
    const result = await listObjects(entry.registry, ctx.info.namespace, request);
    writeJson(ctx.res, 200, toTable(entry, result.items, query, listMetaOf(result)), tableContentType);
    return;
  }
  const result = await listJson(entry.registry, ctx.info.namespace, request);
  // Items are JSON already: the list is assembled as text around them.
  const head = JSON.stringify({ kind: entry.type.listKind, apiVersion: groupVersionString(entry.type), metadata: listMetaOf(result) });
  writeJsonText(ctx.res, 200, `${head.slice(0, -1)},"items":[${result.items.join(",")}]}`);
}

function listMetaOf(result: ListResponse<unknown>): { resourceVersion: string; continue?: string; remainingItemCount?: number } {
  return {
    resourceVersion: result.resourceVersion,
    ...(result.continueToken ? { continue: result.continueToken } : {}),
    ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
  };
}
