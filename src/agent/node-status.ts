/**
 * The Node object the agent registers and keeps current, as the kubelet builds it
 * (pkg/kubelet/nodestatus/setters.go): capacity and allocatable, addresses, nodeInfo and
 * the four conditions. Pure: host facts come in, a NodeStatus goes out, and a condition
 * keeps its lastTransitionTime while its status stays the same.
 */
import { formatTime, type Node, type NodeCondition, type NodeStatus } from "../api/index.js";

export interface NodeHostFacts {
  hostname: string;
  internalIP: string;
  cpus: number;
  memoryBytes: number;
  /** Bytes of the filesystem holding the agent's data dir. */
  ephemeralStorageBytes: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  /** The port of the agent's HTTPS server (the kubelet API); default the kubelet's 10250. */
  kubeletPort?: number;
}

/** The kubelet's default --max-pods. */
export const defaultMaxPods = 110;
/** The kubelet's default hard eviction threshold, memory.available<100Mi, taken out of allocatable. */
const evictionMemoryBytes = 100 * 1024 * 1024;
/** nodefs.available<10%: the kubelet's default, also taken out of allocatable. */
const evictionStorageFraction = 0.1;

/** The labels the kubelet puts on its own Node. */
export function nodeLabels(name: string, facts: NodeHostFacts): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": facts.architecture,
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": facts.architecture,
    "kubernetes.io/hostname": name,
    "kubernetes.io/os": "linux",
  };
}

export function buildNodeStatus(facts: NodeHostFacts, now: Date, previous?: NodeStatus, maxPods = defaultMaxPods): NodeStatus {
  const time = formatTime(now);
  const memoryKi = Math.floor(facts.memoryBytes / 1024);
  const allocatableMemoryKi = Math.max(0, Math.floor((facts.memoryBytes - evictionMemoryBytes) / 1024));
  const storage = facts.ephemeralStorageBytes;
  const condition = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const before = previous?.conditions?.find((c) => c.type === type);
    const lastTransitionTime = before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : time;
    return { type, status, lastHeartbeatTime: time, lastTransitionTime, reason, message };
  };
  return {
    capacity: {
      cpu: String(facts.cpus),
      "ephemeral-storage": `${Math.floor(storage / 1024)}Ki`,
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
      memory: `${memoryKi}Ki`,
      pods: String(maxPods),
    },
    allocatable: {
      cpu: String(facts.cpus),
      "ephemeral-storage": String(Math.floor(storage * (1 - evictionStorageFraction))),
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
      memory: `${allocatableMemoryKi}Ki`,
      pods: String(maxPods),
    },
    conditions: [
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ],
    addresses: [
      { type: "InternalIP", address: facts.internalIP },
      { type: "Hostname", address: facts.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: facts.machineID,
      systemUUID: facts.systemUUID,
      bootID: facts.bootID,
      kernelVersion: facts.kernelVersion,
      osImage: facts.osImage,
      containerRuntimeVersion: facts.containerRuntimeVersion,
      kubeletVersion: facts.kubeletVersion,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: facts.architecture,
    },
  };
}

/** A new Node object for registration (the kubelet's initialNode). */
export function initialNode(name: string, facts: NodeHostFacts, now: Date, podCIDR?: string): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: nodeLabels(name, facts), annotations: { "volumes.kubernetes.io/controller-managed-attach-detach": "true" } },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: buildNodeStatus(facts, now),
  };
}
