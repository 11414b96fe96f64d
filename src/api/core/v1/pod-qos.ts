/**
 * A pod's QoS class (pkg/apis/core/helper/qos ComputePodQOS), which the API server records
 * in status.qosClass on create and the node agent uses for cgroups and eviction order.
 * Only cpu and memory count; zero quantities count as unset; init containers count;
 * ephemeral containers do not.
 */
import { addQuantities, compareQuantities, quantitySign, tryParseQuantity, type Quantity } from "../../meta/quantity.js";
import type { Pod, ResourceList } from "./pod-types.js";

export type QOSClass = "Guaranteed" | "Burstable" | "BestEffort";

const qosResources = ["cpu", "memory"] as const;

function positive(list: ResourceList | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const name of qosResources) {
    const raw = list?.[name];
    if (raw === undefined) continue;
    const q = tryParseQuantity(raw).quantity;
    if (q && quantitySign(q) > 0) out.set(name, q);
  }
  return out;
}

function accumulate(total: Map<string, Quantity>, add: Map<string, Quantity>): void {
  for (const [name, q] of add) {
    const prev = total.get(name);
    total.set(name, prev ? addQuantities(prev, q) : q);
  }
}

export function podQosClass(pod: Pod): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const spec = pod.spec ?? {};
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    accumulate(requests, positive(c.resources?.requests));
    const lim = positive(c.resources?.limits);
    accumulate(limits, lim);
    if (lim.size !== qosResources.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantities(lim, req) !== 0) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}
