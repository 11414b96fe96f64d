import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "./field-errors.js";
import type { ObjectMeta } from "./object.js";
import {
  nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate,
} from "./object-meta-validation.js";
import { nameValidatorFor } from "./resource-name-rules.js";

const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const texts = (meta: ObjectMeta, rules = namespaced) => validateObjectMeta(meta, rules).map(fieldErrorText);

describe("ObjectMeta on create", () => {
  const cases: [string, ObjectMeta, string[]][] = [
    ["a valid name in a namespace passes", { name: "web", namespace: "default" }, []],
    ["a missing name says name or generateName is required", { namespace: "default" },
      ["metadata.name: Required value: name or generateName is required"]],
    ["a namespaced object needs a namespace", { name: "web" }, ["metadata.namespace: Required value"]],
    ["an upper-case name is no DNS subdomain", { name: "Web", namespace: "default" },
      ["metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["a bad label value is reported at metadata.labels", { name: "web", namespace: "default", labels: { app: "-x" } },
      ["metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ["a negative generation is refused", { name: "web", namespace: "default", generation: -1 },
      ["metadata.generation: Invalid value: -1: must be greater than or equal to 0"]],
    ["an unprefixed unknown finalizer is refused at its index", { name: "web", namespace: "default", finalizers: ["cleanup"] },
      ["metadata.finalizers[0]: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified"]],
    ["orphan and foregroundDeletion exclude each other", { name: "web", namespace: "default", finalizers: ["orphan", "foregroundDeletion"] },
      ["metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set"]],
    ["owner references need every identifying field", { name: "web", namespace: "default", ownerReferences: [{ apiVersion: "", kind: "", name: "", uid: "" }] },
      [
        "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
        "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
        "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
        "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty",
      ]],
  ];
  for (const [title, meta, want] of cases) it(title, () => assert.deepEqual(texts(meta), want));

  it("only one owner may be the controller", () => {
    const ref = (name: string) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid: "u", controller: true });
    const errs = validateObjectMeta({ name: "p", namespace: "d", ownerReferences: [ref("a"), ref("b")] }, namespaced);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.detail, "Only one reference can have Controller set to true. Found \"true\" in references for ReplicaSet/a and ReplicaSet/b");
  });

  it("annotations may total 256 KiB", () => {
    const big = { name: "web", namespace: "d", annotations: { a: "x".repeat(256 * 1024) } };
    assert.deepEqual(texts(big), ["metadata.annotations: Too long: may not be more than 262144 bytes"]);
  });

  it("a cluster-scoped object may not carry a namespace", () => {
    assert.deepEqual(texts({ name: "n1", namespace: "default" }, { namespaced: false, nameValidator: nameIsDNSLabel }),
      ["metadata.namespace: Forbidden: not allowed on this type"]);
  });

  it("generateName may end with a dash, as upstream masks it", () => {
    assert.deepEqual(texts({ name: "web-abcde", generateName: "web-", namespace: "d" }), []);
    assert.equal(texts({ name: "web-x", generateName: "Web-", namespace: "d" })[0]!.startsWith("metadata.generateName: Invalid value: \"Web-\""), true);
  });
});

describe("ObjectMeta on update", () => {
  const old: ObjectMeta = { name: "web", namespace: "default", uid: "u1", resourceVersion: "5", creationTimestamp: "2024-01-01T00:00:00Z" };
  it("identity fields are immutable", () => {
    const texts = validateObjectMetaUpdate({ ...old, name: "web2", uid: "u2" }, old).map(fieldErrorText);
    assert.deepEqual(texts, [
      "metadata.name: Invalid value: \"web2\": field is immutable",
      "metadata.uid: Invalid value: \"u2\": field is immutable",
    ]);
  });
  it("an update must carry a resourceVersion", () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, resourceVersion: "" }, old).map(fieldErrorText),
      ["metadata.resourceVersion: Invalid value: \"\": must be specified for an update"]);
  });
  it("labels may change", () => {
    assert.deepEqual(validateObjectMetaUpdate({ ...old, labels: { app: "web" } }, old), []);
  });
  it("no finalizer may be added once deletion started", () => {
    const deleting = { ...old, deletionTimestamp: "2024-01-02T00:00:00Z", finalizers: ["a.io/x"] };
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: ["a.io/x", "b.io/y"] }, deleting).map(fieldErrorText),
      ["metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b.io/y\"}"]);
  });
});

describe("name rules per kind", () => {
  it("services need DNS-1035 labels, namespaces and statefulsets DNS labels, the rest subdomains", () => {
    assert.equal(nameValidatorFor("", "Service"), nameIsDNS1035Label);
    assert.equal(nameValidatorFor("", "Namespace"), nameIsDNSLabel);
    assert.equal(nameValidatorFor("apps", "StatefulSet"), nameIsDNSLabel);
    assert.equal(nameValidatorFor("", "ConfigMap"), nameIsDNSSubdomain);
    assert.deepEqual(nameValidatorFor("", "ConfigMap")("app.config", false), []);
    assert.notDeepEqual(nameValidatorFor("", "Service")("app.config", false), []);
  });
});
