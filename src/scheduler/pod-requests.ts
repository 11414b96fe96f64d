/**
 * What a pod asks of a node, as kube-scheduler counts it: upstream
 * computePodResourceRequest (noderesources/fit.go) over PodRequests
 * (k8s.io/component-helpers/resource). The effective request of each resource is
 *
 *   max( sum(app containers) + sum(restartable init containers, i.e. sidecars),
 *        for each init container i: its request + sum(sidecars declared before it) )
 *   + pod overhead
 *
 * because sidecars keep running beside everything started after them (KEP-753). Amounts are
 * in upstream's units: cpu in millicores, everything else in whole units (bytes), rounded up.
 */
import { addQuantities, compareQuantities, quantityMilliValue, quantityValue, tryParseQuantity, type Quantity } from "../api/index.js";
import type { Container, Pod, ResourceList } from "../api/index.js";

/** Resource amounts keyed by resource name: cpu in millicores, others in units. */
export type ResourceAmounts = Map<string, bigint>;

type Quantities = Map<string, Quantity>;

/** Upstream schedutil.DefaultMilliCPURequest and DefaultMemoryRequest. */
const defaultNonZeroRequests: ResourceList = { cpu: "100m", memory: String(200 * 1024 * 1024) };

function toQuantities(list: ResourceList | undefined): Quantities {
  const out: Quantities = new Map();
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(raw).quantity;
    if (q) out.set(name, q);
  }
  return out;
}

function add(into: Quantities, from: Quantities): void {
  for (const [name, q] of from) {
    const prev = into.get(name);
    into.set(name, prev ? addQuantities(prev, q) : q);
  }
}

function maxInto(into: Quantities, from: Quantities): void {
  for (const [name, q] of from) {
    const prev = into.get(name);
    if (!prev || compareQuantities(q, prev) > 0) into.set(name, q);
  }
}

function containerRequests(c: Container, nonMissing: boolean): Quantities {
  const reqs = toQuantities(c.resources?.requests);
  // Upstream NonMissingContainerRequests: only an absent request is replaced, not a zero one.
  if (nonMissing) {
    for (const [name, q] of toQuantities(defaultNonZeroRequests)) if (!reqs.has(name)) reqs.set(name, q);
  }
  return reqs;
}

function isSidecar(c: Container): boolean {
  return c.restartPolicy === "Always";
}

/** Upstream PodRequests: the pod's effective request per resource name, overhead included. */
function podRequestQuantities(pod: Pod, nonMissing: boolean): Quantities {
  const reqs: Quantities = new Map();
  for (const c of pod.spec?.containers ?? []) add(reqs, containerRequests(c, nonMissing));
  const sidecars: Quantities = new Map();
  const initPeak: Quantities = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = containerRequests(c, nonMissing);
    if (isSidecar(c)) {
      add(reqs, own);
      add(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      const running: Quantities = new Map();
      add(running, own);
      add(running, sidecars);
      maxInto(initPeak, running);
    }
  }
  maxInto(reqs, initPeak);
  add(reqs, toQuantities(pod.spec?.overhead));
  return reqs;
}

function toAmounts(qs: Quantities): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  for (const [name, q] of qs) out.set(name, name === "cpu" ? quantityMilliValue(q) : quantityValue(q));
  return out;
}

/** The pod's requests as the NodeResourcesFit filter checks them. */
export function podResourceRequest(pod: Pod): ResourceAmounts {
  return toAmounts(podRequestQuantities(pod, false));
}

/**
 * The pod's requests for scoring: a container without a cpu or memory request counts as
 * 100m / 200Mi, so that best-effort pods still spread (upstream NonZeroRequested).
 */
export function podNonZeroRequest(pod: Pod): ResourceAmounts {
  return toAmounts(podRequestQuantities(pod, true));
}

/** A resource list (node allocatable) in the same units. */
export function resourceAmounts(list: ResourceList | undefined): ResourceAmounts {
  return toAmounts(toQuantities(list));
}

export function sumAmounts(lists: Iterable<ResourceAmounts>): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  for (const list of lists) for (const [name, v] of list) out.set(name, (out.get(name) ?? 0n) + v);
  return out;
}
