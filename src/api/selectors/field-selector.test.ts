import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "../meta/status-errors.js";
import {
  FieldSelector,
  escapeFieldValue,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
} from "./field-selector.js";

function parseError(text: string): string {
  try {
    parseFieldSelector(text);
  } catch (e) {
    assert.ok(e instanceof BadRequestError, `expected BadRequestError, got ${String(e)}`);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

test("terms are kept sorted by their text and == is stored as =", () => {
  const sel = parseFieldSelector("status.phase!=Running,metadata.name==p1,spec.nodeName=n1");
  assert.deepEqual(sel.requirements, [
    { field: "metadata.name", operator: "=", value: "p1" },
    { field: "spec.nodeName", operator: "=", value: "n1" },
    { field: "status.phase", operator: "!=", value: "Running" },
  ]);
  assert.equal(sel.toString(), "metadata.name=p1,spec.nodeName=n1,status.phase!=Running");
});

test("kubectl's name and involvedObject selectors parse", () => {
  assert.equal(parseFieldSelector("metadata.name=p1").requiresExactMatch("metadata.name"), "p1");
  const ev = parseFieldSelector("involvedObject.namespace=NS,involvedObject.uid=UID,involvedObject.name=P");
  assert.equal(ev.requirements.length, 3);
  assert.equal(ev.matches({ "involvedObject.namespace": "NS", "involvedObject.uid": "UID", "involvedObject.name": "P" }), true);
});

test("empty input and empty terms select everything", () => {
  assert.equal(parseFieldSelector("").empty(), true);
  assert.equal(parseFieldSelector(",,").empty(), true);
  // a bare "=" has neither field nor value, and upstream's transform drops such terms
  assert.equal(parseFieldSelector("=").empty(), true);
  assert.equal(parseFieldSelector("=,a=b").toString(), "a=b");
  assert.equal(parseFieldSelector("=b").toString(), "=b");
});

test("a value escapes backslash, comma and equals with a backslash", () => {
  const sel = parseFieldSelector("a=x\\,y\\=z\\\\w,b!=c");
  assert.deepEqual(sel.requirements[0], { field: "a", operator: "=", value: "x,y=z\\w" });
  assert.equal(sel.toString(), "a=x\\,y\\=z\\\\w,b!=c");
  assert.equal(escapeFieldValue("a,b=c\\d"), "a\\,b\\=c\\\\d");
  assert.equal(unescapeFieldValue("a\\,b\\=c\\\\d"), "a,b=c\\d");
  assert.equal(unescapeFieldValue("plain!"), "plain!");
  assert.equal(parseFieldSelector("a=!b").requirements[0]!.value, "!b");
});

test("malformed field selectors carry upstream's wording", () => {
  assert.equal(parseError("a"), "invalid selector: 'a'; can't understand 'a'");
  assert.equal(parseError("z=1,b"), "invalid selector: 'z=1,b'; can't understand 'b'");
  assert.equal(parseError("a=b=c"), "invalid field selector: unescaped character in value: 61");
  assert.equal(parseError("a=\\!"), "invalid field selector: invalid escape sequence: \\!");
  assert.equal(parseError("a=b\\"), "invalid field selector: invalid escape sequence: \\");
  // set-based syntax is not part of field selectors
  assert.equal(
    parseError("involvedObject.kind in (Pod)"),
    "invalid selector: 'involvedObject.kind in (Pod)'; can't understand 'involvedObject.kind in (Pod)'",
  );
});

test("the first error reported is the one of the first term in sorted order", () => {
  assert.equal(parseError("b,a"), "invalid selector: 'b,a'; can't understand 'a'");
});

test("spaces are part of field names and values", () => {
  assert.deepEqual(parseFieldSelector("a = b").requirements, [{ field: "a ", operator: "=", value: " b" }]);
});

test("matching treats an absent field as the empty string", () => {
  const fields = { "status.phase": "Running", "spec.nodeName": "" };
  assert.equal(parseFieldSelector("status.phase=Running").matches(fields), true);
  assert.equal(parseFieldSelector("status.phase!=Running").matches(fields), false);
  assert.equal(parseFieldSelector("spec.nodeName=").matches(fields), true);
  assert.equal(parseFieldSelector("status.podIPs=").matches(fields), true);
  assert.equal(parseFieldSelector("status.podIPs!=1.2.3.4").matches(fields), true);
  assert.equal(parseFieldSelector("constructor=").matches({}), true);
  assert.equal(FieldSelector.nothing().matches(fields), false);
  assert.equal(FieldSelector.everything().matches(fields), true);
});

test("an exact match comes from the first = term on the field", () => {
  const sel = parseFieldSelector("a!=1,a=2,a=3");
  assert.equal(sel.requiresExactMatch("a"), "2");
  assert.equal(parseFieldSelector("a!=1").requiresExactMatch("a"), undefined);
});

test("transform renames terms and drops terms mapped to nothing", () => {
  const sel = parseFieldSelector("spec.host=n1,x=y").transform((field, value) =>
    field === "x" ? { field: "", value: "" } : { field: field === "spec.host" ? "spec.nodeName" : field, value },
  );
  assert.equal(sel.toString(), "spec.nodeName=n1");
  assert.equal(FieldSelector.nothing().transform(() => ({ field: "a", value: "b" })).selectsNothing, true);
});

test("a selector from a field set requires every field, sorted", () => {
  assert.equal(fieldSelectorFromSet({ b: "1", a: "x,y" }).toString(), "a=x\\,y,b=1");
  assert.equal(fieldSelectorFromSet(undefined).empty(), true);
});

test("malformed field selectors only ever raise BadRequestError, and accepted ones survive printing", () => {
  const pieces = ["a", "b.c", "=", "==", "!=", "!", ",", "\\", " ", "", "é", "\u{1F600}", "in", "(", ")", "\0"];
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let text = "";
    for (let j = next() % 10; j > 0; j--) text += pieces[next() % pieces.length];
    let sel: FieldSelector;
    try {
      sel = parseFieldSelector(text);
    } catch (e) {
      assert.ok(e instanceof BadRequestError, `${JSON.stringify(text)} threw ${String(e)}`);
      continue;
    }
    accepted++;
    // Printing normalizes `==` and escapes, which can reorder terms once; after that it is stable.
    const again = parseFieldSelector(sel.toString());
    const terms = (s: FieldSelector): string[] => s.requirements.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(terms(again), terms(sel), JSON.stringify(text));
    assert.equal(parseFieldSelector(again.toString()).toString(), again.toString(), JSON.stringify(text));
  }
  assert.ok(accepted > 100);
});
