import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenize } from "./label-lexer.js";

const types = (s: string): string[] => tokenize(s).map((t) => `${t.type}:${t.literal}`);

test("operators are the longest run of symbols that still spells one", () => {
  assert.deepEqual(types("a!=b"), ["identifier:a", "notEquals:!=", "identifier:b", "end:"]);
  assert.deepEqual(types("a==b"), ["identifier:a", "doubleEquals:==", "identifier:b", "end:"]);
  // "!==" is not an operator, so it reads as "!=" then "="
  assert.deepEqual(types("a!==b"), ["identifier:a", "notEquals:!=", "equals:=", "identifier:b", "end:"]);
  assert.deepEqual(types("a=(b)"), ["identifier:a", "equals:=", "openPar:(", "identifier:b", "closePar:)", "end:"]);
});

test("in and notin are keywords only as whole words", () => {
  assert.deepEqual(types("x in (inside)"), ["identifier:x", "in:in", "openPar:(", "identifier:inside", "closePar:)", "end:"]);
  assert.deepEqual(types("x notin(a)"), ["identifier:x", "notIn:notin", "openPar:(", "identifier:a", "closePar:)", "end:"]);
});

test("spaces, tabs, carriage returns and newlines separate tokens", () => {
  assert.deepEqual(types(" a\t=\r\nb "), ["identifier:a", "equals:=", "identifier:b", "end:"]);
});

test("a NUL inside a word ends the word, and a NUL where a token would start ends the selector", () => {
  assert.deepEqual(types("a\0b"), ["identifier:a", "identifier:b", "end:"]);
  assert.deepEqual(types("a \0b=c"), ["identifier:a", "end:"]);
  assert.deepEqual(types("a=\0b"), ["identifier:a", "equals:=", "identifier:b", "end:"]);
});

test("characters outside ASCII stay inside words", () => {
  assert.deepEqual(types("ключ=значение"), ["identifier:ключ", "equals:=", "identifier:значение", "end:"]);
});
