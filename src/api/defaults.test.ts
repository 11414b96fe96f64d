import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyCreateDefaults, applyDefaults } from "./defaults.js";

describe("defaults by kind", () => {
  it("default a Deployment's spec and its pod template", () => {
    const d: Record<string, unknown> = { metadata: { name: "web" }, spec: { template: { spec: { containers: [{ name: "web", image: "nginx" }] } } } };
    applyDefaults("apps", "Deployment", d);
    const spec = d["spec"] as { replicas: number; template: { spec: { restartPolicy: string } } };
    assert.equal(spec.replicas, 1);
    assert.equal(spec.template.spec.restartPolicy, "Always");
  });

  it("give a pod its admission defaults along with the spec defaults", () => {
    const pod = { metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "x:1" }] } };
    applyDefaults("", "Pod", pod);
    assert.equal((pod.spec as { serviceAccountName?: string }).serviceAccountName, "default");
  });

  it("are idempotent, so every write may apply them", () => {
    const pod = { metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "x:1", resources: { limits: { cpu: "0.5" } } }] } };
    applyDefaults("", "Pod", pod);
    const once = structuredClone(pod);
    applyDefaults("", "Pod", pod);
    assert.deepEqual(pod, once);
  });

  it("leave kinds without defaults alone", () => {
    const cm = { metadata: { name: "c" }, data: { a: "b" } };
    applyDefaults("", "ConfigMap", cm);
    assert.deepEqual(cm, { metadata: { name: "c" }, data: { a: "b" } });
  });

  it("add the namespace finalizer and the Job selector on create only", () => {
    const ns = { metadata: { name: "a" } };
    applyDefaults("", "Namespace", ns);
    assert.equal((ns as { spec?: unknown }).spec, undefined);
    applyCreateDefaults("", "Namespace", ns);
    assert.deepEqual((ns as { spec?: unknown }).spec, { finalizers: ["kubernetes"] });

    const job = { metadata: { name: "pi", uid: "u1" }, spec: { template: { spec: { containers: [] } } } };
    applyCreateDefaults("batch", "Job", job);
    assert.deepEqual((job.spec as { selector?: unknown }).selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } });
  });
});
