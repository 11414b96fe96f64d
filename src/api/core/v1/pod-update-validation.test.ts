import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { admitPodOnCreate } from "./pod-admission-defaults.js";
import { defaultPod } from "./pod-defaults.js";
import type { Pod } from "./pod-types.js";
import { podUpdateForbiddenPrefix, validatePodStatusUpdate, validatePodUpdate } from "./pod-update-validation.js";

function stored(extra: Partial<NonNullable<Pod["spec"]>> = {}): Pod {
  const p: Pod = {
    metadata: { name: "p", namespace: "default", uid: "u1", resourceVersion: "7", creationTimestamp: "2024-05-01T10:00:00Z" },
    spec: { containers: [{ name: "app", image: "busybox:1.36" }], ...extra },
  };
  defaultPod(p);
  admitPodOnCreate(p);
  return p;
}

function update(old: Pod, change: (p: Pod) => void): string[] {
  const next = structuredClone(old);
  change(next);
  return validatePodUpdate(next, old).map(fieldErrorText);
}

const forbiddenLine = `spec: Forbidden: ${podUpdateForbiddenPrefix}`;

describe("pod updates (pod-semantics K6)", () => {
  it("names the updatable fields exactly as upstream", () => {
    assert.equal(podUpdateForbiddenPrefix,
      "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
  });

  const allowed: [string, (p: Pod) => void][] = [
    ["labels and annotations", (p) => { p.metadata!.labels = { app: "web" }; p.metadata!.annotations = { note: "x" }; }],
    ["a container image", (p) => { p.spec!.containers![0]!.image = "busybox:1.37"; }],
    ["setting activeDeadlineSeconds", (p) => { p.spec!.activeDeadlineSeconds = 60; }],
    ["an added toleration", (p) => { p.spec!.tolerations!.push({ key: "gpu", operator: "Exists", effect: "NoSchedule" }); }],
    ["a changed tolerationSeconds", (p) => { p.spec!.tolerations![0]!.tolerationSeconds = 30; }],
  ];
  for (const [what, change] of allowed) it(`accepts ${what}`, () => assert.deepEqual(update(stored(), change), []));

  it("N14: refuses any other spec change, with the field diff after a newline", () => {
    const errs = update(stored(), (p) => { p.spec!.containers![0]!.env = [{ name: "A", value: "1" }]; });
    assert.equal(errs.length, 1);
    const [first, ...diff] = errs[0]!.split("\n");
    assert.equal(first, forbiddenLine);
    assert.deepEqual(diff, [
      "  v1.PodSpec{",
      "- \tcontainers[0].env: null,",
      "+ \tcontainers[0].env: [{\"name\":\"A\",\"value\":\"1\"}],",
      "  }",
      "",
    ]);
  });

  it("refuses adding a container with the dedicated message", () => {
    assert.deepEqual(update(stored(), (p) => { p.spec!.containers!.push({ name: "b", image: "x:1", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }); }),
      ["spec.containers: Forbidden: pod updates may not add or remove containers"]);
  });

  it("lets activeDeadlineSeconds shrink but not grow or vanish", () => {
    const old = stored({ activeDeadlineSeconds: 60 });
    assert.deepEqual(update(old, (p) => { p.spec!.activeDeadlineSeconds = 30; }), []);
    assert.deepEqual(update(old, (p) => { p.spec!.activeDeadlineSeconds = 90; }),
      ["spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to previous value"]);
    assert.deepEqual(update(old, (p) => { delete p.spec!.activeDeadlineSeconds; }),
      ["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"]);
  });

  it("refuses modifying an existing toleration", () => {
    assert.deepEqual(update(stored(), (p) => { p.spec!.tolerations![0]!.key = "example.com/other"; }),
      ["spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"]);
  });

  it("lets a negative grace period become 1 and nothing else", () => {
    assert.deepEqual(update(stored({ terminationGracePeriodSeconds: -1 }), (p) => { p.spec!.terminationGracePeriodSeconds = 1; }), []);
    const errs = update(stored(), (p) => { p.spec!.terminationGracePeriodSeconds = 10; });
    assert.equal(errs[0]!.split("\n")[0], forbiddenLine);
  });

  it("lets scheduling gates go but not come", () => {
    const gated = stored({ schedulingGates: [{ name: "example.com/a" }, { name: "example.com/b" }] });
    assert.deepEqual(update(gated, (p) => { p.spec!.schedulingGates = [{ name: "example.com/b" }]; }), []);
    assert.deepEqual(update(gated, (p) => { p.spec!.schedulingGates!.push({ name: "example.com/c" }); }),
      ["spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/c'"]);
  });

  it("lets a gated pod gain node selector entries, but not change them", () => {
    const gated = stored({ schedulingGates: [{ name: "example.com/a" }], nodeSelector: { zone: "a" } });
    assert.deepEqual(update(gated, (p) => { p.spec!.nodeSelector!["disk"] = "ssd"; }), []);
    assert.deepEqual(update(gated, (p) => { p.spec!.nodeSelector!["zone"] = "b"; }),
      ["spec.nodeSelector: Invalid value: map[string]string{\"zone\":\"b\"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)"]);
  });

  it("checks metadata immutability too", () => {
    assert.deepEqual(update(stored(), (p) => { p.metadata!.uid = "u2"; }), ["metadata.uid: Invalid value: \"u2\": field is immutable"]);
  });
});

describe("pod status updates", () => {
  const withStatus = (restartPolicy: string, state: object): Pod => {
    const p = stored({ restartPolicy, nodeName: "n1" });
    p.status = { phase: "Running", qosClass: "BestEffort", containerStatuses: [{ name: "app", state }] };
    return p;
  };
  it("refuses bringing back a container that ended under restartPolicy Never", () => {
    const old = withStatus("Never", { terminated: { exitCode: 0 } });
    const next = structuredClone(old);
    (next.status as { containerStatuses: object[] }).containerStatuses = [{ name: "app", state: { running: {} } }];
    assert.deepEqual(validatePodStatusUpdate(next, old).map(fieldErrorText),
      ["status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"]);
  });
  it("allows it under Always", () => {
    const old = withStatus("Always", { terminated: { exitCode: 1 } });
    const next = structuredClone(old);
    (next.status as { containerStatuses: object[] }).containerStatuses = [{ name: "app", state: { running: {} } }];
    assert.deepEqual(validatePodStatusUpdate(next, old), []);
  });
  it("keeps nodeName and qosClass fixed and IPs valid", () => {
    const old = withStatus("Always", { running: {} });
    const next = structuredClone(old);
    next.spec!.nodeName = "n2";
    next.status = { ...next.status, qosClass: "Guaranteed", podIPs: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }] };
    assert.deepEqual(validatePodStatusUpdate(next, old).map(fieldErrorText), [
      "status.nodeName: Forbidden: may not be changed directly",
      "status.qosClass: Invalid value: \"Guaranteed\": field is immutable",
      "status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:\"10.0.0.1\"}, core.PodIP{IP:\"10.0.0.2\"}}: may specify no more than one IP for each IP family",
    ]);
  });
});
