import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod } from "../api/index.js";
import { containerResources, milliCpuToQuota, milliCpuToShares, oomScoreAdjust } from "./container-resources.js";

test("milliCpuToShares: 1024 per cpu within [2, 262144] (helpers_linux_test)", () => {
  const cases: [number, number][] = [[0, 2], [1, 2], [2, 2], [3, 3], [100, 102], [250, 256], [500, 512], [1000, 1024], [1500, 1536], [256000, 262144], [300000, 262144]];
  for (const [milli, want] of cases) assert.equal(milliCpuToShares(milli), want, String(milli));
});

test("milliCpuToQuota: limit over the period, at least 1ms (helpers_linux_test)", () => {
  const cases: [number, number, number][] = [
    [0, 100000, 0], [5, 100000, 1000], [9, 100000, 1000], [10, 100000, 1000], [200, 100000, 20000],
    [500, 100000, 50000], [1000, 100000, 100000], [1500, 100000, 150000], [1500, 10000, 15000], [1500, 50000, 75000],
  ];
  for (const [milli, period, want] of cases) assert.equal(milliCpuToQuota(milli, period), want, `${milli}/${period}`);
});

const capacity = 8_000_000_000;
const podOf = (containers: Container[], initContainers: Container[] = []): Pod => ({ metadata: { name: "p", namespace: "d", uid: "u" }, spec: { containers, initContainers } });
const res = (requests?: Record<string, string>, limits?: Record<string, string>): Container["resources"] => ({ ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) });

test("oomScoreAdjust per QoS class (qos/policy_test)", () => {
  const guaranteed: Container = { name: "g", resources: res({ cpu: "1", memory: "1Gi" }, { cpu: "1", memory: "1Gi" }) };
  const best: Container = { name: "b" };
  const cases: [string, Pod, Container, number][] = [
    ["guaranteed", podOf([guaranteed]), guaranteed, -997],
    ["best effort", podOf([best]), best, 1000],
    ["burstable half", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ memory: "4000000000" }) }), 500],
    ["burstable cpu only: 999 not 1000", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ cpu: "100m" }) }), 999],
    ["burstable all memory: floor 3", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ memory: "8000000000" }) }), 3],
    ["burstable above capacity: floor 3", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ memory: "16000000000" }) }), 3],
    ["burstable 99.6%", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ memory: "7968000000" }) }), 4],
    ["burstable 10%", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ memory: "800000000" }) }), 900],
    ["burstable rounds toward zero", ...((c: Container) => [podOf([c]), c] as const)({ name: "x", resources: res({ memory: "1000000001" }) }), 875],
  ];
  for (const [name, pod, c, want] of cases) assert.equal(oomScoreAdjust(pod, c, capacity), want, name);

  // A sidecar gets no higher a score than the smallest regular container.
  const sidecar: Container = { name: "s", restartPolicy: "Always", resources: res({ memory: "800000000" }) };
  const app: Container = { name: "a", resources: res({ memory: "4000000000" }) };
  assert.equal(oomScoreAdjust(podOf([app], [sidecar]), sidecar, capacity), 500);
  const plainInit: Container = { name: "i", resources: res({ memory: "800000000" }) };
  assert.equal(oomScoreAdjust(podOf([app], [plainInit]), plainInit, capacity), 900);
});

test("containerResources maps requests and limits to the runtime", () => {
  const cases: [string, Container, object][] = [
    ["guaranteed", { resources: res({ cpu: "500m", memory: "128Mi" }, { cpu: "500m", memory: "128Mi" }) }, { cpuShares: 512, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 134217728, oomScoreAdj: -997 }],
    ["best effort", {}, { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 0, oomScoreAdj: 1000 }],
    ["cpu limit only: shares from the limit", { resources: res(undefined, { cpu: "2" }) }, { cpuShares: 2048, cpuPeriod: 100000, cpuQuota: 200000, oomScoreAdj: 999 }],
    ["request below limit", { resources: res({ cpu: "250m", memory: "1G" }, { cpu: "1", memory: "2G" }) }, { cpuShares: 256, cpuPeriod: 100000, cpuQuota: 100000, memoryLimitInBytes: 2000000000, oomScoreAdj: 875 }],
    ["tiny limit", { resources: res({ cpu: "1m" }, { cpu: "1m" }) }, { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 1000, oomScoreAdj: 999 }],
  ];
  for (const [name, c, want] of cases) assert.deepEqual(containerResources(podOf([c]), c, capacity), want, name);
});
