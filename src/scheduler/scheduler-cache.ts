/**
 * The scheduler's view of the cluster for one decision (upstream's cache and snapshot,
 * reduced): every node from the node informer, each with the pods the pod informer shows
 * bound to it and not terminated, plus the pods this scheduler bound whose binding the
 * informer has not shown yet ("assumed" pods). Without those, a second pod decided right
 * after a binding would count the node's resources as still free.
 */
import type { Pod } from "../api/index.js";
import { objectKey, type Informer } from "../client/index.js";
import { nodeName as nodeInfoName, type NodeInfo } from "./framework.js";
import type { PodObject, NodeObject } from "../api/index.js";
export type { PodObject, NodeObject };


/** The pod informer's index of pods holding a node's resources. */
export const podsByNodeIndex = "spec.nodeName";

/** A pod counts on its node until it terminated (upstream keeps Succeeded/Failed pods out of NodeInfo). */
export function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.["phase"];
  return phase === "Succeeded" || phase === "Failed";
}

export const podsByNode = (pod: PodObject): readonly string[] => {
  const nodeName = pod.spec?.nodeName;
  return nodeName && !isTerminated(pod) ? [nodeName] : [];
};

export class SchedulerCache {
  /** Pod key → the pod as bound by us, until the informer shows it bound (or gone). */
  private readonly assumed = new Map<string, PodObject>();

  constructor(private readonly nodes: Informer<NodeObject>, private readonly pods: Informer<PodObject>) {}

  /** The pod was bound to the node: count it there from now on. */
  assume(pod: PodObject, nodeName: string): void {
    this.assumed.set(objectKey(pod), { ...pod, spec: { ...pod.spec, nodeName } });
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** The informer caught up with the binding, or the pod is gone. */
  forget(key: string): void {
    this.assumed.delete(key);
  }

  nodeInfos(): NodeInfo[] {
    const infos = this.nodes.list().map((node): NodeInfo => ({ node, pods: this.pods.byIndex(podsByNodeIndex, node.metadata.name ?? "") }));
    const byName = new Map(infos.map((info) => [nodeInfoName(info), info]));
    for (const [key, pod] of this.assumed) {
      // Once the informer shows the binding, the pod is in its node's index already.
      if (this.pods.get(key)?.spec?.nodeName) continue;
      byName.get(pod.spec!.nodeName!)?.pods.push(pod);
    }
    return infos;
  }
}
