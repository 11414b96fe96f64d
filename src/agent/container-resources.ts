/**
 * A container's requests and limits as cgroup settings (pkg/kubelet/kuberuntime
 * kuberuntime_container_linux.go calculateLinuxResources, pkg/kubelet/cm helpers_linux.go)
 * and its OOM score adjustment by QoS class (pkg/kubelet/qos/policy.go).
 */
import { parseQuantity, podQosClass, quantityMilliValue, quantityValue } from "../api/index.js";
import type { Container, Pod, QuantityValue } from "../api/index.js";
import type { LinuxContainerResources } from "../runtime/index.js";
import { isRestartableInitContainer } from "./container-state.js";

export const minShares = 2;
export const maxShares = 262144;
const sharesPerCpu = 1024;
/** The CFS period the kubelet uses (100ms) unless the CPUCFSQuotaPeriod gate is on. */
export const quotaPeriod = 100000;
/** The smallest quota the kernel accepts (1ms). */
export const minQuotaPeriod = 1000;

export const guaranteedOomScoreAdj = -997;
export const bestEffortOomScoreAdj = 1000;

/** cpu.shares for a request in millicores: 1024 per cpu, at least 2, at most 262144. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu === 0) return minShares;
  const shares = Math.trunc((milliCpu * sharesPerCpu) / 1000);
  return Math.min(maxShares, Math.max(minShares, shares));
}

/** The CFS quota for a limit in millicores over `period` µs; 0 (no quota) without a limit. */
export function milliCpuToQuota(milliCpu: number, period: number): number {
  if (milliCpu === 0) return 0;
  return Math.max(minQuotaPeriod, Math.trunc((milliCpu * period) / 1000));
}

function milli(v: QuantityValue | undefined): number {
  return v === undefined ? 0 : Number(quantityMilliValue(parseQuantity(v)));
}

function bytes(v: QuantityValue | undefined): number {
  return v === undefined ? 0 : Number(quantityValue(parseQuantity(v)));
}

/**
 * The OOM score adjustment: Guaranteed -997, BestEffort 1000, Burstable
 * `1000 - 1000*memoryRequest/memoryCapacity` kept within [3, 999] (the floor is
 * 1000 + guaranteedOOMScoreAdj in the code; the eviction docs' table says 2). A sidecar gets no
 * more than the smallest regular container's value, so it is not killed first.
 */
export function oomScoreAdjust(pod: Pod, container: Container, memoryCapacity: number): number {
  const qos = podQosClass(pod);
  if (qos === "Guaranteed") return guaranteedOomScoreAdj;
  if (qos === "BestEffort") return bestEffortOomScoreAdj;
  const request = bytes(container.resources?.requests?.memory);
  let adjust = 1000 - Math.trunc((1000 * request) / memoryCapacity);
  const isSidecar = (pod.spec?.initContainers ?? []).includes(container) && isRestartableInitContainer(container);
  if (isSidecar) {
    const regular = (pod.spec?.containers ?? []).map((c) => bytes(c.resources?.requests?.memory)).filter((m) => m > 0);
    if (regular.length > 0) {
      const minRegular = 1000 - Math.trunc((1000 * Math.min(...regular)) / memoryCapacity);
      adjust = Math.min(adjust, minRegular);
    }
  }
  if (adjust < 1000 + guaranteedOomScoreAdj) return 1000 + guaranteedOomScoreAdj;
  if (adjust === bestEffortOomScoreAdj) return adjust - 1;
  return adjust;
}

/**
 * The runtime resources of a container: shares from the cpu request (the limit when only it
 * is set), quota from the cpu limit over the 100ms period, the memory limit in bytes, and the
 * OOM score adjustment. `memoryCapacity` is the node's memory capacity in bytes.
 */
export function containerResources(pod: Pod, container: Container, memoryCapacity: number): LinuxContainerResources {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const cpuRequest = milli(requests.cpu);
  const cpuLimit = milli(limits.cpu);
  const memoryLimit = bytes(limits.memory);
  const out: LinuxContainerResources = {
    cpuShares: milliCpuToShares(cpuRequest === 0 && cpuLimit !== 0 ? cpuLimit : cpuRequest),
    cpuPeriod: quotaPeriod,
    cpuQuota: milliCpuToQuota(cpuLimit, quotaPeriod),
    oomScoreAdj: oomScoreAdjust(pod, container, memoryCapacity),
  };
  if (memoryLimit !== 0) out.memoryLimitInBytes = memoryLimit;
  return out;
}
