/**
 * DELETE of one object. Pods return their last state; other kinds a Status whose
 * details carry the uid, which `kubectl delete --wait` uses to tell a re-created object
 * apart (kubectl-protocol.md §5.4).
 */
import { isDryRun, type RequestContext } from "../request-context.js";
import { successStatus, writeJson } from "../responses.js";
import { parseJson, readBody } from "../negotiation.js";
import { deleteObject, parseDeleteOptions } from "../registry/delete.js";

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const { entry, query, info } = ctx;
  const body = await readBody(ctx.req);
  const options = parseDeleteOptions(body.length ? parseJson(body.toString("utf8"), "error decoding DeleteOptions") : undefined, query, isDryRun(query));
  const result = entry.customDelete
    ? await entry.customDelete(info.name, options)
    : await deleteObject(entry.registry, info.namespace, info.name, options, entry.graceful);
  if (entry.returnDeletedObject || !result.deleted) {
    writeJson(ctx.res, 200, result.object);
    return;
  }
  writeJson(ctx.res, 200, successStatus({
    name: info.name,
    group: entry.type.group,
    kind: entry.type.plural,
    uid: result.object.metadata.uid ?? "",
  }));
}
