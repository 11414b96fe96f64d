import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "../meta/status-errors.js";
import { formatLabelSelector, labelSelectorAsSelector, type LabelSelectorObject } from "./label-selector-object.js";

function conversionError(ls: LabelSelectorObject): string {
  try {
    labelSelectorAsSelector(ls);
  } catch (e) {
    assert.ok(e instanceof BadRequestError);
    return e.message;
  }
  assert.fail("expected the selector to be refused");
}

test("matchLabels and matchExpressions combine into one selector sorted by key", () => {
  const sel = labelSelectorAsSelector({
    matchLabels: { tier: "front", app: "web" },
    matchExpressions: [
      { key: "env", operator: "In", values: ["prod", "dev"] },
      { key: "zone", operator: "NotIn", values: ["b"] },
      { key: "canary", operator: "DoesNotExist" },
      { key: "owner", operator: "Exists", values: [] },
    ],
  });
  assert.equal(sel.toString(), "app=web,!canary,env in (dev,prod),owner,tier=front,zone notin (b)");
  assert.equal(sel.matches({ app: "web", tier: "front", env: "dev", owner: "me" }), true);
  assert.equal(sel.matches({ app: "web", tier: "front", env: "dev", owner: "me", canary: "1" }), false);
  assert.equal(sel.matches({ app: "web", tier: "front", env: "qa", owner: "me" }), false);
});

test("a missing selector selects nothing and an empty one selects everything", () => {
  assert.equal(labelSelectorAsSelector(null).matches({ a: "b" }), false);
  assert.equal(labelSelectorAsSelector(undefined).matches({}), false);
  assert.equal(labelSelectorAsSelector({}).matches({ a: "b" }), true);
  assert.equal(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).empty(), true);
});

test("an unknown operator is refused with upstream's text", () => {
  assert.equal(
    conversionError({ matchExpressions: [{ key: "a", operator: "Foo", values: ["b"] }] }),
    '"Foo" is not a valid label selector operator',
  );
  // operators are case-sensitive: the string form's "in" is not the object's "In"
  assert.equal(conversionError({ matchExpressions: [{ key: "a", operator: "in", values: ["b"] }] }),
    '"in" is not a valid label selector operator');
});

test("values that do not fit the operator are refused as upstream's NewRequirement does", () => {
  assert.equal(
    conversionError({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }),
    "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  );
  assert.equal(
    conversionError({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }),
    'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
  );
  assert.equal(
    conversionError({ matchLabels: { app: "a b" } }),
    "values[0][app]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  );
});

test("SELECTOR columns show <none> for empty or missing selectors and <error> for invalid ones", () => {
  assert.equal(formatLabelSelector(null), "<none>");
  assert.equal(formatLabelSelector({}), "<none>");
  assert.equal(formatLabelSelector({ matchLabels: { app: "web" } }), "app=web");
  assert.equal(
    formatLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "x", operator: "NotIn", values: ["b", "a"] }] }),
    "app=web,x notin (a,b)",
  );
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: "x", operator: "Bogus" }] }), "<error>");
  assert.equal(formatLabelSelector({ matchLabels: { "-bad": "x" } }), "<error>");
});

test("malformed selector objects are refused, never crash", () => {
  const shapes: unknown[] = [
    { matchLabels: "app=web" },
    { matchExpressions: "nope" },
    { matchExpressions: [null] },
    { matchExpressions: [{ operator: "In", values: ["a"] }] },
    { matchExpressions: [{ key: "a", operator: "In", values: "a" }] },
    { matchExpressions: [{ key: "a", operator: 7 }] },
    { matchLabels: { a: 5 } },
  ];
  for (const shape of shapes) {
    try {
      labelSelectorAsSelector(shape as LabelSelectorObject);
    } catch (e) {
      assert.ok(e instanceof BadRequestError, `${JSON.stringify(shape)} threw ${String(e)}`);
    }
    assert.equal(typeof formatLabelSelector(shape as LabelSelectorObject), "string");
  }
});
