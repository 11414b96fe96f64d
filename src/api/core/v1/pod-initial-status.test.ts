import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { podInitialStatus } from "./pod-initial-status.js";

describe("podInitialStatus", () => {
  it("is Pending with the QoS class and no conditions for an ungated pod", () => {
    assert.deepEqual(podInitialStatus({ spec: { containers: [{ name: "a", image: "x" }] } }), { phase: "Pending", qosClass: "BestEffort" });
  });

  it("holds a gated pod with PodScheduled=False, reason SchedulingGated", () => {
    const status = podInitialStatus({
      spec: { schedulingGates: [{ name: "example.com/quota" }], containers: [{ name: "a", image: "x", resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } }] },
    });
    assert.deepEqual(status, {
      phase: "Pending",
      qosClass: "Guaranteed",
      conditions: [{
        type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: null,
        reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates",
      }],
    });
  });

  it("treats an empty gate list as no gates", () => {
    assert.equal(podInitialStatus({ spec: { schedulingGates: [], containers: [] } }).conditions, undefined);
  });
});
