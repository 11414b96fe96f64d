/**
 * Live objects as the API server stores them (defaults filled in, fields kubectl never
 * sent) and helpers for the strategic merge patch tests.
 */
import assert from "node:assert/strict";
import { StatusError } from "../../meta/status-errors.js";
import { strategicMergePatch } from "../strategic-merge-patch.js";
import { deepFreeze } from "./deep-freeze.js";
import { deploymentStruct, handSchema, podStruct } from "./hand-schema.js";

export const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

/** A pod as the server stores it: defaults filled in, fields kubectl never sent. */
export function livePod(): any {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "web", namespace: "default", uid: "4c1f", resourceVersion: "42",
      labels: { app: "web", tier: "frontend" },
      annotations: { [lastApplied]: '{"apiVersion":"v1","kind":"Pod"}\n', "example.com/owner": "team-a" },
      finalizers: ["example.com/a", "example.com/b"],
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs-1", controller: true },
      ],
    },
    spec: {
      containers: [
        {
          name: "web", image: "nginx:1.25", imagePullPolicy: "IfNotPresent",
          env: [{ name: "A", value: "1" }, { name: "B", value: "2" }, { name: "C", value: "3" }],
          ports: [{ containerPort: 80, protocol: "TCP" }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
          resources: { limits: { cpu: "500m" } },
        },
        { name: "log", image: "busybox:1.36", imagePullPolicy: "IfNotPresent", args: ["tail", "-f"] },
      ],
      volumes: [{ name: "data", hostPath: { path: "/srv/data", type: "" } }],
      tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" }],
      nodeSelector: { disk: "hdd", zone: "a" },
      restartPolicy: "Always",
      securityContext: { runAsUser: 1000, supplementalGroups: [5, 6] },
    },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  });
}

export function liveDeployment(): any {
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", generation: 3, labels: { app: "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [{
            name: "web", image: "nginx:1.25", imagePullPolicy: "IfNotPresent",
            env: [{ name: "A", value: "1" }, { name: "B", value: "2" }],
          }],
          restartPolicy: "Always",
        },
      },
    },
  });
}

export function patchPod(patch: unknown, original: unknown = livePod()): any {
  return strategicMergePatch(original, deepFreeze(patch), handSchema, podStruct);
}

export function patchDeployment(patch: unknown): any {
  return strategicMergePatch(liveDeployment(), deepFreeze(patch), handSchema, deploymentStruct);
}

export const names = (list: Array<{ name: string }>): string[] => list.map((c) => c.name);

export function statusOf(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    return { code: e.code, reason: e.reason, message: e.message };
  }
  assert.fail("expected the patch to fail");
}
