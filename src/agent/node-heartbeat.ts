/**
 * The node's two heartbeats, as the kubelet keeps them: a Lease in kube-node-lease renewed
 * every 10 s (cheap, what the node lifecycle controller watches), and the Node's status,
 * written when it changed or at least every 5 minutes. Registration creates the Node, or
 * adopts the one a previous run of this agent left.
 */
import type { Clock } from "../base/index.js";
import { formatMicroTime, type KubeObject, type Node } from "../api/index.js";
import { isAlreadyExists, isConflict, isNotFound, leasesResource, nodesResource, type ApiClient } from "../client/index.js";
import { buildNodeStatus, initialNode, nodeLabels, type NodeHostFacts } from "./node-status.js";

export interface NodeHeartbeatOptions {
  client: ApiClient;
  nodeName: string;
  facts: NodeHostFacts;
  podCIDR?: string;
  clock: Clock;
  /** The kubelet's nodeLeaseDurationSeconds. */
  leaseDurationSeconds?: number;
  /** The kubelet renews at a quarter of the lease's duration. */
  renewIntervalMs?: number;
  /** nodeStatusUpdateFrequency: how often the status is computed and compared. */
  statusIntervalMs?: number;
  /** nodeStatusReportFrequency: the status is written at least this often, changed or not. */
  statusReportIntervalMs?: number;
  onError?: (what: string, error: unknown) => void;
}

const nodeLeaseNamespace = "kube-node-lease";

export class NodeHeartbeat {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private lastReported = 0;
  private lastStatusJson = "";
  private node: Node | undefined;

  constructor(private readonly o: NodeHeartbeatOptions) {}

  /** Registers the node and writes the first lease; then keeps both fresh until stop(). */
  async start(): Promise<Node> {
    this.node = await this.register();
    await this.renewLease();
    this.loops.push(this.every(this.o.renewIntervalMs ?? ((this.o.leaseDurationSeconds ?? 40) * 1000) / 4, "renew the node lease", () => this.renewLease()));
    this.loops.push(this.every(this.o.statusIntervalMs ?? 10_000, "update the node status", () => this.updateStatus()));
    return this.node;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private async every(ms: number, what: string, beat: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await this.o.clock.sleep(ms, this.abort.signal);
      } catch {
        return;
      }
      try {
        await beat();
      } catch (e) {
        this.o.onError?.(what, e);
      }
    }
  }

  private async register(): Promise<Node> {
    const nodes = this.o.client.resource<Node & KubeObject>(nodesResource);
    const now = this.o.clock.now();
    try {
      const initial = initialNode(this.o.nodeName, this.o.facts, now, this.o.podCIDR);
      const created = await nodes.create(undefined, initial as Node & KubeObject);
      this.noteReported(initial.status ?? {});
      return created;
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    // A node of this name exists (this agent ran before): make its labels and status ours again.
    const existing = await nodes.get(undefined, this.o.nodeName);
    existing.metadata.labels = { ...existing.metadata.labels, ...nodeLabels(this.o.nodeName, this.o.facts) };
    if (this.o.podCIDR && !existing.spec?.podCIDR) existing.spec = { ...existing.spec, podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR] };
    const updated = await nodes.update(undefined, existing);
    const status = buildNodeStatus(this.o.facts, now, updated.status);
    updated.status = status;
    const reported = await nodes.updateStatus(undefined, updated);
    this.noteReported(status);
    return reported;
  }

  private async updateStatus(): Promise<void> {
    const nodes = this.o.client.resource<Node & KubeObject>(nodesResource);
    // Read first, as the kubelet does each time: that is how a deleted Node is noticed.
    try {
      this.node = await nodes.get(undefined, this.o.nodeName);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      this.node = await this.register();
      return;
    }
    const now = this.o.clock.now();
    const status = buildNodeStatus(this.o.facts, now, this.node.status);
    const changed = comparable(status) !== this.lastStatusJson;
    if (!changed && now.getTime() - this.lastReported < (this.o.statusReportIntervalMs ?? 5 * 60_000)) return;
    this.node = await nodes.patchStatus(undefined, this.o.nodeName, { status }, "strategic");
    this.noteReported(status);
  }

  /** What we sent, not what came back: the server's defaulting must not look like a change. */
  private noteReported(status: object): void {
    this.lastReported = this.o.clock.now().getTime();
    this.lastStatusJson = comparable(status);
  }

  private async renewLease(): Promise<void> {
    const leases = this.o.client.resource(leasesResource);
    const renewTime = formatMicroTime(this.o.clock.now());
    try {
      const lease = await leases.get(nodeLeaseNamespace, this.o.nodeName);
      lease["spec"] = { ...(lease["spec"] as object), holderIdentity: this.o.nodeName, leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40, renewTime };
      await leases.update(nodeLeaseNamespace, lease);
      return;
    } catch (e) {
      if (isConflict(e)) return; // renewed by a racing beat; the next one wins
      if (!isNotFound(e)) throw e;
    }
    const owner = this.node?.metadata?.uid
      ? [{ apiVersion: "v1", kind: "Node", name: this.o.nodeName, uid: this.node.metadata.uid }]
      : undefined;
    await leases.create(nodeLeaseNamespace, {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: this.o.nodeName, namespace: nodeLeaseNamespace, ...(owner ? { ownerReferences: owner } : {}) },
      spec: { holderIdentity: this.o.nodeName, leaseDurationSeconds: this.o.leaseDurationSeconds ?? 40, renewTime },
    });
  }
}

/** The status without its heartbeat times, to tell a real change from a tick. */
function comparable(status: object): string {
  return JSON.stringify(status, (key, value: unknown) => (key === "lastHeartbeatTime" ? undefined : value));
}
