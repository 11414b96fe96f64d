import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Container, PodSpec } from "../api/index.js";
import { podNonZeroRequest, podResourceRequest } from "./pod-requests.js";
import { container } from "./testing/fixtures.js";

const sidecar = (name: string, requests: Record<string, string>): Container => container(name, requests, { restartPolicy: "Always" });

describe("what a pod requests of a node (upstream computePodResourceRequest)", () => {
  const cases: { name: string; spec: PodSpec; want: Record<string, bigint> }[] = [
    { name: "no requests at all", spec: { containers: [container("a")] }, want: {} },
    {
      name: "app containers add up; cpu in millicores, memory in bytes",
      spec: { containers: [container("a", { cpu: "250m", memory: "64Mi" }), container("b", { cpu: "0.5", memory: "1G" })] },
      want: { cpu: 750n, memory: 64n * 1024n * 1024n + 1_000_000_000n },
    },
    {
      name: "a big init container raises the request to its own",
      spec: { initContainers: [container("init", { cpu: "2" })], containers: [container("a", { cpu: "500m", memory: "1Gi" })] },
      want: { cpu: 2000n, memory: 1024n ** 3n },
    },
    {
      name: "a small init container changes nothing",
      spec: { initContainers: [container("init", { cpu: "100m" })], containers: [container("a", { cpu: "500m" })] },
      want: { cpu: 500n },
    },
    {
      name: "init containers take the max, not the sum",
      spec: { initContainers: [container("i1", { cpu: "1" }), container("i2", { cpu: "3" })], containers: [container("a", { cpu: "1" })] },
      want: { cpu: 3000n },
    },
    {
      name: "a sidecar adds to the app containers",
      spec: { initContainers: [sidecar("proxy", { cpu: "200m" })], containers: [container("a", { cpu: "1" })] },
      want: { cpu: 1200n },
    },
    {
      name: "an init container after a sidecar runs beside it",
      spec: {
        initContainers: [sidecar("proxy", { cpu: "1" }), container("migrate", { cpu: "2" })],
        containers: [container("a", { cpu: "500m" })],
      },
      // max(500m + 1, 2 + 1) = 3
      want: { cpu: 3000n },
    },
    {
      name: "an init container before the sidecar does not count it",
      spec: {
        initContainers: [container("migrate", { cpu: "2" }), sidecar("proxy", { cpu: "1" })],
        containers: [container("a", { cpu: "500m" })],
      },
      // max(500m + 1, 2) = 2
      want: { cpu: 2000n },
    },
    {
      name: "sidecars accumulate for later init containers",
      spec: {
        initContainers: [sidecar("s1", { memory: "100Mi" }), sidecar("s2", { memory: "100Mi" }), container("late", { memory: "300Mi" })],
        containers: [container("a", { memory: "50Mi" })],
      },
      // max(50 + 100 + 100, 300 + 200) = 500Mi
      want: { memory: 500n * 1024n * 1024n },
    },
    {
      name: "each resource takes its own max",
      spec: { initContainers: [container("init", { cpu: "2", memory: "10Mi" })], containers: [container("a", { cpu: "1", memory: "1Gi" })] },
      want: { cpu: 2000n, memory: 1024n ** 3n },
    },
    {
      name: "overhead is added on top",
      spec: { containers: [container("a", { cpu: "1" })], overhead: { cpu: "250m", memory: "120Mi" } },
      want: { cpu: 1250n, memory: 120n * 1024n * 1024n },
    },
    {
      name: "extended resources and ephemeral-storage count like the others",
      spec: { containers: [container("a", { "example.com/gpu": "1", "ephemeral-storage": "1Gi" }), container("b", { "example.com/gpu": "2" })] },
      want: { "example.com/gpu": 3n, "ephemeral-storage": 1024n ** 3n },
    },
    {
      name: "fractions round up as Quantity.Value does",
      spec: { containers: [container("a", { cpu: "0.0001", memory: "0.5" })] },
      want: { cpu: 1n, memory: 1n },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(Object.fromEntries(podResourceRequest({ spec: c.spec })), c.want);
    });
  }
});

describe("the requests used for scoring (upstream NonZeroRequested)", () => {
  it("counts a missing cpu or memory request as 100m / 200Mi, but keeps an explicit zero", () => {
    const spec: PodSpec = { containers: [container("a"), container("b", { cpu: "0" })] };
    assert.deepEqual(Object.fromEntries(podNonZeroRequest({ spec })), { cpu: 100n, memory: 2n * 200n * 1024n * 1024n });
  });
});
