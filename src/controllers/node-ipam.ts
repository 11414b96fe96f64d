/**
 * The node IPAM controller (kube-controller-manager's `node-ipam-controller` with the
 * RangeAllocator, pkg/controller/nodeipam), for Peapod: every Node without spec.podCIDR
 * gets the lowest free range of the cluster CIDR (the server's --pod-cidr) in node-sized
 * pieces (/24), written to spec.podCIDR and spec.podCIDRs. Ranges nodes already have are
 * marked used, whoever set them; a deleted node's range is released. When no range is
 * left, the node gets none and a `CIDRNotAvailable` event, and is retried with backoff.
 *
 * Node agents wait for this range before they open their runtime (the bridge network needs
 * it), so every node of a cluster has its own pod IPs.
 */
import type { NodeObject } from "../api/index.js";
import { EventRecorder, Informer, WorkQueue, isNotFound, nodesResource, type ApiClient } from "../client/index.js";
import { CidrSet, CidrSetFullError, nodeMaskSizeFor } from "./cidr-set.js";

export interface NodeIpamControllerOptions {
  readonly client: ApiClient;
  /** --cluster-cidr: the range all pod ranges come from. */
  readonly clusterCIDR: string;
  /** --node-cidr-mask-size: default /24 (or the cluster range's size when smaller). */
  readonly nodeCIDRMaskSize?: number;
  readonly log?: (message: string) => void;
}

export class NodeIpamController {
  private readonly client: ApiClient;
  private readonly log: (message: string) => void;
  private readonly cidrs: CidrSet;
  private readonly nodes: Informer<NodeObject>;
  private readonly queue = new WorkQueue<string>();
  private readonly recorder: EventRecorder;
  /** Ranges written to a node that the cache does not show yet: not to be handed out twice. */
  private readonly assigned = new Map<string, string>();
  private loop: Promise<void> | undefined;

  constructor(options: NodeIpamControllerOptions) {
    this.client = options.client;
    this.log = options.log ?? ((m) => console.error(m));
    this.cidrs = new CidrSet(options.clusterCIDR, options.nodeCIDRMaskSize ?? nodeMaskSizeFor(options.clusterCIDR));
    this.nodes = new Informer(this.client.resource<NodeObject>(nodesResource), { log: this.log });
    // Upstream's range allocator records as "cidrAllocator".
    this.recorder = new EventRecorder({ client: this.client, component: "cidrAllocator", log: this.log });
  }

  /** Resolves once every existing node's range is marked used and the worker runs. */
  async start(): Promise<void> {
    this.nodes
      .on("add", (n) => this.queue.add(n.metadata.name ?? ""))
      .on("update", (_, n) => this.queue.add(n.metadata.name ?? ""))
      .on("delete", (n) => this.release(n));
    await this.nodes.start().whenSynced();
    // Occupy all first, allocate after (upstream NewCIDRRangeAllocator): a new node must not get a range an old one holds.
    for (const node of this.nodes.list()) this.occupy(node);
    this.loop = this.work();
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.loop;
    await this.nodes.stop();
    await this.recorder.stop();
  }

  private async work(): Promise<void> {
    for (let name = await this.queue.get(); name !== undefined; name = await this.queue.get()) {
      try {
        await this.sync(name);
        this.queue.forget(name);
      } catch (e) {
        this.log(`node ipam controller: node ${name}: ${e instanceof Error ? e.message : String(e)}; will retry`);
        this.queue.addRateLimited(name);
      } finally {
        this.queue.done(name);
      }
    }
  }

  /** Upstream AllocateOrOccupyCIDR. */
  private async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    if (podCIDRsOf(node).length > 0) {
      this.assigned.delete(name);
      this.occupy(node);
      return;
    }
    if (this.assigned.has(name)) return; // written; the cache catches up with an update event
    let podCIDR: string;
    try {
      podCIDR = this.cidrs.allocateNext();
    } catch (e) {
      if (!(e instanceof CidrSetFullError)) throw e;
      this.recorder.event({ apiVersion: "v1", kind: "Node", name, ...(node.metadata.uid ? { uid: node.metadata.uid } : {}) }, "Normal", "CIDRNotAvailable", `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error(`failed to allocate cidr from cluster cidr at idx:0: ${e.message}`);
    }
    try {
      await this.client.resource<NodeObject>(nodesResource).patch(undefined, name, { spec: { podCIDR, podCIDRs: [podCIDR] } }, "strategic");
      this.assigned.set(name, podCIDR);
    } catch (e) {
      // Not ours after all (the node went, or someone set its range first): hand it back.
      this.cidrs.release(podCIDR);
      if (isNotFound(e)) return;
      throw e;
    }
  }

  private occupy(node: NodeObject): void {
    for (const cidr of podCIDRsOf(node)) {
      try {
        this.cidrs.occupy(cidr);
      } catch (e) {
        // A range outside ours (set by hand) does not stop the others: upstream logs it too.
        this.log(`node ipam controller: node ${node.metadata.name ?? ""}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Upstream ReleaseCIDR, on node deletion. */
  private release(node: NodeObject): void {
    const name = node.metadata.name ?? "";
    const cidrs = new Set([...podCIDRsOf(node), ...(this.assigned.has(name) ? [this.assigned.get(name)!] : [])]);
    this.assigned.delete(name);
    for (const cidr of cidrs) {
      try {
        this.cidrs.release(cidr);
      } catch {
        // outside the cluster range: never occupied
      }
    }
  }
}

function podCIDRsOf(node: NodeObject): string[] {
  const cidrs = node.spec?.podCIDRs ?? [];
  return cidrs.length > 0 ? [...cidrs] : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}
