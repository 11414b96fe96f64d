/**
 * PATCH with the three patch types of the API (JSON patch, JSON merge patch, strategic
 * merge patch). The patch applies to the live object inside a read-modify-write loop, so
 * a concurrent writer makes it retry on the fresh object instead of failing; a patch that
 * names a resourceVersion is a precondition and fails with 409 when stale.
 */
import {
  BadRequestError, ConflictError, InternalError, UnsupportedMediaTypeError, applyPatch, isPlainObject, type KubeObject,
} from "../../api/index.js";
import { isDryRun, type RequestContext } from "../request-context.js";
import { setWarnings, writeJson } from "../responses.js";
import { parseJson, patchTypeOf, readBody } from "../negotiation.js";
import { checkPatched, fieldValidationOf } from "../incoming-object.js";
import type { ApiContext } from "../api-context.js";
import { groupVersionString } from "../resources/resource-types.js";

export async function handlePatch(ctx: RequestContext, api: ApiContext): Promise<void> {
  const { entry, query, info } = ctx;
  const type = patchTypeOf(ctx.req.headers["content-type"]);
  if (type === "apply") {
    throw new UnsupportedMediaTypeError("application/apply-patch+yaml (server-side apply is not supported yet; use client-side kubectl apply)");
  }
  const body = await readBody(ctx.req);
  const patch = parseJson(body.toString("utf8"), "error decoding patch");
  const validation = fieldValidationOf(query);
  const root = api.schema.structForKind(entry.type);
  if (!root) throw new InternalError(`no schema for ${entry.type.kind}`);
  let warnings: string[] = [];
  const result = await entry.registry.guaranteedUpdate(info.namespace, info.name, undefined, (current) => {
    const patched = applyPatch(type, current, patch, { schema: api.schema, root });
    if (!isPlainObject(patched) || !isPlainObject(patched["metadata"])) {
      throw new BadRequestError("the patch produced an object without metadata");
    }
    const obj = patched as KubeObject;
    if (obj.apiVersion !== groupVersionString(entry.type) || obj.kind !== entry.type.kind) {
      throw new BadRequestError(`the patch may not change apiVersion or kind (got ${String(obj.apiVersion)}, ${String(obj.kind)})`);
    }
    if (obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw ConflictError.modified(entry.registry.groupResource, info.name);
    }
    if (obj.metadata.name !== info.name) {
      throw new BadRequestError(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${info.name})`);
    }
    warnings = checkPatched(obj, entry.type, validation, api.schema);
    return obj;
  }, { dryRun: isDryRun(query), subresource: info.subresource === "status" ? "status" : "" });
  setWarnings(ctx.res, [...warnings, ...result.warnings]);
  writeJson(ctx.res, 200, result.object);
}
