/**
 * The parts of core/v1 Node that Peapod reads and writes, as plain JSON shapes
 * (k8s.io/api/core/v1 types.go). Every field is optional because objects arrive from
 * clients before defaulting; quantities stay in their JSON form (see meta/quantity.ts).
 */
import type { KubeObject, ObjectMeta } from "../../meta/object.js";
import type { ResourceList } from "./pod-types.js";

/** A node taint. Effects: NoSchedule, PreferNoSchedule, NoExecute. */
export interface Taint {
  key?: string;
  value?: string;
  effect?: string;
  timeAdded?: string;
}

export interface NodeSpec {
  podCIDR?: string;
  podCIDRs?: string[];
  providerID?: string;
  /** Cordoned: the scheduler places no new pod here unless it tolerates node.kubernetes.io/unschedulable. */
  unschedulable?: boolean;
  taints?: Taint[];
}

/** Types: Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable. */
export interface NodeCondition {
  type?: string;
  status?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** Types: InternalIP, ExternalIP, Hostname, InternalDNS, ExternalDNS. */
export interface NodeAddress {
  type?: string;
  address?: string;
}

export interface NodeSystemInfo {
  machineID?: string;
  systemUUID?: string;
  bootID?: string;
  kernelVersion?: string;
  osImage?: string;
  containerRuntimeVersion?: string;
  kubeletVersion?: string;
  kubeProxyVersion?: string;
  operatingSystem?: string;
  architecture?: string;
}

export interface NodeStatus {
  capacity?: ResourceList;
  allocatable?: ResourceList;
  phase?: string;
  conditions?: NodeCondition[];
  addresses?: NodeAddress[];
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  nodeInfo?: NodeSystemInfo;
  images?: { names?: string[]; sizeBytes?: number }[];
  [field: string]: unknown;
}

export interface Node {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: NodeSpec;
  status?: NodeStatus;
}

/** A Node as it comes back from the API: metadata always present. */
export type NodeObject = Node & KubeObject;

/** Operators: In, NotIn, Exists, DoesNotExist, Gt, Lt (matchFields: In, NotIn only). */
export interface NodeSelectorRequirement {
  key?: string;
  operator?: string;
  values?: string[];
}

/** Requirements within a term are ANDed; an empty term matches no node. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** Terms are ORed. */
export interface NodeSelector {
  nodeSelectorTerms?: NodeSelectorTerm[];
}

/** The nodeAffinity part of a pod's spec.affinity. */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  preferredDuringSchedulingIgnoredDuringExecution?: { weight?: number; preference?: NodeSelectorTerm }[];
}
