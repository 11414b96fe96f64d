/**
 * pods/binding (and the `bindings` resource): assigns a pending pod to a node, as
 * upstream BindingREST does (pkg/registry/core/pod/storage/storage.go): only once, never
 * for a pod being deleted, copying the binding's annotations and marking PodScheduled.
 */
import {
  ConflictError, InvalidError, formatTime, invalid, isPlainObject, notSupported, required, type KubeObject,
} from "../../api/index.js";
import { readBody } from "../negotiation.js";
import { decodeIncomingObject, fieldValidationOf } from "../incoming-object.js";
import { isDryRun, type RequestContext } from "../request-context.js";
import { successStatus, writeJson } from "../responses.js";
import type { ApiContext } from "../api-context.js";
import type { GenericRegistry } from "../registry/generic-registry.js";

const bindingsResource = { group: "", resource: "pods/binding" };

export async function handleBinding(ctx: RequestContext, api: ApiContext, pods: GenericRegistry): Promise<void> {
  const body = await readBody(ctx.req);
  const { object: binding } = decodeIncomingObject(body, ctx.req.headers["content-type"],
    { group: "", version: "v1", kind: "Binding" }, fieldValidationOf(ctx.query), api.schema);
  const podName = ctx.info.subresource === "binding" ? ctx.info.name : binding.metadata.name ?? "";
  const target = isPlainObject(binding["target"]) ? binding["target"] : {};
  const errs = [];
  if (!podName) errs.push(required("metadata.name", "name or generateName is required"));
  if (typeof target["name"] !== "string" || target["name"] === "") errs.push(required("target.name"));
  if (target["kind"] !== undefined && target["kind"] !== "" && target["kind"] !== "Node") {
    errs.push(notSupported("target.kind", target["kind"], ["Node", "<empty>"]));
  }
  if (ctx.info.subresource === "binding" && binding.metadata.name && binding.metadata.name !== ctx.info.name) {
    errs.push(invalid("metadata.name", binding.metadata.name, "must match the pod name in the URL"));
  }
  if (errs.length) throw new InvalidError("", "Binding", podName, errs);
  const nodeName = target["name"] as string;
  await pods.storageUpdate(ctx.info.namespace, podName, (pod) => assign(pod, nodeName, binding, api), isDryRun(ctx.query));
  writeJson(ctx.res, 201, successStatus(undefined, 201));
}

function assign(pod: KubeObject, nodeName: string, binding: KubeObject, api: ApiContext): KubeObject {
  const name = pod.metadata.name ?? "";
  if (pod.metadata.deletionTimestamp) {
    throw new ConflictError(bindingsResource, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  const spec = pod["spec"] as Record<string, unknown>;
  if (spec["nodeName"]) {
    throw new ConflictError(bindingsResource, name, `pod ${name} is already assigned to node "${String(spec["nodeName"])}"`);
  }
  spec["nodeName"] = nodeName;
  const annotations = binding.metadata.annotations;
  if (annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...annotations };
  const status = (isPlainObject(pod["status"]) ? pod["status"] : (pod["status"] = {})) as Record<string, unknown>;
  const conditions = (Array.isArray(status["conditions"]) ? status["conditions"] : []) as Record<string, unknown>[];
  const now = formatTime(api.clock.now());
  const scheduled = { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now };
  const i = conditions.findIndex((c) => c["type"] === "PodScheduled");
  if (i >= 0) {
    if (conditions[i]!["status"] !== "True") conditions[i] = scheduled;
  } else {
    conditions.push(scheduled);
  }
  status["conditions"] = conditions;
  return pod;
}
