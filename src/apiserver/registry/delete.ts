/**
 * DELETE as upstream's generic store does it (staging/src/k8s.io/apiserver/pkg/registry/
 * generic/registry/store.go, Delete and updateForGracefulDeletionAndFinalizers):
 * 1. preconditions (uid, resourceVersion) are checked against the live object;
 * 2. a kind with graceful deletion (pods bound to a node) gets `deletionTimestamp` and
 *    `deletionGracePeriodSeconds` and stays until its node finishes (deletes with grace 0);
 * 3. an object with finalizers gets `deletionTimestamp` and stays until they are removed;
 * 4. anything else is removed at once.
 */
import {
  BadRequestError, ConflictError, formatTime, isPlainObject, type KubeObject,
} from "../../api/index.js";
import type { GenericRegistry } from "./generic-registry.js";

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: string;
  readonly dryRun: boolean;
}

export interface DeleteResult {
  /** The object as it is now: gone (`deleted`), or pending on a grace period or finalizers. */
  readonly object: KubeObject;
  readonly deleted: boolean;
}

/**
 * Decides the grace period for a delete request; undefined means the kind deletes at once.
 * Pods: upstream pod strategy CheckGracefulDelete (pkg/registry/core/pod/strategy.go).
 */
export type GracefulDeletePolicy = (obj: KubeObject, requested: number | undefined) => number | undefined;

export const podGracefulDelete: GracefulDeletePolicy = (pod, requested) => {
  const spec = isPlainObject(pod["spec"]) ? pod["spec"] : {};
  const status = isPlainObject(pod["status"]) ? pod["status"] : {};
  let grace = requested ?? (typeof spec["terminationGracePeriodSeconds"] === "number" ? spec["terminationGracePeriodSeconds"] : 30);
  // A pod that never reached a node, or that already finished, has nothing to stop.
  if (!spec["nodeName"] || status["phase"] === "Succeeded" || status["phase"] === "Failed") grace = 0;
  return grace;
};

export function parseDeleteOptions(body: unknown, query: URLSearchParams, dryRun: boolean): DeleteOptions {
  const o = isPlainObject(body) ? body : {};
  let grace = typeof o["gracePeriodSeconds"] === "number" ? o["gracePeriodSeconds"] : undefined;
  const q = query.get("gracePeriodSeconds");
  if (q !== null) {
    if (!/^-?\d+$/.test(q)) throw new BadRequestError(`invalid gracePeriodSeconds: ${JSON.stringify(q)}`);
    grace = Number(q);
  }
  const pre = isPlainObject(o["preconditions"]) ? o["preconditions"] : {};
  const policy = (o["propagationPolicy"] as string | undefined) ?? query.get("propagationPolicy") ?? undefined;
  if (policy !== undefined && !["Orphan", "Background", "Foreground"].includes(policy)) {
    throw new BadRequestError(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const preconditions: { uid?: string; resourceVersion?: string } = {};
  if (typeof pre["uid"] === "string") preconditions.uid = pre["uid"];
  if (typeof pre["resourceVersion"] === "string") preconditions.resourceVersion = pre["resourceVersion"];
  return {
    // Upstream treats a negative grace period as 1 second (rest.BeforeDelete).
    ...(grace !== undefined ? { gracePeriodSeconds: grace < 0 ? 1 : grace } : {}),
    preconditions,
    ...(policy ? { propagationPolicy: policy } : {}),
    dryRun,
  };
}

export async function deleteObject(
  reg: GenericRegistry,
  namespace: string,
  name: string,
  opts: DeleteOptions,
  graceful: GracefulDeletePolicy | undefined,
): Promise<DeleteResult> {
  for (;;) {
    const current = await reg.get(namespace, name);
    checkPreconditions(reg, current, opts);
    const grace = graceful?.(current, opts.gracePeriodSeconds);
    const finalizers = current.metadata.finalizers ?? [];
    const pendingGrace = grace !== undefined && grace > 0;
    if (!pendingGrace && finalizers.length === 0) {
      if (opts.dryRun) return { object: current, deleted: true };
      try {
        return { object: await reg.deleteNow(namespace, name, Number(current.metadata.resourceVersion)), deleted: true };
      } catch (e) {
        if (e instanceof ConflictError) continue;
        throw e;
      }
    }
    const next = markDeleting(reg, current, pendingGrace ? grace! : 0);
    if (!next) return { object: current, deleted: false };
    if (opts.dryRun) return { object: next, deleted: false };
    try {
      const bytes = reg.toStoredBytes(next);
      const kv = await reg.store.update(reg.key(namespace, name), bytes, Number(current.metadata.resourceVersion));
      return { object: reg.fromStored(kv), deleted: false };
    } catch (e) {
      const t = reg.translate(e, name);
      if (t instanceof ConflictError) continue;
      throw t;
    }
  }
}

/**
 * Sets deletionTimestamp/deletionGracePeriodSeconds; a repeated delete may only shorten
 * the grace period. Returns undefined when nothing changes.
 */
function markDeleting(reg: GenericRegistry, current: KubeObject, grace: number): KubeObject | undefined {
  const m = current.metadata;
  const now = reg.clock.now();
  if (m.deletionTimestamp) {
    const existing = m.deletionGracePeriodSeconds ?? 0;
    if (grace >= existing) return undefined;
  }
  const next = structuredClone(current);
  next.metadata.deletionTimestamp = formatTime(new Date(now.getTime() + grace * 1000));
  next.metadata.deletionGracePeriodSeconds = grace;
  if (next.metadata.generation !== undefined && grace > 0) next.metadata.generation += 1;
  return next;
}

function checkPreconditions(reg: GenericRegistry, obj: KubeObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  if (p?.uid && p.uid !== obj.metadata.uid) {
    throw new ConflictError(reg.groupResource, obj.metadata.name ?? "",
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid ?? ""}`);
  }
  if (p?.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ConflictError(reg.groupResource, obj.metadata.name ?? "",
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ""}`);
  }
}
