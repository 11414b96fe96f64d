import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { validateLease } from "./lease-validation.js";

describe("leases", () => {
  it("a node heartbeat lease passes", () => {
    assert.deepEqual(validateLease({ metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { holderIdentity: "n1", leaseDurationSeconds: 40 } }), []);
  });
  it("durations must be positive and transitions not negative", () => {
    const errs = validateLease({ metadata: { name: "l", namespace: "d" }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } });
    assert.deepEqual(errs.map(fieldErrorText), [
      "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
      "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
    ]);
  });
  it("any finalizer name that is a qualified name is fine for a lease", () => {
    assert.deepEqual(validateLease({ metadata: { name: "l", namespace: "d", finalizers: ["hold"] } }), []);
  });
});
