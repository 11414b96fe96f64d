import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultNamespace, prepareNamespaceForCreate, type Namespace } from "./core-defaults.js";
import { validateNamespace, validateNamespaceStatusUpdate } from "./namespace-validation.js";

describe("namespaces", () => {
  it("get their name label, the kubernetes finalizer and phase Active on create", () => {
    const ns: Namespace = { metadata: { name: "team-a" } };
    defaultNamespace(ns);
    prepareNamespaceForCreate(ns);
    assert.deepEqual(ns, {
      metadata: { name: "team-a", labels: { "kubernetes.io/metadata.name": "team-a" } },
      status: { phase: "Active" },
      spec: { finalizers: ["kubernetes"] },
    });
  });

  const labelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const cases: [string, Namespace, string[]][] = [
    ["a DNS label passes", { metadata: { name: "team-a" } }, []],
    ["a dotted name is refused", { metadata: { name: "team.a" } }, ["metadata.name: Invalid value: \"team.a\": must not contain dots"]],
    ["an upper-case name is refused", { metadata: { name: "Team" } }, [`metadata.name: Invalid value: "Team": ${labelMsg}`]],
    ["a namespace has no namespace", { metadata: { name: "a", namespace: "b" } }, ["metadata.namespace: Forbidden: not allowed on this type"]],
    ["an unknown unprefixed spec finalizer", { metadata: { name: "a" }, spec: { finalizers: ["cleanup"] } },
      ["spec.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified"]],
  ];
  for (const [title, ns, want] of cases) it(title, () => assert.deepEqual(validateNamespace(ns).map(fieldErrorText), want));

  it("stays Active until deletion starts", () => {
    const old: Namespace = { metadata: { name: "a", resourceVersion: "1" }, status: { phase: "Active" } };
    assert.deepEqual(validateNamespaceStatusUpdate({ ...old, status: { phase: "Terminating" } }, old).map(fieldErrorText),
      ["status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"]);
  });
});
