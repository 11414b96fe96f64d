import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultNode } from "./core-defaults.js";
import { podQosClass } from "./pod-qos.js";
import { validateBinding, validateNode, validateNodeUpdate, type Node } from "./node-validation.js";

describe("nodes", () => {
  it("allocatable defaults to capacity, in canonical form", () => {
    const n: Node = { metadata: { name: "n1" }, status: { capacity: { cpu: "4", memory: "8192Mi", pods: "110" } } };
    defaultNode(n);
    assert.deepEqual(n.status!.allocatable, { cpu: "4", memory: "8Gi", pods: "110" });
  });
  it("taints need an effect and must be unique per key and effect", () => {
    const n: Node = { metadata: { name: "n1" }, spec: { taints: [{ key: "a", effect: "NoSchedule" }, { key: "a", effect: "NoSchedule" }, { key: "b" }] } };
    assert.deepEqual(validateNode(n).map(fieldErrorText), [
      "metadata.taints[1]: Duplicate value: core.Taint{Key:\"a\", Value:\"\", Effect:\"NoSchedule\", TimeAdded:<nil>}: taints must be unique by key and effect pair",
      "metadata.taints[2].effect: Required value",
    ]);
  });
  it("pod CIDRs cannot change once set", () => {
    const old: Node = { metadata: { name: "n1", resourceVersion: "1" }, spec: { podCIDRs: ["10.1.0.0/24"] } };
    assert.deepEqual(validateNodeUpdate({ ...old, spec: { podCIDRs: ["10.2.0.0/24"] } }, old).map(fieldErrorText),
      ["spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid"]);
  });
  it("a binding must name a node", () => {
    assert.deepEqual(validateBinding({ target: { kind: "Pod" } }).map(fieldErrorText), [
      "target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\"",
      "target.name: Required value",
    ]);
  });
});

describe("pod QoS class (A3)", () => {
  const c = (resources: object) => ({ name: "a", image: "x:1", resources: resources as never });
  const cases: [string, object[], string][] = [
    ["no requests or limits", [c({})], "BestEffort"],
    ["equal cpu and memory limits and requests", [c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1000m", memory: "1024Mi" } })], "Guaranteed"],
    ["requests below limits", [c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } })], "Burstable"],
    ["only a memory request", [c({ requests: { memory: "64Mi" } })], "Burstable"],
    ["one container without limits", [c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } }), c({})], "Burstable"],
    ["zero quantities count as unset", [c({ requests: { cpu: "0" } })], "BestEffort"],
  ];
  for (const [title, containers, want] of cases) {
    it(`${title} → ${want}`, () => assert.equal(podQosClass({ spec: { containers } }), want));
  }
});
