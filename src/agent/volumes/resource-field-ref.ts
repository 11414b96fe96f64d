/**
 * The value of a `resourceFieldRef` (pkg/api/v1/resource/helpers.go
 * ExtractResourceValueByContainerNameAndNodeAllocatable): a container's request or limit,
 * divided by the divisor and rounded up; a limit the container does not set is the node's
 * allocatable amount, because that is what the container can actually use.
 * Both downwardAPI volumes and environment variables use this one function.
 */
import { parseQuantity, quantityMilliValue, quantityValue } from "../../api/index.js";
import type { Container, Pod, ResourceFieldSelector, ResourceList } from "../../api/index.js";

const mergedLimits = ["cpu", "memory", "ephemeral-storage"];

function findContainer(pod: Pod, name: string): Container | undefined {
  const spec = pod.spec ?? {};
  return (spec.containers ?? []).find((c) => c.name === name) ?? (spec.initContainers ?? []).find((c) => c.name === name);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error("divisor must not be zero");
  const q = a / b;
  return q * b === a || (a < 0n) !== (b < 0n) ? q : q + 1n;
}

function amount(list: ResourceList | undefined, name: string): string | number {
  return list?.[name] ?? "0";
}

export function extractResourceValue(selector: ResourceFieldSelector, pod: Pod, containerName: string, nodeAllocatable: ResourceList): string {
  const container = findContainer(pod, containerName);
  if (!container) throw new Error(`container ${containerName} not found`);
  const limits: ResourceList = { ...(container.resources?.limits ?? {}) };
  for (const [name, value] of Object.entries(nodeAllocatable)) {
    if ((mergedLimits.includes(name) || name.startsWith("hugepages-")) && limits[name] === undefined) limits[name] = value;
  }
  const requests = container.resources?.requests;
  const divisorText = selector.divisor;
  const divisor = parseQuantity(divisorText === undefined || divisorText === "" || divisorText === 0 || divisorText === "0" ? "1" : divisorText);
  const resource = selector.resource ?? "";
  const [kind, name] = [resource.slice(0, resource.indexOf(".")), resource.slice(resource.indexOf(".") + 1)];
  const list = kind === "limits" ? limits : kind === "requests" ? requests : undefined;
  if (list !== undefined || kind === "requests") {
    if (name === "cpu") return String(ceilDiv(quantityMilliValue(parseQuantity(amount(list, name))), quantityMilliValue(divisor)));
    if (name === "memory" || name === "ephemeral-storage" || name.startsWith("hugepages-")) {
      return String(ceilDiv(quantityValue(parseQuantity(amount(list, name))), quantityValue(divisor)));
    }
  }
  throw new Error(`unsupported container resource : ${resource}`);
}
