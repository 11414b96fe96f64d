import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath, fieldErrorText } from "./field-errors.js";
import { labelSelectorMatcher, validateLabelSelector, type LabelSelector } from "./label-selector-validation.js";

describe("label selectors in objects", () => {
  it("match labels and expressions together", () => {
    const m = labelSelectorMatcher({
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["front", "edge"] }, { key: "canary", operator: "DoesNotExist" }],
    });
    assert.ok(m.ok);
    assert.equal(m.matches({ app: "web", tier: "edge" }), true);
    assert.equal(m.matches({ app: "web", tier: "back" }), false);
    assert.equal(m.matches({ app: "web", tier: "edge", canary: "1" }), false);
  });
  it("a missing selector selects nothing, an empty one everything", () => {
    const none = labelSelectorMatcher(undefined);
    const all = labelSelectorMatcher({});
    assert.ok(none.ok && all.ok);
    assert.equal(none.matches({ a: "b" }), false);
    assert.equal(none.empty, false);
    assert.equal(all.empty, true);
    assert.equal(all.matches({}), true);
  });
  it("does not mistake inherited object properties for labels", () => {
    const m = labelSelectorMatcher({ matchExpressions: [{ key: "constructor", operator: "Exists" }] });
    assert.ok(m.ok);
    assert.equal(m.matches({}), false);
  });
  it("cannot convert an unknown operator", () => {
    const m = labelSelectorMatcher({ matchExpressions: [{ key: "a", operator: "Like", values: ["x"] }] });
    assert.deepEqual(m, { ok: false, error: "\"Like\" is not a valid label selector operator" });
  });
  it("reports requirement errors with upstream's messages", () => {
    const sel: LabelSelector = {
      matchExpressions: [
        { key: "a", operator: "In" },
        { key: "b", operator: "Exists", values: ["x"] },
        { key: "c", operator: "Like" },
      ],
    };
    assert.deepEqual(validateLabelSelector(sel, FieldPath.root("spec").child("selector")).map(fieldErrorText), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      "spec.selector.matchExpressions[2].operator: Invalid value: \"Like\": not a valid selector operator",
    ]);
  });
});
