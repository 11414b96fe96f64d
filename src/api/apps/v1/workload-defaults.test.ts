import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PodTemplateSpec } from "../../core/v1/pod-types.js";
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from "./workload-defaults.js";
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "./workload-defaults.js";

const template = (): PodTemplateSpec => ({ metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } });

describe("workload defaults", () => {
  it("a Deployment gets replicas, a 25%/25% rolling update, history and a progress deadline", () => {
    const d: Deployment = { spec: { selector: { matchLabels: { app: "web" } }, template: template() } };
    defaultDeployment(d);
    const { template: t, ...rest } = d.spec!;
    assert.deepEqual(rest, {
      selector: { matchLabels: { app: "web" } },
      replicas: 1,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    assert.deepEqual(t, {
      metadata: { labels: { app: "web" }, creationTimestamp: null },
      spec: {
        containers: [{
          name: "web", image: "nginx", imagePullPolicy: "Always", terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File", resources: {},
        }],
        dnsPolicy: "ClusterFirst", restartPolicy: "Always", securityContext: {}, terminationGracePeriodSeconds: 30, schedulerName: "default-scheduler",
      },
    });
  });

  it("a Recreate Deployment gets no rolling update", () => {
    const d: Deployment = { spec: { strategy: { type: "Recreate" } } };
    defaultDeployment(d);
    assert.deepEqual(d.spec!.strategy, { type: "Recreate" });
  });

  it("a ReplicaSet gets one replica", () => {
    const rs: ReplicaSet = { spec: { template: template() } };
    defaultReplicaSet(rs);
    assert.equal(rs.spec!.replicas, 1);
  });

  it("a StatefulSet gets ordered pods, partition 0 and Retain/Retain", () => {
    const ss: StatefulSet = { spec: { template: template() } };
    defaultStatefulSet(ss);
    const { template: _t, ...rest } = ss.spec!;
    assert.deepEqual(rest, {
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      replicas: 1,
      revisionHistoryLimit: 10,
    });
  });

  it("a DaemonSet rolls one node at a time without surge", () => {
    const ds: DaemonSet = { spec: { template: template() } };
    defaultDaemonSet(ds);
    assert.deepEqual(ds.spec!.updateStrategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(ds.spec!.revisionHistoryLimit, 10);
  });
});
