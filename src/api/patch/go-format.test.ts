import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { goFloat, goFormat, goTypeText } from "./go-format.js";

describe("Go's printing of decoded JSON in patch error texts", () => {
  const values: Array<[unknown, string]> = [
    [null, "<nil>"],
    ["nginx", "nginx"],
    [true, "true"],
    [80, "80"],
    [-3, "-3"],
    [0.5, "0.5"],
    [["a", 1, null], "[a 1 <nil>]"],
    [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }, "map[image:nginx name:web ports:[map[containerPort:80]]]"],
    [{ "$patch": "delete", name: "b", Z: 1 }, "map[$patch:delete Z:1 name:b]"],
    [{}, "map[]"],
  ];
  for (const [value, text] of values) {
    it(`%v of ${JSON.stringify(value)} is ${text}`, () => assert.equal(goFormat(value), text));
  }

  it("%s of a non-string shows the Go type", () => {
    assert.equal(goFormat(1, "s"), "%!s(int64=1)");
    assert.equal(goFormat(1.5, "s"), "%!s(float64=1.5)");
    assert.equal(goFormat(false, "s"), "%!s(bool=false)");
    assert.equal(goFormat(null, "s"), "%!s(<nil>)");
    assert.equal(goFormat("merge", "s"), "merge");
  });

  it("floats switch to the exponent form as strconv's shortest %g does", () => {
    assert.equal(goFloat(123456.5), "123456.5");
    assert.equal(goFloat(1234567.5), "1.2345675e+06");
    assert.equal(goFloat(0.0001), "0.0001");
    assert.equal(goFloat(0.00001), "1e-05");
    assert.equal(goFloat(1e21), "1e+21");
    assert.equal(goFormat(1e21), "1e+21");
    assert.equal(goFormat(2 ** 62), "4611686018427387904");
  });

  it("names the Go type of a value", () => {
    assert.equal(goTypeText("x"), "string");
    assert.equal(goTypeText(1), "int64");
    assert.equal(goTypeText(1.5), "float64");
    assert.equal(goTypeText([1]), "[]interface {}");
    assert.equal(goTypeText({}), "map[string]interface {}");
    assert.equal(goTypeText(null), "%!s(<nil>)");
  });
});
