import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "./workload-defaults.js";
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "./workload-defaults.js";
import { validateDaemonSet, validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateStatefulSet, validateStatefulSetUpdate } from "./workload-validation.js";

const meta = { name: "web", namespace: "default" };
const tmpl = (labels: Record<string, string> = { app: "web" }) => ({ metadata: { labels }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } });

function deployment(spec: Deployment["spec"]): Deployment {
  const d: Deployment = { metadata: { ...meta }, spec };
  defaultDeployment(d);
  return d;
}
const errors = (errs: { field: string }[]) => errs.map((e) => fieldErrorText(e as never));

describe("Deployments", () => {
  it("accept a selector that matches the template", () => {
    assert.deepEqual(validateDeployment(deployment({ selector: { matchLabels: { app: "web" } }, template: tmpl() })), []);
  });
  const cases: [string, Deployment, string[]][] = [
    ["a missing selector is required and selects nothing", deployment({ template: tmpl() }), [
      "spec.selector: Required value",
      "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
    ]],
    ["a selector that misses the template", deployment({ selector: { matchLabels: { app: "api" } }, template: tmpl() }),
      ["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"]],
    ["an empty selector", deployment({ selector: {}, template: tmpl() }),
      ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]],
    ["negative replicas", deployment({ replicas: -1, selector: { matchLabels: { app: "web" } }, template: tmpl() }),
      ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]],
    ["pods that do not restart Always", deployment({ selector: { matchLabels: { app: "web" } }, template: { ...tmpl(), spec: { ...tmpl().spec, restartPolicy: "Never" } } }),
      ["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]],
    ["a template container error is reported under spec.template.spec", deployment({ selector: { matchLabels: { app: "web" } }, template: { ...tmpl(), spec: { containers: [{ name: "web" }] } } }),
      ["spec.template.spec.containers[0].image: Required value"]],
    ["zero surge and zero unavailability", deployment({ selector: { matchLabels: { app: "web" } }, template: tmpl(), strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }),
      ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"]],
    ["a percentage over 100", deployment({ selector: { matchLabels: { app: "web" } }, template: tmpl(), strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "150%" } } }),
      ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%"]],
    ["a progress deadline not above minReadySeconds", deployment({ selector: { matchLabels: { app: "web" } }, template: tmpl(), minReadySeconds: 600 }),
      ["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]],
  ];
  for (const [title, d, want] of cases) it(`refuse ${title}`, () => assert.deepEqual(errors(validateDeployment(d)), want));

  it("keep their selector on update", () => {
    const old = deployment({ selector: { matchLabels: { app: "web" } }, template: tmpl() });
    old.metadata!.resourceVersion = "3";
    const next = structuredClone(old);
    next.spec!.selector = { matchLabels: { app: "web2" } };
    next.spec!.template!.metadata!.labels = { app: "web2" };
    assert.deepEqual(errors(validateDeploymentUpdate(next, old)),
      ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]);
  });
});

describe("ReplicaSets, StatefulSets and DaemonSets", () => {
  it("a ReplicaSet needs a selector", () => {
    const rs: ReplicaSet = { metadata: meta, spec: { template: tmpl() } };
    defaultReplicaSet(rs);
    assert.deepEqual(errors(validateReplicaSet(rs))[0], "spec.selector: Required value");
  });

  it("a StatefulSet name must be a DNS label and its policies known", () => {
    const ss: StatefulSet = { metadata: { name: "db.v1", namespace: "default" }, spec: { selector: { matchLabels: { app: "web" } }, template: tmpl(), podManagementPolicy: "Random" } };
    defaultStatefulSet(ss);
    assert.deepEqual(errors(validateStatefulSet(ss)), [
      "metadata.name: Invalid value: \"db.v1\": must not contain dots",
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
    ]);
  });

  it("a StatefulSet may not change its service name", () => {
    const old: StatefulSet = { metadata: { ...meta, resourceVersion: "1" }, spec: { serviceName: "web", selector: { matchLabels: { app: "web" } }, template: tmpl() } };
    defaultStatefulSet(old);
    const next = structuredClone(old);
    next.spec!.serviceName = "web2";
    next.spec!.replicas = 3;
    assert.deepEqual(errors(validateStatefulSetUpdate(next, old)), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
    const scaled = structuredClone(old);
    scaled.spec!.replicas = 3;
    assert.deepEqual(validateStatefulSetUpdate(scaled, old), []);
  });

  it("a DaemonSet rolling update may not surge and be unavailable at once", () => {
    const ds: DaemonSet = {
      metadata: meta,
      spec: { selector: { matchLabels: { app: "web" } }, template: tmpl(), updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } },
    };
    defaultDaemonSet(ds);
    assert.deepEqual(errors(validateDaemonSet(ds)),
      ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero"]);
  });
});
