/** Builders for scheduler tests: nodes and pods with only the fields a case is about. */
import type { Container, Node, Pod, PodSpec, Taint } from "../../api/index.js";
import type { NodeInfo } from "../framework.js";

export interface NodeOptions {
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  allocatable?: Record<string, string>;
  pods?: Pod[];
}

/** A node with 4 cpu, 8Gi memory and room for 110 pods unless told otherwise. */
export function nodeInfo(name: string, o: NodeOptions = {}): NodeInfo {
  const node: Node = {
    metadata: { name, labels: o.labels ?? {} },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable: o.allocatable ?? { cpu: "4", memory: "8Gi", pods: "110", "ephemeral-storage": "100Gi" } },
  };
  return { node, pods: o.pods ?? [] };
}

/** A container asking for the given requests (cpu, memory, ...). */
export function container(name: string, requests?: Record<string, string>, extra: Partial<Container> = {}): Container {
  return { name, image: "busybox", ...(requests ? { resources: { requests } } : {}), ...extra };
}

/** A pod of one container `app` with the given requests, plus any spec fields. */
export function pod(name: string, requests?: Record<string, string>, spec: PodSpec = {}): Pod {
  return { metadata: { name, namespace: "default" }, spec: { containers: [container("app", requests)], ...spec } };
}
