import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "../meta/status-errors.js";
import { LabelSelector, parseLabelSelector, selectorFromSet } from "./label-selector.js";

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (e) {
    assert.ok(e instanceof BadRequestError, `expected BadRequestError for ${JSON.stringify(text)}, got ${String(e)}`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, "BadRequest");
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

const canonical = (text: string): string => parseLabelSelector(text).toString();

test("kubectl get pods -l 'a in (b' is refused with the apiserver's exact 400 message", () => {
  // kubectl prefixes it: Unable to find "/v1, Resource=pods" that match label selector "a in (b", field selector "": …
  assert.equal(parseError("a in (b"), "unable to parse requirement: found '', expected: ',' or ')'");
});

test("well-formed selectors print back in canonical form, requirements sorted by key", () => {
  for (const text of ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x=,z=", "!x", "x>1", "x>1,z<5", "a==b"]) {
    assert.equal(canonical(text), text);
  }
  assert.equal(canonical("x= ,z= "), "x=,z=");
  assert.equal(canonical("z=c,x=a"), "x=a,z=c");
  assert.equal(canonical("x in (foo,,baz),y,z notin ()"), "x in (,baz,foo),y,z notin ()");
  assert.equal(canonical("  env in ( prod , dev ) ,  tier  "), "env in (dev,prod),tier");
  assert.equal(canonical("a in (b,b,a)"), "a in (a,b)");
  assert.equal(canonical("example.com/app=web"), "example.com/app=web");
  // keys with equal names keep their written order
  assert.equal(canonical("k>3,k<10"), "k>3,k<10");
  assert.equal(canonical("k<10,k>3"), "k<10,k>3");
});

test("in and notin are plain words where a key or value is expected", () => {
  assert.equal(canonical("notin=in"), "notin=in");
  assert.equal(canonical("in in (in,notin)"), "in in (in,notin)");
  assert.equal(canonical("in"), "in");
});

test("syntax errors carry upstream's wording", () => {
  const cases: Array<[string, string]> = [
    ["x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
    ["x==a==b", "found '==', expected: ',' or 'end of string'"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ["k gt 3", "unable to parse requirement: found 'gt', expected: in, notin, =, ==, !=, gt, lt"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["!=a", "found '!=', expected: !, identifier, or 'end of string'"],
    ["=a", "found '=', expected: !, identifier, or 'end of string'"],
    [",a", "found ',', expected: !, identifier, or 'end of string'"],
    ["a=b,", "found '', expected: identifier after ','"],
    ["a,,b", "found ',', expected: identifier after ','"],
    ["a in in (x)", "unable to parse requirement: found 'in' expected: '('"],
    ["a in", "unable to parse requirement: found '' expected: '('"],
    ["a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ["a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"],
    ["a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ["a in (b,", "unable to parse requirement: found '', expected: ',', or identifier"],
    ["a=(b)", "unable to parse requirement: found '(', expected: identifier"],
  ];
  for (const [text, message] of cases) assert.equal(parseError(text), message, text);
});

test("an invalid key is reported at a nil field path before the rest is parsed", () => {
  assert.equal(
    parseError("-a=b"),
    "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  );
  assert.equal(
    parseError("Foo/ in (("),
    "unable to parse requirement: <nil>: Invalid value: \"Foo/\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'); name part must be non-empty; name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  );
  assert.equal(
    parseError(`${"k".repeat(64)}=v`),
    `unable to parse requirement: <nil>: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 characters`,
  );
});

test("gt and lt need an integer that is also a valid label value", () => {
  assert.equal(
    parseError("x<a"),
    "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
  );
  assert.equal(
    parseError("x>"),
    "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer",
  );
  assert.match(parseError("x>-5"), /^unable to parse requirement: values\[0\]\[x\]: Invalid value: "-5": a valid label must be/);
});

test("input after a NUL that starts a token is ignored, as the byte lexer does", () => {
  assert.equal(canonical("a \0garbage(("), "a");
});

test("selectors match label sets as upstream's examples say", () => {
  const match = (sel: string, labels: Record<string, string>): boolean => parseLabelSelector(sel).matches(labels);
  assert.equal(match("", { x: "y" }), true);
  assert.equal(match("x=y,z=w", { x: "y", z: "w" }), true);
  assert.equal(match("x!=y,z!=w", { x: "z", z: "a" }), true);
  assert.equal(match("notin=in", { notin: "in" }), true);
  assert.equal(match("x", { x: "z" }), true);
  assert.equal(match("!x", { y: "z" }), true);
  assert.equal(match("x>1", { x: "2" }), true);
  assert.equal(match("x<1", { x: "0" }), true);
  assert.equal(match("x=z", {}), false);
  assert.equal(match("x=y,z=w", { x: "w", z: "w" }), false);
  assert.equal(match("x!=y,z!=w", { x: "z", z: "w" }), false);
  assert.equal(match("!x", { x: "z" }), false);
  assert.equal(match("x>1", { x: "0" }), false);
  assert.equal(match("x in (,a)", { x: "" }), true);
  assert.equal(match("x=", {}), false);
  assert.equal(parseLabelSelector("x").matches(undefined), false);
  assert.equal(parseLabelSelector("").matches(undefined), true);
});

test("the empty selector selects everything and Nothing selects nothing, though both print as empty", () => {
  assert.equal(parseLabelSelector("").empty(), true);
  assert.equal(LabelSelector.everything().matches({ a: "b" }), true);
  assert.equal(LabelSelector.nothing().matches({ a: "b" }), false);
  assert.equal(LabelSelector.nothing().empty(), false);
  assert.equal(LabelSelector.nothing().toString(), "");
  assert.equal(LabelSelector.nothing().add({ key: "a", operator: "exists", values: [] }).matches({ a: "" }), false);
});

test("adding requirements keeps them sorted by key", () => {
  const sel = parseLabelSelector("b=1").add({ key: "a", operator: "exists", values: [] });
  assert.equal(sel.toString(), "a,b=1");
});

test("an exact match is found only when the first requirement on the key pins one value", () => {
  const sel = parseLabelSelector("a=1,b in (2),c in (3,4),d!=5,e==6");
  assert.equal(sel.requiresExactMatch("a"), "1");
  assert.equal(sel.requiresExactMatch("b"), "2");
  assert.equal(sel.requiresExactMatch("c"), undefined);
  assert.equal(sel.requiresExactMatch("d"), undefined);
  assert.equal(sel.requiresExactMatch("e"), "6");
  assert.equal(sel.requiresExactMatch("zz"), undefined);
});

test("a selector built from a label set requires each label, without validating", () => {
  const sel = selectorFromSet({ tier: "front", app: "web" });
  assert.equal(sel.toString(), "app=web,tier=front");
  assert.equal(sel.matches({ app: "web", tier: "front", x: "y" }), true);
  assert.equal(sel.matches({ app: "web" }), false);
  assert.equal(selectorFromSet({ "bad key!": "v@lue" }).toString(), "bad key!=v@lue");
  assert.equal(selectorFromSet({}).empty(), true);
  assert.equal(selectorFromSet(undefined).empty(), true);
});

/** A small deterministic generator, so a failure can be replayed. */
function* randomSelectors(count: number): Generator<string> {
  const pieces = [
    "a", "b", "app", "k8s.io/x", "=", "==", "!=", "!", "(", ")", ",", " ", "\t", "in", "notin", ">", "<",
    "1", "-1", "", "\0", "/", ".", "-", "_", "é", "\u{1F600}", "\\", "'", '"', "x".repeat(70),
  ];
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < count; i++) {
    let s = "";
    const len = next() % 12;
    for (let j = 0; j < len; j++) s += pieces[next() % pieces.length];
    yield s;
  }
}

test("malformed selectors only ever raise BadRequestError, and accepted ones round-trip", () => {
  let accepted = 0;
  for (const text of randomSelectors(20000)) {
    let sel: LabelSelector;
    try {
      sel = parseLabelSelector(text);
    } catch (e) {
      assert.ok(e instanceof BadRequestError, `${JSON.stringify(text)} threw ${String(e)}`);
      assert.ok(e.message.length > 0);
      continue;
    }
    if (!sel.empty()) accepted++;
    const printed = sel.toString();
    assert.equal(parseLabelSelector(printed).toString(), printed, JSON.stringify(text));
    sel.matches({ a: "1", app: "", "k8s.io/x": "b" });
  }
  assert.ok(accepted > 100, `only ${accepted} non-empty selectors accepted; too few to test round trips`);
});
