/**
 * `kind: List` manifests with the real kubectl (v1.32): kubectl validates a List's items
 * itself, against the OpenAPI v2 document it downloads as protobuf from /openapi/v2
 * (kubectl pkg/validation), because neither field-validation verifier supports v1/List.
 * `kubectl get -o yaml` writes a List too, so `replace -f` of its output takes this path.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Cleanup } from "../harness/cleanup.js";
import { Kubectl, startPeapod, type PeapodServer } from "../harness/peapod.js";

const list = (items: string): string => `apiVersion: v1\nkind: List\nitems:\n${items}`;

const configMapAndPod = list(`
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: list-settings
  data:
    mode: fast
- apiVersion: v1
  kind: Pod
  metadata:
    name: list-worker
    labels: {app: list}
  spec:
    containers:
    - name: main
      image: busybox:1.36
      command: ["sleep", "3600"]
      ports: [{name: http, containerPort: 8080}]
      resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 1}}
      readinessProbe: {httpGet: {port: http, path: /}}
`);

const unknownField = list(`
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: never-created
- apiVersion: v1
  kind: Pod
  metadata:
    name: never-created
  spec:
    foo: bar
    containers:
    - name: main
      image: busybox:1.36
`);

describe("kind: List manifests with kubectl", () => {
  const cleanup = new Cleanup();
  let server: PeapodServer;
  let k: Kubectl;

  before(async () => {
    server = await startPeapod(cleanup);
    k = new Kubectl(server, cleanup);
  });
  after(() => cleanup.run());

  it("creates every item of a List", async () => {
    const out = await k.ok(["create", "-f", "-"], { stdin: configMapAndPod });
    assert.equal(out, "configmap/list-settings created\npod/list-worker created\n");
    assert.equal(await k.ok(["get", "configmap", "list-settings", "-o", "jsonpath={.data.mode}"]), "fast");
    assert.equal(await k.ok(["get", "pod", "list-worker", "-o", "jsonpath={.spec.containers[0].ports[0].containerPort}"]), "8080");
  });

  it("refuses a List whose item has an unknown field with kubectl's own validation error, creating nothing", async () => {
    const r = await k.run(["create", "-f", "-"], { stdin: unknownField });
    assert.notEqual(r.code, 0);
    // kubectl prints this itself, before any request: the same against real Kubernetes.
    assert.equal(r.stderr.trim(),
      'error: error validating "STDIN": error validating data: ValidationError(Pod.spec): unknown field "foo" in io.k8s.api.core.v1.PodSpec; '
      + "if you choose to ignore these errors, turn validation off with --validate=false");
    assert.equal(r.stdout, "");
    const cm = await k.run(["get", "configmap", "never-created"]);
    assert.match(cm.stderr, /configmaps "never-created" not found/);
  });

  it("checks the types of each item's fields", async () => {
    const r = await k.run(["create", "-f", "-"], { stdin: configMapAndPod.replace("containerPort: 8080", 'containerPort: "8080"').replaceAll("list-", "typed-") });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ValidationError\(Pod\.spec\.containers\[0\]\.ports\[0\]\.containerPort\): invalid type for io\.k8s\.api\.core\.v1\.ContainerPort\.containerPort: got "string", expected "integer"/);
  });

  it("replaces what `get -o yaml` printed, which is a List", async () => {
    const file = join(server.dataDir, "pods.yaml");
    writeFileSync(file, await k.ok(["get", "pods", "-o", "yaml"]));
    assert.equal(await k.ok(["replace", "-f", file]), "pod/list-worker replaced\n");
    const all = join(server.dataDir, "configmaps.yaml");
    writeFileSync(all, await k.ok(["get", "configmaps", "-n", "default", "-o", "yaml"]));
    assert.match(await k.ok(["replace", "-f", all]), /^configmap\/list-settings replaced$/m);
  });

  it("applies a List client-side", async () => {
    const out = await k.ok(["apply", "-f", "-"], { stdin: configMapAndPod.replace("mode: fast", "mode: slow") });
    assert.match(out, /^configmap\/list-settings configured$/m);
    assert.match(out, /^pod\/list-worker (configured|unchanged)$/m);
    assert.equal(await k.ok(["get", "configmap", "list-settings", "-o", "jsonpath={.data.mode}"]), "slow");
  });
});
