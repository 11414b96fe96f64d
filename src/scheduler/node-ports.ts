/**
 * NodePorts filter (pkg/scheduler/framework/plugins/nodeports, HostPortInfo in
 * framework/types.go): a pod's hostPorts must be free on the node. A port is taken per
 * (hostIP, protocol, port); an empty hostIP means 0.0.0.0, which conflicts with every IP,
 * and an empty protocol means TCP. As in 1.32, only app containers' ports count.
 */
import type { ContainerPort, Pod } from "../api/index.js";
import { unschedulable, type FilterPlugin, type NodeInfo } from "./framework.js";

export const errReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

const bindAllHostIP = "0.0.0.0";

interface HostPort {
  ip: string;
  protocolPort: string;
}

export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (hostPortOf(p) > 0) out.push({ ip: p.hostIP || bindAllHostIP, protocolPort: `${p.protocol || "TCP"}/${hostPortOf(p)}` });
    }
  }
  return out;
}

function hostPortOf(p: ContainerPort): number {
  return p.hostPort ?? 0;
}

/** Upstream HostPortInfo.CheckConflict. */
function conflicts(used: readonly HostPort[], want: HostPort): boolean {
  return used.some((u) => u.protocolPort === want.protocolPort && (want.ip === bindAllHostIP || u.ip === bindAllHostIP || u.ip === want.ip));
}

export const nodePortsFilter: FilterPlugin = {
  name: "NodePorts",
  filter(pod: Pod, nodeInfo: NodeInfo) {
    const wanted = podHostPorts(pod);
    if (wanted.length === 0) return undefined;
    const used = nodeInfo.pods.flatMap(podHostPorts);
    return wanted.some((w) => conflicts(used, w)) ? unschedulable(errReasonNodePorts) : undefined;
  },
};
