/**
 * The `scale` subresource of deployments, replicasets and statefulsets: an
 * autoscaling/v1 Scale view of `spec.replicas` (kubectl-protocol.md §5.5). Writes go
 * through the owning object's update path, so its validation and generation rules apply.
 */
import {
  BadRequestError, ConflictError, InternalError, InvalidError, applyPatch, invalid, isPlainObject, type KubeObject,
} from "../../api/index.js";
import { selectorString } from "../selection.js";
import { parseJson, patchTypeOf, readBody } from "../negotiation.js";
import { decodeIncomingObject, fieldValidationOf } from "../incoming-object.js";
import { isDryRun, type RequestContext } from "../request-context.js";
import { writeJson } from "../responses.js";
import type { ApiContext } from "../api-context.js";

const scaleKind = { group: "autoscaling", version: "v1", kind: "Scale" };

export function scaleOf(obj: KubeObject): KubeObject {
  const spec = isPlainObject(obj["spec"]) ? obj["spec"] : {};
  const status = isPlainObject(obj["status"]) ? obj["status"] : {};
  const m = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: typeof spec["replicas"] === "number" ? spec["replicas"] : 0 },
    status: {
      replicas: typeof status["replicas"] === "number" ? status["replicas"] : 0,
      selector: selectorString(spec["selector"]),
    },
  };
}

export async function handleScale(ctx: RequestContext, api: ApiContext): Promise<void> {
  const { entry, info, query } = ctx;
  const reg = entry.registry;
  if (info.verb === "get") {
    writeJson(ctx.res, 200, scaleOf(await reg.get(info.namespace, info.name)));
    return;
  }
  const body = await readBody(ctx.req);
  let desired: (current: KubeObject) => KubeObject;
  if (info.verb === "update") {
    const { object } = decodeIncomingObject(body, ctx.req.headers["content-type"], scaleKind, fieldValidationOf(query), api.schema);
    desired = () => object;
  } else if (info.verb === "patch") {
    const type = patchTypeOf(ctx.req.headers["content-type"]);
    if (type === "apply") throw new BadRequestError("server-side apply is not supported for scale");
    const patch = parseJson(body.toString("utf8"), "error decoding patch");
    const root = api.schema.structForKind(scaleKind);
    if (!root) throw new InternalError("no schema for Scale");
    desired = (current) => applyPatch(type, scaleOf(current), patch, { schema: api.schema, root }) as KubeObject;
  } else {
    throw new BadRequestError(`${info.verb} is not supported on scale`);
  }
  const result = await reg.guaranteedUpdate(info.namespace, info.name, undefined, (current) => {
    const scale = desired(current);
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw ConflictError.modified(reg.groupResource, info.name);
    const replicas = isPlainObject(scale["spec"]) ? scale["spec"]["replicas"] : undefined;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw new InvalidError("autoscaling", "Scale", info.name,
        [invalid("spec.replicas", replicas ?? null, "must be greater than or equal to 0")]);
    }
    (current["spec"] as Record<string, unknown>)["replicas"] = replicas;
    return current;
  }, { dryRun: isDryRun(query), subresource: "" });
  writeJson(ctx.res, 200, scaleOf(result.object));
}
