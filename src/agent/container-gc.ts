/**
 * Container garbage collection for one pod (the kubelet's containerGC with its default
 * policy: MinAge 0, MaxPerPodContainer 1, MaxContainers unlimited). Without it every exit
 * of a restarting container leaves an instance, with its rootfs and log, until the pod goes.
 *
 * Per container name (init containers alike), the two newest attempts stay: the latest
 * (running, or exited and waiting for its back-off) and the one before it. That keeps
 * every instance the status reads (state from the latest, lastState from the previous)
 * and the log `kubectl logs --previous` shows, so removing instances never changes what
 * the pod reports; older ones go, running ones never. Upstream keeps one dead instance
 * beside a running one, the same count; while the latest has exited it keeps only that
 * one, where Peapod keeps its predecessor too, since its lastState comes from it.
 *
 * The kubelet runs this every minute; the pod worker runs it after each sync of a running
 * pod instead, where the new instances are created.
 */
import { isRuntimeError, type ContainerStatus as RuntimeContainerStatus, type RuntimeService } from "../runtime/index.js";
import type { PodStatus } from "../api/index.js";
import { removeContainerLogs } from "./container-log-manager.js";
import { attemptsOf } from "./container-state.js";
import { containerIdPrefix } from "./pod-status.js";

/** Instances kept per container name: the latest and the one before it. */
export const keptAttemptsPerContainer = 2;

/**
 * The pod's instances to remove: per container name, all but the newest attempts, never a
 * running one, and never one the pod's written status still names (`inStatus`, runtime ids):
 * until the next status write lands, `kubectl logs --previous` reads that instance's log.
 */
export function evictableContainers(containers: readonly RuntimeContainerStatus[], inStatus: ReadonlySet<string> = new Set()): RuntimeContainerStatus[] {
  const names = new Set(containers.map((c) => c.metadata.name));
  const out: RuntimeContainerStatus[] = [];
  for (const name of names) {
    for (const old of attemptsOf(containers, name).slice(keptAttemptsPerContainer)) {
      if (old.state !== "CONTAINER_RUNNING" && !inStatus.has(old.id)) out.push(old);
    }
  }
  return out;
}

/**
 * Removes the pod's evictable instances: the log first, then the container (as kuberuntime
 * removeContainer). Returns the ids removed; a failure is logged and left for the next time.
 */
export async function collectContainers(
  runtime: Pick<RuntimeService, "removeContainer">,
  containers: readonly RuntimeContainerStatus[],
  log: (message: string) => void,
  inStatus: ReadonlySet<string> = new Set(),
): Promise<Set<string>> {
  const removed = new Set<string>();
  for (const c of evictableContainers(containers, inStatus)) {
    try {
      // The runtime keeps the CRI log; the kubelet removes it, rotated files too, with the container.
      if (c.logPath) await removeContainerLogs(c.logPath);
      await runtime.removeContainer(c.id);
      removed.add(c.id);
    } catch (e) {
      if (isRuntimeError(e, "NotFound")) removed.add(c.id);
      else log(`cannot remove container ${c.id} (${c.metadata.name} attempt ${c.metadata.attempt}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return removed;
}

/** The runtime ids of the instances a written pod status names, as state or lastState. */
export function containerIdsInStatus(status: Partial<PodStatus> | undefined): Set<string> {
  const ids = new Set<string>();
  for (const c of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    for (const id of [c.containerID, c.lastState?.terminated?.containerID]) {
      if (id?.startsWith(containerIdPrefix)) ids.add(id.slice(containerIdPrefix.length));
    }
  }
  return ids;
}
