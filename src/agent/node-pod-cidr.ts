/**
 * A node's pod range, as the node IPAM controller assigns it: the agent must know it before
 * its runtime can set up the pod bridge network, and the controller can only assign it to
 * a Node that exists. So: make sure the Node exists, then watch it until spec.podCIDR is
 * set. A watch, not a poll, so an embedded agent starts as soon as the controller writes.
 *
 * A Node this creates is bare: the heartbeat adopts it at registration (labels, addresses,
 * capacity, conditions). Until then it says Ready=False, as a kubelet whose runtime is not up
 * yet registers, and carries the `node.kubernetes.io/not-ready:NoSchedule` taint that
 * upstream's NodeTaint admission gives every new node, so nothing is scheduled to a node
 * that cannot report. Without the Ready=False condition the node lifecycle controller, which
 * taints only for conditions it sees, would remove that taint at once; it goes once Ready.
 */
import { formatTime, type NodeObject } from "../api/index.js";
import { systemClock, type Clock } from "../base/index.js";
import { Informer, isAlreadyExists, nodesResource, type ApiClient } from "../client/index.js";

export interface AwaitNodePodCIDROptions {
  readonly client: ApiClient;
  readonly nodeName: string;
  /** Aborting rejects the wait (the agent is told to stop before it ever started). */
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
  /** Stamps the Ready=False condition; default the system clock. */
  readonly clock?: Clock;
}

const slowWaitMs = 2000;

export async function awaitNodePodCIDR(o: AwaitNodePodCIDROptions): Promise<string> {
  const nodes = o.client.resource<NodeObject>(nodesResource);
  const now = formatTime((o.clock ?? systemClock).now());
  try {
    await nodes.create(undefined, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: o.nodeName },
      spec: { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }] },
      status: {
        conditions: [{
          type: "Ready", status: "False", reason: "KubeletNotReady", message: "container runtime status check may not have completed yet",
          lastHeartbeatTime: now, lastTransitionTime: now,
        }],
      },
    });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e; // registered before: its range, if any, is kept
  }
  const informer = new Informer<NodeObject>(nodes, { fieldSelector: `metadata.name=${o.nodeName}`, ...(o.log ? { log: o.log } : {}) });
  let aborted = (): void => {};
  // Said only when the wait is long: no node IPAM controller may be running (--disable-controller-manager).
  const slow = setTimeout(() => o.log?.(`node ${o.nodeName}: waiting for the node IPAM controller to assign a pod range (spec.podCIDR)`), slowWaitMs);
  try {
    return await new Promise<string>((resolveCIDR, reject) => {
      aborted = () => reject(new Error(`stopped while waiting for node ${o.nodeName} to get a pod range`));
      if (o.signal?.aborted) return aborted();
      o.signal?.addEventListener("abort", aborted, { once: true });
      const check = (node: NodeObject): void => {
        if (node.spec?.podCIDR) resolveCIDR(node.spec.podCIDR);
      };
      informer.on("add", check).on("update", (_, node) => check(node));
      informer.start();
    });
  } finally {
    clearTimeout(slow);
    o.signal?.removeEventListener("abort", aborted);
    await informer.stop();
  }
}
