import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultPullPolicy, parseImageReference } from "./image-reference.js";
import { addDefaultTolerations, admitPodOnCreate } from "./pod-admission-defaults.js";
import { defaultPod, defaultPodTemplateSpec } from "./pod-defaults.js";
import type { Pod, PodTemplateSpec } from "./pod-types.js";

describe("what a minimal pod looks like after the API server", () => {
  it("gets the spec, container and admission defaults kubectl shows", () => {
    const pod: Pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "app", image: "busybox" }] } };
    defaultPod(pod);
    admitPodOnCreate(pod);
    assert.deepEqual(pod.spec, {
      containers: [{
        name: "app",
        image: "busybox",
        imagePullPolicy: "Always",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        resources: {},
      }],
      enableServiceLinks: true,
      dnsPolicy: "ClusterFirst",
      restartPolicy: "Always",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
      serviceAccountName: "default",
      serviceAccount: "default",
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    });
  });

  it("keeps what the user set", () => {
    const pod: Pod = {
      spec: {
        restartPolicy: "Never", terminationGracePeriodSeconds: 0, enableServiceLinks: false,
        containers: [{ name: "a", image: "x:1", imagePullPolicy: "Never", terminationMessagePolicy: "FallbackToLogsOnError" }],
      },
    };
    defaultPod(pod);
    assert.equal(pod.spec!.restartPolicy, "Never");
    assert.equal(pod.spec!.terminationGracePeriodSeconds, 0);
    assert.equal(pod.spec!.enableServiceLinks, false);
    assert.equal(pod.spec!.containers![0]!.imagePullPolicy, "Never");
    assert.equal(pod.spec!.containers![0]!.terminationMessagePolicy, "FallbackToLogsOnError");
  });
});

describe("image pull policy from the image reference", () => {
  const cases: [string, string][] = [
    ["busybox", "Always"],
    ["busybox:latest", "Always"],
    ["busybox:1.36", "IfNotPresent"],
    ["registry.local:5000/team/app", "Always"],
    ["registry.local:5000/team/app:v2", "IfNotPresent"],
    [`busybox@sha256:${"a".repeat(64)}`, "IfNotPresent"],
    [`busybox:latest@sha256:${"a".repeat(64)}`, "Always"],
    ["Foo:bar", "IfNotPresent"],
    ["", "IfNotPresent"],
  ];
  for (const [image, want] of cases) it(`${JSON.stringify(image.slice(0, 40))} → ${want}`, () => assert.equal(defaultPullPolicy(image), want));

  it("parses the parts of a reference", () => {
    assert.deepEqual(parseImageReference("localhost:5000/a/b:1"), { name: "localhost:5000/a/b", tag: "1", digest: "" });
    assert.equal(parseImageReference("team/App"), undefined);
    // An upper-case first part is taken for a registry host, as upstream does.
    assert.equal(parseImageReference("UPPER/case")?.name, "UPPER/case");
  });
});

describe("container and volume defaults", () => {
  it("defaults probes, handlers, ports, field refs and quantities", () => {
    const pod: Pod = {
      spec: {
        containers: [{
          name: "a", image: "x:1",
          ports: [{ containerPort: 80 }],
          env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
          lifecycle: { preStop: { httpGet: { port: 80 } } },
          resources: { limits: { cpu: "0.5", memory: "1024Mi" } },
        }],
      },
    };
    defaultPod(pod);
    const c = pod.spec!.containers![0]!;
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: "TCP" }]);
    assert.deepEqual(c.env![0]!.valueFrom!.fieldRef, { fieldPath: "spec.nodeName", apiVersion: "v1" });
    assert.deepEqual(c.livenessProbe, {
      httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
    });
    assert.deepEqual(c.readinessProbe, { grpc: { port: 9000 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.lifecycle!.preStop!.httpGet, { port: 80, path: "/", scheme: "HTTP" });
    // Only limits were given: requests copy them, in canonical form.
    assert.deepEqual(c.resources, { limits: { cpu: "500m", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } });
  });

  it("host networking turns container ports into host ports", () => {
    const pod: Pod = { spec: { hostNetwork: true, containers: [{ name: "a", image: "x:1", ports: [{ containerPort: 8080 }] }] } };
    defaultPod(pod);
    assert.equal(pod.spec!.containers![0]!.ports![0]!.hostPort, 8080);
  });

  it("gives file modes, empty dirs and token lifetimes", () => {
    const pod: Pod = {
      spec: {
        containers: [{ name: "a", image: "x:1" }],
        volumes: [
          { name: "scratch" },
          { name: "cfg", configMap: { name: "c" } },
          { name: "sec", secret: { secretName: "s" } },
          { name: "host", hostPath: { path: "/tmp" } },
          { name: "info", downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } },
          { name: "proj", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
          { name: "mem", emptyDir: { medium: "Memory", sizeLimit: "1024Mi" } },
        ],
      },
    };
    defaultPod(pod);
    assert.deepEqual(pod.spec!.volumes, [
      { name: "scratch", emptyDir: {} },
      { name: "cfg", configMap: { name: "c", defaultMode: 420 } },
      { name: "sec", secret: { secretName: "s", defaultMode: 420 } },
      { name: "host", hostPath: { path: "/tmp", type: "" } },
      { name: "info", downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name", apiVersion: "v1" } }], defaultMode: 420 } },
      { name: "proj", projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3600 } }], defaultMode: 420 } },
      { name: "mem", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } },
    ]);
  });
});

describe("pod templates", () => {
  it("get the spec defaults but none of the pod-only ones", () => {
    const t: PodTemplateSpec = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "a", image: "x:1", resources: { limits: { cpu: "1" } } }] },
    };
    defaultPodTemplateSpec(t);
    assert.equal(t.metadata!.creationTimestamp, null);
    assert.equal(t.spec!.restartPolicy, "Always");
    assert.equal(t.spec!.enableServiceLinks, undefined);
    assert.equal(t.spec!.serviceAccountName, undefined);
    assert.deepEqual(t.spec!.containers![0]!.resources, { limits: { cpu: "1" } });
  });
});

describe("default tolerations", () => {
  it("are not added when the pod already tolerates the taint", () => {
    const pod: Pod = { spec: { tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }] } };
    addDefaultTolerations(pod);
    assert.deepEqual(pod.spec!.tolerations!.map((t) => [t.key, t.tolerationSeconds]), [
      ["node.kubernetes.io/not-ready", 10], ["node.kubernetes.io/unreachable", 300],
    ]);
  });
  it("are not added when an empty key tolerates everything", () => {
    const pod: Pod = { spec: { tolerations: [{ operator: "Exists" }] } };
    addDefaultTolerations(pod);
    assert.equal(pod.spec!.tolerations!.length, 1);
  });
  it("system priority classes give their priority", () => {
    const pod: Pod = { spec: { priorityClassName: "system-node-critical" } };
    admitPodOnCreate(pod);
    assert.equal(pod.spec!.priority, 2000001000);
  });
});
