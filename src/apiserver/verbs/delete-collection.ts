/** DELETE on a collection: every object the selectors match, each as a single delete would. */
import { isDryRun, type RequestContext } from "../request-context.js";
import { writeJson } from "../responses.js";
import { parseJson, readBody } from "../negotiation.js";
import { deleteObject, parseDeleteOptions } from "../registry/delete.js";
import { listObjects } from "../registry/list.js";
import { buildFilter } from "../selection.js";
import { groupVersionString } from "../resources/resource-types.js";
import { NotFoundError, type KubeObject } from "../../api/index.js";

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const { entry, query, info } = ctx;
  const body = await readBody(ctx.req);
  const options = parseDeleteOptions(body.length ? parseJson(body.toString("utf8"), "error decoding DeleteOptions") : undefined, query, isDryRun(query));
  const list = await listObjects(entry.registry, info.namespace, { filter: buildFilter(entry, query) });
  const items: KubeObject[] = [];
  for (const obj of list.items) {
    try {
      const r = await deleteObject(entry.registry, obj.metadata.namespace ?? "", obj.metadata.name ?? "", options, entry.graceful);
      items.push(r.object);
    } catch (e) {
      // Deleted by someone else meanwhile: the collection delete still succeeded for it.
      if (!(e instanceof NotFoundError)) throw e;
    }
  }
  writeJson(ctx.res, 200, {
    kind: entry.type.listKind,
    apiVersion: groupVersionString(entry.type),
    metadata: { resourceVersion: list.resourceVersion },
    items,
  });
}
