import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultSecret, type Secret } from "./core-defaults.js";
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate, type ConfigMap } from "./config-validation.js";

const meta = { name: "cfg", namespace: "default" };
const keyMsg =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe("ConfigMaps", () => {
  const cases: [string, ConfigMap, string[]][] = [
    ["plain data passes", { metadata: meta, data: { "app.properties": "a=b" } }, []],
    ["keys must be file names", { metadata: meta, data: { "a/b": "x" } }, [`data[a/b]: Invalid value: "a/b": ${keyMsg}`]],
    ["a key may not be in data and binaryData", { metadata: meta, data: { k: "x" }, binaryData: { k: "eA==" } },
      ["data[k]: Invalid value: \"k\": duplicate of key present in binaryData"]],
    ["the total is capped at 1 MiB", { metadata: meta, data: { big: "x".repeat(1024 * 1024 + 1) } },
      ["Too long: may not be more than 1048576 bytes"]],
  ];
  for (const [title, cm, want] of cases) it(title, () => assert.deepEqual(validateConfigMap(cm).map(fieldErrorText), want));

  it("an immutable ConfigMap keeps its data and its immutability", () => {
    const old: ConfigMap = { metadata: { ...meta, resourceVersion: "1" }, data: { a: "1" }, immutable: true };
    const next: ConfigMap = { ...old, data: { a: "2" }, immutable: false };
    assert.deepEqual(validateConfigMapUpdate(next, old).map(fieldErrorText), [
      "immutable: Forbidden: field is immutable when `immutable` is set",
      "data: Forbidden: field is immutable when `immutable` is set",
    ]);
  });
});

describe("Secrets", () => {
  it("default to type Opaque", () => {
    const s: Secret = { metadata: meta };
    defaultSecret(s);
    assert.equal(s.type, "Opaque");
  });
  const cases: [string, Secret, string[]][] = [
    ["opaque data passes", { metadata: meta, type: "Opaque", data: { password: "c2VjcmV0" } }, []],
    ["stringData keys are checked like data keys", { metadata: meta, type: "Opaque", stringData: { "bad key": "x" } },
      [`data[bad key]: Invalid value: "bad key": ${keyMsg}`]],
    ["TLS secrets need a certificate and a key", { metadata: meta, type: "kubernetes.io/tls", data: {} },
      ["data[tls.crt]: Required value", "data[tls.key]: Required value"]],
    ["basic-auth secrets need a username or password", { metadata: meta, type: "kubernetes.io/basic-auth" },
      ["data[username]: Required value", "data[password]: Required value"]],
    ["token secrets name their service account", { metadata: meta, type: "kubernetes.io/service-account-token" },
      ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]],
    ["decoded data is capped at 1 MiB", { metadata: meta, type: "Opaque", data: { big: "A".repeat(1398104) } },
      ["data: Too long: may not be more than 1048576 bytes"]],
  ];
  for (const [title, s, want] of cases) it(title, () => assert.deepEqual(validateSecret(s).map(fieldErrorText), want));

  it("a secret's type cannot change", () => {
    const old: Secret = { metadata: { ...meta, resourceVersion: "1" }, type: "Opaque" };
    assert.deepEqual(validateSecretUpdate({ ...old, type: "kubernetes.io/tls", data: { "tls.crt": "", "tls.key": "" } }, old).map(fieldErrorText),
      ["type: Invalid value: \"kubernetes.io/tls\": field is immutable"]);
  });
});
