import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "../meta/status-errors.js";
import {
  newLabelRequirement,
  parseInt64,
  requirementMatches,
  requirementString,
  type LabelRequirement,
} from "./label-requirement.js";

const req = (key: string, operator: LabelRequirement["operator"], values: string[] = []): LabelRequirement =>
  ({ key, operator, values });

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BadRequestError, `expected BadRequestError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("expected an error");
}

test("integers follow Go's ParseInt: optional sign, digits, int64 range", () => {
  assert.equal(parseInt64("42"), 42n);
  assert.equal(parseInt64("+7"), 7n);
  assert.equal(parseInt64("-0009"), -9n);
  assert.equal(parseInt64("9223372036854775807"), 9223372036854775807n);
  assert.equal(parseInt64("9223372036854775808"), undefined);
  assert.equal(parseInt64("-9223372036854775808"), -9223372036854775808n);
  for (const bad of ["", "+", "1_000", "0x10", "1.0", " 1", "1e3"]) assert.equal(parseInt64(bad), undefined, bad);
});

test("a requirement reports every problem at once, in upstream's order and wording", () => {
  assert.equal(
    errorOf(() => newLabelRequirement("a", "gt", ["x", "y"])),
    "[values: Invalid value: []string{\"x\", \"y\"}: for 'Gt', 'Lt' operators, exactly one value is required, " +
      "values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer, " +
      "values[1]: Invalid value: \"y\": for 'Gt', 'Lt' operators, the value must be an integer]",
  );
  assert.equal(
    errorOf(() => newLabelRequirement("a", "=", ["b", "c"])),
    "values: Invalid value: []string{\"b\", \"c\"}: exact-match compatibility requires one single value",
  );
  assert.equal(
    errorOf(() => newLabelRequirement("a", "in", null)),
    "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
  );
  assert.equal(
    errorOf(() => newLabelRequirement("a", "exists", ["v"])),
    "values: Invalid value: []string{\"v\"}: values set must be empty for exists and does not exist",
  );
});

test("an unknown operator is reported with the supported list", () => {
  assert.equal(
    errorOf(() => newLabelRequirement("a", "~" as never, ["b"])),
    'operator: Unsupported value: "~": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
  );
});

test("an invalid key and value are reported at key and values[i][key]", () => {
  assert.equal(
    errorOf(() => newLabelRequirement("a_", "=", ["ok"])),
    "key: Invalid value: \"a_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start " +
      "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " +
      "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  );
  assert.equal(
    errorOf(() => newLabelRequirement("k", "in", ["ok", "x".repeat(64)])),
    `values[1][k]: Invalid value: "${"x".repeat(64)}": must be no more than 63 characters`,
  );
});

test("a valid requirement keeps its values as given", () => {
  assert.deepEqual(newLabelRequirement("app", "notin", ["b", "a", "b"]), req("app", "notin", ["b", "a", "b"]));
});

test("set-based and equality requirements match as upstream documents", () => {
  const labels = { app: "web", tier: "front" };
  assert.equal(requirementMatches(req("app", "in", ["web", "db"]), labels), true);
  assert.equal(requirementMatches(req("app", "in", ["db"]), labels), false);
  assert.equal(requirementMatches(req("zone", "in", ["a"]), labels), false);
  // notin and != are satisfied by a missing label
  assert.equal(requirementMatches(req("zone", "notin", ["a"]), labels), true);
  assert.equal(requirementMatches(req("zone", "!=", ["a"]), labels), true);
  assert.equal(requirementMatches(req("app", "!=", ["web"]), labels), false);
  assert.equal(requirementMatches(req("tier", "exists"), labels), true);
  assert.equal(requirementMatches(req("tier", "!"), labels), false);
  assert.equal(requirementMatches(req("tier", "!"), undefined), true);
  assert.equal(requirementMatches(req("tier", "exists"), null), false);
});

test("labels inherited from Object.prototype are not labels", () => {
  assert.equal(requirementMatches(req("constructor", "exists"), {}), false);
  assert.equal(requirementMatches(req("toString", "!"), {}), true);
});

test("gt and lt compare 64-bit integers and never match a missing or non-numeric label", () => {
  assert.equal(requirementMatches(req("n", "gt", ["3"]), { n: "4" }), true);
  assert.equal(requirementMatches(req("n", "gt", ["3"]), { n: "3" }), false);
  assert.equal(requirementMatches(req("n", "lt", ["3"]), { n: "-10" }), true);
  assert.equal(requirementMatches(req("n", "lt", ["3"]), {}), false);
  assert.equal(requirementMatches(req("n", "gt", ["3"]), { n: "four" }), false);
  assert.equal(
    requirementMatches(req("n", "gt", ["9223372036854775806"]), { n: "9223372036854775807" }),
    true,
  );
  assert.equal(requirementMatches(req("n", "gt", ["1"]), { n: "9223372036854775808" }), false);
});

test("requirements print in upstream's canonical form with sorted values", () => {
  assert.equal(requirementString(req("a", "in", ["z", "b", ""])), "a in (,b,z)");
  assert.equal(requirementString(req("a", "notin", ["x"])), "a notin (x)");
  assert.equal(requirementString(req("a", "=", ["x"])), "a=x");
  assert.equal(requirementString(req("a", "==", ["x"])), "a==x");
  assert.equal(requirementString(req("a", "!=", [""])), "a!=");
  assert.equal(requirementString(req("a", "gt", ["1"])), "a>1");
  assert.equal(requirementString(req("a", "lt", ["1"])), "a<1");
  assert.equal(requirementString(req("a", "exists")), "a");
  assert.equal(requirementString(req("a", "!")), "!a");
});
