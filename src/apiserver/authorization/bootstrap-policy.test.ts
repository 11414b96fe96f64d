import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapAuthorizer } from "./authorizer.js";

const node = { username: "peapod-node", uid: "peapod-node", groups: ["system:nodes", "system:authenticated"] };
const admin = { username: "admin", uid: "", groups: ["system:masters", "system:authenticated"] };
const nobody = { username: "x", uid: "", groups: ["system:authenticated"] };

const cases: Array<[string, typeof node, string, string, string, boolean]> = [
  ["admins may do anything", admin, "delete", "apps", "deployments", true],
  ["a node registers itself", node, "create", "", "nodes", true],
  ["a node writes its status", node, "patch", "", "nodes/status", true],
  ["a node watches pods", node, "watch", "", "pods", true],
  ["a node writes pod status", node, "update", "", "pods/status", true],
  ["a node deletes a pod it finished", node, "delete", "", "pods", true],
  ["a node reads secrets for its pods", node, "get", "", "secrets", true],
  ["a node renews its lease", node, "update", "coordination.k8s.io", "leases", true],
  ["a node records events", node, "create", "", "events", true],
  ["a node may not change a pod's spec", node, "update", "", "pods", false],
  ["a node may not delete namespaces", node, "delete", "", "namespaces", false],
  ["a node may not create deployments", node, "create", "apps", "deployments", false],
  ["a node may not bind pods", node, "create", "", "pods/binding", false],
  ["other users get nothing", nobody, "get", "", "pods", false],
];

for (const [name, user, verb, group, resource, allowed] of cases) {
  test(name, () => assert.equal(bootstrapAuthorizer.authorize(user, { verb, group, resource, namespace: "default" }).allowed, allowed));
}

test("a node's rules are listed for SelfSubjectRulesReview", () => {
  const rules = bootstrapAuthorizer.rulesFor(node);
  assert.ok(rules.resourceRules.length > 5);
  assert.deepEqual(rules.nonResourceRules, []);
  assert.deepEqual(bootstrapAuthorizer.rulesFor(nobody), { resourceRules: [], nonResourceRules: [] });
});
