import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSchema } from "./load-schema.js";
import type { Schema, StructDef } from "./schema.js";
import {
  findDuplicateFields,
  findStrictDecodingErrors,
  findUnknownFields,
  strictDecodingBadRequest,
  strictDecodingPatchInvalid,
  strictDecodingMessage,
  strictDecodingWarnings,
} from "./strict-decoding.js";

async function kind(group: string, k: string): Promise<{ schema: Schema; root: StructDef }> {
  const schema = await loadSchema();
  const root = schema.structForKind({ group, version: "v1", kind: k });
  assert.ok(root, `schema has ${k}`);
  return { schema, root };
}

const pod = (spec: unknown, metadata: unknown = { name: "p" }) => ({ apiVersion: "v1", kind: "Pod", metadata, spec });

const unknownFieldCases: Array<{ name: string; obj: unknown; want: string[] }> = [
  { name: "a valid pod has no unknown fields", obj: pod({ containers: [{ name: "a", image: "busybox" }] }), want: [] },
  {
    name: "a misspelt container field is reported with its list index",
    obj: pod({ containers: [{ name: "a", image: "x" }, { name: "b", imagee: "x" }] }),
    want: ['unknown field "spec.containers[1].imagee"'],
  },
  {
    name: "fields are matched case-sensitively",
    obj: pod({ containers: [{ Name: "a" }] }),
    want: ['unknown field "spec.containers[0].Name"'],
  },
  {
    name: "unknown fields come in document order, at every depth",
    obj: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labelz: {} }, spec: { containers: [{ name: "a", ports: [{ containerPort: 1, protocoll: "TCP" }] }] }, extra: 1 },
    want: ['unknown field "metadata.labelz"', 'unknown field "spec.containers[0].ports[0].protocoll"', 'unknown field "extra"'],
  },
  {
    name: "the inside of an unknown field is not looked into",
    obj: pod({ containers: [], bogus: { deeper: { still: 1 } } }),
    want: ['unknown field "spec.bogus"'],
  },
  {
    name: "managed fields are opaque",
    obj: pod({ containers: [] }, { name: "p", managedFields: [{ manager: "m", fieldsV1: { "f:spec": { "f:anything": {} } } }] }),
    want: [],
  },
  {
    name: "values of the wrong type are left to the decoder, not reported as unknown",
    obj: pod({ containers: "not a list", nodeSelector: { disk: 1 } }),
    want: [],
  },
  {
    name: "quantities and int-or-strings are values, not objects",
    obj: pod({ containers: [{ name: "a", resources: { limits: { cpu: "1", memory: 5 } }, livenessProbe: { httpGet: { port: "http" } } }] }),
    want: [],
  },
];

for (const c of unknownFieldCases) {
  test(`strict decoding of a parsed Pod: ${c.name}`, async () => {
    const { schema, root } = await kind("", "Pod");
    assert.deepEqual(findUnknownFields(c.obj, root, schema), c.want);
    assert.deepEqual(findStrictDecodingErrors(JSON.stringify(c.obj), root, schema), c.want);
  });
}

test("apiVersion and kind are known at the top of a kind but not inside a pod template", async () => {
  const { schema, root } = await kind("apps", "Deployment");
  const deployment = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" },
    spec: { selector: {}, template: { apiVersion: "v1", metadata: {}, spec: { containers: [] } } },
  };
  assert.deepEqual(findUnknownFields(deployment, root, schema), ['unknown field "spec.template.apiVersion"']);
});

test("a JSON body naming a field twice reports a duplicate field, in document order with unknown ones", async () => {
  const { schema, root } = await kind("", "Pod");
  const body = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},' +
    '"spec":{"zzz":1,"containers":[{"name":"c","image":"i","image":"j"}]},"kind":"Pod"}';
  assert.deepEqual(findStrictDecodingErrors(body, root, schema), [
    'duplicate field "metadata.name"',
    'duplicate field "metadata.labels.x"',
    'unknown field "spec.zzz"',
    'duplicate field "spec.containers[0].image"',
    'duplicate field "kind"',
  ]);
});

test("an unknown field given twice is reported once, and a repeated object is checked each time", async () => {
  const { schema, root } = await kind("", "Pod");
  const body = '{"spec":{"foo":1,"foo":2},"spec":{"bar":1}}';
  assert.deepEqual(findStrictDecodingErrors(body, root, schema), [
    'unknown field "spec.foo"',
    'duplicate field "spec"',
    'unknown field "spec.bar"',
  ]);
});

test("no more than 100 strict decoding errors are collected", async () => {
  const { schema, root } = await kind("", "ConfigMap");
  const obj: Record<string, number> = {};
  for (let i = 0; i < 150; i++) obj[`f${i}`] = i;
  const errors = findUnknownFields(obj, root, schema);
  assert.equal(errors.length, 100);
  assert.equal(errors[99], 'unknown field "f99"');
});

test("duplicates in an untyped document are found at every depth", () => {
  assert.deepEqual(findDuplicateFields('{"a":1,"b":{"c":[{"d":1,"d":2}]},"a":3}'), [
    'duplicate field "b.c[0].d"',
    'duplicate field "a"',
  ]);
  assert.deepEqual(findDuplicateFields('{"a":"x\\"y","b":[1,2.5e3,true,null]}'), []);
});

test("keys with escapes are compared after unescaping", async () => {
  const { schema, root } = await kind("", "Pod");
  assert.deepEqual(findStrictDecodingErrors('{"kin\\u0064":"Pod","kind":"Pod"}', root, schema), ['duplicate field "kind"']);
});

test("a body that is not JSON is refused rather than half-checked", async () => {
  const { schema, root } = await kind("", "Pod");
  assert.throws(() => findStrictDecodingErrors('{"spec":', root, schema), SyntaxError);
  assert.throws(() => findStrictDecodingErrors('{"a":1} x', root, schema), SyntaxError);
});

test("a strict create is refused with upstream's 400 message", () => {
  const errors = ['unknown field "spec.foo"', 'unknown field "spec.bar"'];
  const err = strictDecodingBadRequest({ kind: "Pod", version: "v1" }, "Pod", errors);
  assert.equal(err.code, 400);
  assert.equal(err.reason, "BadRequest");
  assert.equal(err.message,
    'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
  assert.equal(strictDecodingMessage(errors), 'strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
});

test("a strict json or merge patch is refused as an invalid patch", () => {
  const err = strictDecodingPatchInvalid('{"spec":{"foo":1}}', ['unknown field "spec.foo"']);
  assert.equal(err.code, 422);
  assert.equal(err.message, ' "" is invalid: patch: Invalid value: "{\\"spec\\":{\\"foo\\":1}}": strict decoding error: unknown field "spec.foo"');
  assert.equal(err.details?.causes?.[0]?.field, "patch");
});

test("under Warn each strict decoding error becomes one warning", () => {
  assert.deepEqual(strictDecodingWarnings(['unknown field "spec.foo"', 'duplicate field "kind"']),
    ['unknown field "spec.foo"', 'duplicate field "kind"']);
});
