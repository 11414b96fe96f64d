/**
 * The real kubectl (v1.32, through the machine's dispatcher) against a real Peapod server:
 * every command of the API-machinery milestone, with the output a Kubernetes user expects.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Cleanup } from "../harness/cleanup.js";
import { Kubectl, repoRoot, startPeapod, type PeapodServer } from "../harness/peapod.js";
import { waitFor } from "../harness/wait-for.js";

const manifests = join(repoRoot, "test/fixtures/manifests");

describe("kubectl against peapod", () => {
  const cleanup = new Cleanup();
  let server: PeapodServer;
  let k: Kubectl;

  before(async () => {
    server = await startPeapod(cleanup);
    k = new Kubectl(server, cleanup);
  });
  after(() => cleanup.run());

  it("reports the server as Kubernetes 1.32", async () => {
    const v = JSON.parse(await k.ok(["version", "-o", "json"])) as { serverVersion: { major: string; minor: string } };
    assert.equal(v.serverVersion.major, "1");
    assert.equal(v.serverVersion.minor, "32");
  });

  it("lists the served resources with their short names and groups", async () => {
    const out = await k.ok(["api-resources"]);
    for (const row of [
      /^pods\s+po\s+v1\s+true\s+Pod$/m,
      /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m,
      /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m,
      /^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event$/m,
    ]) assert.match(out, row);
  });

  it("tells the admin they may do anything", async () => {
    assert.equal((await k.ok(["auth", "can-i", "create", "pods"])).trim(), "yes");
    assert.equal((await k.ok(["auth", "can-i", "delete", "deployments", "-n", "kube-system"])).trim(), "yes");
  });

  it("has the system namespaces from the first start", async () => {
    const out = await k.ok(["get", "namespaces", "-o", "name"]);
    for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) assert.match(out, new RegExp(`^namespace/${ns}$`, "m"));
  });

  it("creates every document of a multi-document manifest", async () => {
    const out = await k.ok(["create", "-f", join(manifests, "multi.yaml")]);
    assert.equal(out, "configmap/settings created\npod/worker created\n");
  });

  it("prints pods with the server-side table, in every output mode", async () => {
    const table = await k.ok(["get", "pods"]);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(table, /^worker\s+0\/1\s+Pending\s+0\s+\d+s$/m);
    const wide = await k.ok(["get", "pods", "-o", "wide"]);
    assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    assert.match(wide, /^worker\s+0\/1\s+Pending\s+0\s+\d+s\s+<none>\s+<none>\s+<none>\s+<none>$/m);
    const yaml = await k.ok(["get", "pod", "worker", "-o", "yaml"]);
    for (const line of [
      "restartPolicy: Always", "dnsPolicy: ClusterFirst", "terminationGracePeriodSeconds: 30",
      "schedulerName: default-scheduler", "enableServiceLinks: true", "imagePullPolicy: IfNotPresent",
      "terminationMessagePath: /dev/termination-log", "terminationMessagePolicy: File", "phase: Pending",
      "qosClass: BestEffort",
    ]) assert.ok(yaml.includes(line), `pod yaml lacks ${line}:\n${yaml}`);
    const pod = JSON.parse(await k.ok(["get", "pod", "worker", "-o", "json"])) as {
      metadata: { uid: string; resourceVersion: string; creationTimestamp: string };
      spec: { initContainers: { imagePullPolicy: string }[] };
    };
    assert.match(pod.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(pod.metadata.resourceVersion, /^\d+$/);
    assert.equal(pod.spec.initContainers[0]!.imagePullPolicy, "Always", "an untagged image is pulled Always");
    assert.equal(await k.ok(["get", "pod", "worker", "-o", "jsonpath={.spec.containers[0].image}"]), "busybox:1.36");
    assert.equal(await k.ok(["get", "pods", "-o", "name"]), "pod/worker\n");
  });

  it("filters with label selectors, field selectors and across namespaces", async () => {
    await k.ok(["create", "namespace", "shop"]);
    await k.ok(["run", "cart", "--image=busybox:1.36", "-n", "shop", "--labels=app=shop,tier=back"]);
    // Across namespaces, objects come in storage order: by namespace, then name.
    assert.equal(await k.ok(["get", "pods", "-A", "-l", "app=shop", "-o", "name"]), "pod/worker\npod/cart\n");
    assert.equal(await k.ok(["get", "pods", "-A", "-l", "tier in (back),app!=web", "-o", "name"]), "pod/cart\n");
    assert.equal(await k.ok(["get", "pods", "-A", "--field-selector", "metadata.namespace=shop", "-o", "name"]), "pod/cart\n");
    assert.equal(await k.ok(["get", "pods", "--field-selector", "status.phase=Pending,spec.restartPolicy=Always", "-o", "name"]), "pod/worker\n");
    const all = await k.ok(["get", "pods", "-A"]);
    assert.match(all, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(all, /^shop\s+cart\s+0\/1\s+Pending/m);
    const bad = await k.run(["get", "pods", "--field-selector", "spec.foo=x"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(BadRequest\): .*field label not supported: spec\.foo/);
  });

  it("describes a pod", async () => {
    const out = await k.ok(["describe", "pod", "worker"]);
    assert.match(out, /^Name:\s+worker$/m);
    assert.match(out, /^Namespace:\s+default$/m);
    assert.match(out, /^Status:\s+Pending$/m);
    assert.match(out, /^Init Containers:\n\s+prepare:/m);
  });

  it("labels, annotates and patches with all three patch types", async () => {
    assert.equal(await k.ok(["label", "pod", "worker", "env=prod"]), "pod/worker labeled\n");
    assert.equal(await k.ok(["annotate", "pod", "worker", "owner=team-a"]), "pod/worker annotated\n");
    assert.equal(await k.ok(["get", "pods", "-l", "env=prod", "-o", "name"]), "pod/worker\n");
    assert.equal(await k.ok(["patch", "pod", "worker", "-p", '{"metadata":{"labels":{"patched":"strategic"}}}']), "pod/worker patched\n");
    assert.equal(await k.ok(["patch", "pod", "worker", "--type", "merge", "-p", '{"metadata":{"annotations":{"owner":null}}}']), "pod/worker patched\n");
    assert.equal(await k.ok(["patch", "pod", "worker", "--type", "json", "-p", '[{"op":"replace","path":"/spec/containers/0/image","value":"busybox:1.37"}]']), "pod/worker patched\n");
    const pod = JSON.parse(await k.ok(["get", "pod", "worker", "-o", "json"])) as {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: { containers: { image: string }[] };
    };
    assert.equal(pod.metadata.labels["patched"], "strategic");
    assert.equal(pod.metadata.annotations?.["owner"], undefined);
    assert.equal(pod.spec.containers[0]!.image, "busybox:1.37");
  });

  it("replaces an object and refuses a stale resourceVersion", async () => {
    const pod = JSON.parse(await k.ok(["get", "pod", "worker", "-o", "json"])) as { metadata: { labels: Record<string, string> } };
    pod.metadata.labels["replaced"] = "yes";
    assert.equal(await k.ok(["replace", "-f", "-"], { stdin: JSON.stringify(pod) }), "pod/worker replaced\n");
    pod.metadata.labels["replaced"] = "again";
    const stale = await k.run(["replace", "-f", "-"], { stdin: JSON.stringify(pod) });
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /Error from server \(Conflict\): .*Operation cannot be fulfilled on pods "worker": the object has been modified; please apply your changes to the latest version and try again/);
  });

  it("applies a manifest twice: created, unchanged, then configured after a change", async () => {
    const file = join(manifests, "deployment.yaml");
    assert.equal(await k.ok(["apply", "-f", file]), "deployment.apps/shop created\n");
    assert.equal(await k.ok(["apply", "-f", file]), "deployment.apps/shop unchanged\n");
    const { readFileSync } = await import("node:fs");
    const changed = readFileSync(file, "utf8").replace("value: blue", "value: green");
    assert.equal(await k.ok(["apply", "-f", "-"], { stdin: changed }), "deployment.apps/shop configured\n");
    const d = JSON.parse(await k.ok(["get", "deployment", "shop", "-o", "json"])) as {
      metadata: { generation: number };
      spec: { template: { spec: { containers: { env: { value: string }[] }[] } }; strategy: { type: string } };
    };
    assert.equal(d.spec.template.spec.containers[0]!.env[0]!.value, "green");
    assert.equal(d.metadata.generation, 2);
    assert.equal(d.spec.strategy.type, "RollingUpdate");
  });

  it("scales a deployment through its scale subresource", async () => {
    assert.equal(await k.ok(["scale", "deployment", "shop", "--replicas=5"]), "deployment.apps/shop scaled\n");
    assert.equal(await k.ok(["get", "deployment", "shop", "-o", "jsonpath={.spec.replicas}"]), "5");
    const table = await k.ok(["get", "deployments"]);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(table, /^shop\s+0\/5\s+0\s+0\s+\d+s$/m);
  });

  it("creates namespaces, configmaps and secrets with typed create (protobuf bodies)", async () => {
    assert.equal(await k.ok(["create", "namespace", "dev"]), "namespace/dev created\n");
    assert.equal(await k.ok(["create", "configmap", "cm1", "--from-literal=a=b", "-n", "dev"]), "configmap/cm1 created\n");
    assert.equal(await k.ok(["create", "secret", "generic", "s1", "--from-literal=k=v", "-n", "dev"]), "secret/s1 created\n");
    assert.equal(await k.ok(["get", "configmap", "cm1", "-n", "dev", "-o", "jsonpath={.data.a}"]), "b");
    assert.equal(await k.ok(["get", "secret", "s1", "-n", "dev", "-o", "jsonpath={.data.k}"]), Buffer.from("v").toString("base64"));
    assert.match(await k.ok(["get", "secrets", "-n", "dev"]), /^s1\s+Opaque\s+1\s+\d+s$/m);
  });

  it("runs a server-side dry run without storing anything", async () => {
    const out = await k.ok(["create", "-f", join(manifests, "web-pod.yaml"), "--dry-run=server"]);
    assert.equal(out, "pod/web created (server dry run)\n");
    const get = await k.run(["get", "pod", "web"]);
    assert.match(get.stderr, /Error from server \(NotFound\): pods "web" not found/);
  });

  it("explains fields from the OpenAPI documents", async () => {
    const out = await k.ok(["explain", "pods.spec.containers"]);
    assert.match(out, /^KIND:\s+Pod$/m);
    assert.match(out, /^FIELD:\s+containers <\[\]Container>$/m);
    assert.match(out, /^\s+name\s+<string> -required-$/m);
  });

  it("reports the upstream errors for bad requests", async () => {
    const invalid = await k.run(["create", "-f", "-"], {
      stdin: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "bad" }, spec: { containers: [{ name: "c" }, { name: "c", image: "x" }] } }),
    });
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /The Pod "bad" is invalid: \n\* spec\.containers\[0\]\.image: Required value\n\* spec\.containers\[1\]\.name: Duplicate value: "c"/);

    const dup = await k.run(["create", "-f", join(manifests, "multi.yaml")]);
    assert.match(dup.stderr, /Error from server \(AlreadyExists\): error when creating ".*multi\.yaml": configmaps "settings" already exists/);

    const unknown = await k.run(["create", "-f", "-"], {
      stdin: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "u" }, spec: { foo: 1, containers: [{ name: "c", image: "x", imagee: "y" }] } }),
    });
    assert.match(unknown.stderr, /Error from server \(BadRequest\): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec\.containers\[0\]\.imagee", unknown field "spec\.foo"/);

    const immutable = await k.run(["patch", "pod", "worker", "-p", '{"spec":{"restartPolicy":"Never"}}']);
    assert.equal(immutable.code, 1);
    assert.match(immutable.stderr, /The Pod "worker" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);

    const missing = await k.run(["get", "pod", "nope"]);
    assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);

    const badNs = await k.run(["create", "configmap", "x", "-n", "nowhere"]);
    assert.match(badNs.stderr, /failed to create configmap: namespaces "nowhere" not found/);
  });

  it("watches changes made by another client", async () => {
    const watch = k.spawn(["get", "pods", "--watch"], cleanup);
    await waitFor(() => /^worker\s/m.test(watch.output()), { what: "the initial list in get -w", timeoutMs: 15_000 });
    await k.ok(["label", "pod", "worker", "seen=yes"]);
    await k.ok(["create", "-f", join(manifests, "web-pod.yaml")]);
    await waitFor(() => /^web\s+0\/1\s+Pending/m.test(watch.output()), { what: "the new pod in get -w", timeoutMs: 15_000 });
    await k.ok(["delete", "pod", "web", "--wait"]);
    assert.equal(watch.child.exitCode, null, "get -w keeps running");
  });

  it("deletes by name with --wait, by label and with --all", async () => {
    await k.ok(["create", "-f", join(manifests, "web-pod.yaml")]);
    assert.equal(await k.ok(["delete", "pod", "web", "--wait"]), 'pod "web" deleted\n');
    assert.equal(await k.ok(["delete", "pods", "-l", "app=shop", "-n", "shop"]), 'pod "cart" deleted\n');
    await k.ok(["delete", "configmaps", "--all", "-n", "dev"]);
    assert.equal(await k.ok(["get", "configmaps", "-n", "dev", "-o", "name"]), "");
    await k.ok(["delete", "namespace", "dev", "--wait"]);
    const gone = await k.run(["get", "namespace", "dev"]);
    assert.match(gone.stderr, /namespaces "dev" not found/);
  });
});
