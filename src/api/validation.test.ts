import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyCreateDefaults, applyDefaults } from "./defaults.js";
import { fieldErrorText } from "./meta/field-errors.js";
import { validateCreate, validateStatusUpdate, validateUpdate, warningsFor } from "./validation.js";

/** What the API server does on create: defaults, create-time additions, then validation. */
function create(group: string, kind: string, obj: Record<string, unknown>): string[] {
  applyDefaults(group, kind, obj);
  applyCreateDefaults(group, kind, obj);
  return validateCreate(group, kind, obj).map(fieldErrorText);
}

const meta = (name: string, namespace?: string) => ({ name, uid: "u-1", ...(namespace ? { namespace } : {}) });
const podTemplate = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } };

describe("validation by kind", () => {
  const valid: [string, string, Record<string, unknown>][] = [
    ["", "Pod", { metadata: meta("p", "default"), spec: { containers: [{ name: "app", image: "busybox" }] } }],
    ["", "Namespace", { metadata: meta("team-a") }],
    ["", "ConfigMap", { metadata: meta("c", "default"), data: { a: "b" } }],
    ["", "Secret", { metadata: meta("s", "default"), stringData: { password: "x" } }],
    ["", "ServiceAccount", { metadata: meta("builder", "default") }],
    ["", "Service", { metadata: meta("web", "default"), spec: { selector: { app: "web" }, ports: [{ port: 80 }] } }],
    ["", "Endpoints", { metadata: meta("web", "default"), subsets: [{ addresses: [{ ip: "10.1.0.9" }], ports: [{ port: 80 }] }] }],
    ["apps", "Deployment", { metadata: meta("web", "default"), spec: { selector: { matchLabels: { app: "web" } }, template: podTemplate } }],
    ["apps", "ReplicaSet", { metadata: meta("web-1", "default"), spec: { selector: { matchLabels: { app: "web" } }, template: podTemplate } }],
    ["apps", "StatefulSet", { metadata: meta("db", "default"), spec: { selector: { matchLabels: { app: "web" } }, template: podTemplate } }],
    ["apps", "DaemonSet", { metadata: meta("agent", "default"), spec: { selector: { matchLabels: { app: "web" } }, template: podTemplate } }],
    ["batch", "Job", { metadata: meta("pi", "default"), spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl" }] } } } }],
    ["batch", "CronJob", { metadata: meta("nightly", "default"), spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "b", image: "busybox" }] } } } } } }],
    ["coordination.k8s.io", "Lease", { metadata: meta("n1", "kube-node-lease"), spec: { holderIdentity: "n1" } }],
  ];
  for (const [group, kind, obj] of valid) {
    it(`accepts a typical ${group ? `${kind}.${group}` : kind}`, () => assert.deepEqual(create(group, kind, structuredClone(obj)), []));
  }

  it("applies the generic ObjectMeta rules to kinds without their own", () => {
    assert.deepEqual(validateCreate("", "ServiceAccount", { metadata: { namespace: "default" } }).map(fieldErrorText),
      ["metadata.name: Required value: name or generateName is required"]);
    assert.deepEqual(validateCreate("example.com", "Widget", { metadata: { name: "w" } }).map(fieldErrorText),
      ["metadata.namespace: Required value"]);
  });

  it("routes updates and status updates to the kind's rules", () => {
    const old = { metadata: { ...meta("p", "default"), resourceVersion: "1" }, spec: { containers: [{ name: "app", image: "busybox" }] } };
    applyDefaults("", "Pod", old);
    const next = structuredClone(old) as typeof old & { spec: { restartPolicy?: string } };
    next.spec.restartPolicy = "Never";
    assert.equal(validateUpdate("", "Pod", next, old).length, 1);
    assert.deepEqual(validateStatusUpdate("", "Pod", structuredClone(old), old), []);
    assert.deepEqual(validateUpdate("", "ConfigMap", { metadata: { name: "c2", namespace: "default", resourceVersion: "1" } },
      { metadata: { name: "c", namespace: "default" } }).map(fieldErrorText), ["metadata.name: Invalid value: \"c2\": field is immutable"]);
  });

  it("returns the pod hostname warning on create only", () => {
    const pod = { metadata: { name: "web.v1", namespace: "default" } };
    assert.equal(warningsFor("", "Pod", pod).length, 1);
    assert.deepEqual(warningsFor("", "Pod", pod, pod), []);
  });

  it("warns about duplicate ports in workload templates, with template paths", () => {
    const d = { spec: { template: { spec: { containers: [{ name: "a", ports: [{ containerPort: 3000, protocol: "TCP" }, { containerPort: 3000, protocol: "TCP" }] }] } } } };
    assert.deepEqual(warningsFor("apps", "Deployment", d),
      ["spec.template.spec.containers[0].ports[1]: duplicate port definition with spec.template.spec.containers[0].ports[0]"]);
    assert.deepEqual(warningsFor("apps", "Deployment", d, structuredClone(d)), []);
  });

  it("warns about workload names that are no DNS labels", () => {
    assert.deepEqual(warningsFor("apps", "Deployment", { metadata: { name: "web.v1" }, spec: {} }),
      ["metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"]);
  });
});
