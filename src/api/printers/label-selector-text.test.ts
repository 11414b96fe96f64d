import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatLabels, formatLabelSelector, labelSelectorText } from "./label-selector-text.js";

describe("formatLabels", () => {
  it("sorts key=value pairs as whole strings and shows <none> for no labels", () => {
    assert.equal(formatLabels({ tier: "web", app: "shop", "app.kubernetes.io/name": "x" }), "app.kubernetes.io/name=x,app=shop,tier=web");
    assert.equal(formatLabels({}), "<none>");
  });
});

describe("label selector text", () => {
  it("renders matchLabels and every operator, sorted by key with sorted values", () => {
    const selector = {
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front", "cache"] },
        { key: "env", operator: "NotIn", values: ["dev"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "beta", operator: "Exists", values: [] },
      ],
    };
    assert.equal(formatLabelSelector(selector), "app=web,beta,!canary,env notin (dev),tier in (cache,front)");
  });

  it("shows <none> for a missing or empty selector", () => {
    assert.equal(formatLabelSelector(undefined), "<none>");
    assert.equal(formatLabelSelector({}), "<none>");
    assert.equal(labelSelectorText({ matchLabels: {}, matchExpressions: [] }), "");
  });

  it("shows <error> for a selector the API would reject", () => {
    const invalid = [
      { matchExpressions: [{ key: "a", operator: "In", values: [] }] },
      { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] },
      { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] },
      { matchLabels: { "bad key!": "x" } },
      { matchLabels: { app: "not a valid value" } },
    ];
    for (const selector of invalid) assert.equal(formatLabelSelector(selector), "<error>", JSON.stringify(selector));
    assert.equal(labelSelectorText(invalid[0]), undefined);
  });
});
