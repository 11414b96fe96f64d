import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { strategicMergePatch } from "./strategic-merge-patch.js";
import { deepFreeze } from "./testdata/deep-freeze.js";
import { configMapStruct, controllerRevisionStruct, handSchema, podStruct } from "./testdata/hand-schema.js";
import { lastApplied, livePod, names, patchDeployment, patchPod } from "./testdata/live-objects.js";

describe("strategic merge patch: what kubectl apply sends", () => {
  it("an image change updates that container only and keeps server-set fields", () => {
    const out = patchPod({
      metadata: { annotations: { [lastApplied]: '{"new":"config"}\n' } },
      spec: { "$setElementOrder/containers": [{ name: "web" }, { name: "log" }], containers: [{ image: "nginx:1.27", name: "web" }] },
    });
    const expected = livePod();
    assert.deepEqual(out.spec.containers[0], { ...expected.spec.containers[0], image: "nginx:1.27" });
    assert.deepEqual(out.spec.containers[1], expected.spec.containers[1]);
    assert.deepEqual(out.metadata.annotations, { [lastApplied]: '{"new":"config"}\n', "example.com/owner": "team-a" });
    assert.deepEqual(out.status, expected.status);
  });

  it("a removed env var is deleted by name and the others keep their order", () => {
    const out = patchDeployment({
      spec: { template: { spec: {
        "$setElementOrder/containers": [{ name: "web" }],
        containers: [{ "$setElementOrder/env": [{ name: "A" }], env: [{ "$patch": "delete", name: "B" }], name: "web" }],
      } } },
    });
    const c = out.spec.template.spec.containers[0];
    assert.deepEqual(c.env, [{ name: "A", value: "1" }]);
    assert.equal(c.image, "nginx:1.25");
    assert.equal(c["$setElementOrder/env"], undefined);
  });

  it("an added container lands where $setElementOrder puts it", () => {
    const out = patchPod({
      spec: {
        "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }, { name: "log" }],
        containers: [{ image: "envoy:1.30", name: "sidecar" }],
      },
    });
    assert.deepEqual(names(out.spec.containers), ["web", "sidecar", "log"]);
    assert.deepEqual(out.spec.containers[1], { image: "envoy:1.30", name: "sidecar" });
  });

  it("a container added by a patch without an order goes first, as upstream's merge places it", () => {
    const out = patchPod({ spec: { containers: [{ name: "sidecar", image: "envoy" }] } });
    assert.deepEqual(names(out.spec.containers), ["sidecar", "web", "log"]);
  });

  it("a label set to null is removed and the other labels stay", () => {
    const out = patchPod({ metadata: { labels: { tier: null, version: "v2" } } });
    assert.deepEqual(out.metadata.labels, { app: "web", version: "v2" });
  });

  it("the last-applied annotation is rewritten in place", () => {
    const config = JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" } }) + "\n";
    const out = patchPod({ metadata: { annotations: { [lastApplied]: config } } });
    assert.equal(out.metadata.annotations[lastApplied], config);
    assert.equal(out.metadata.annotations["example.com/owner"], "team-a");
  });

  it("a port added to a container merges by containerPort", () => {
    const out = patchPod({
      spec: {
        "$setElementOrder/containers": [{ name: "web" }, { name: "log" }],
        containers: [{
          "$setElementOrder/ports": [{ containerPort: 80 }, { containerPort: 443 }],
          name: "web", ports: [{ containerPort: 443, name: "https" }],
        }],
      },
    });
    assert.deepEqual(out.spec.containers[0].ports, [{ containerPort: 80, protocol: "TCP" }, { containerPort: 443, name: "https" }]);
  });

  it("a volume mount changes by mountPath", () => {
    const out = patchPod({ spec: { containers: [{ name: "web", volumeMounts: [{ mountPath: "/data", readOnly: true }] }] } });
    assert.deepEqual(out.spec.containers[0].volumeMounts, [{ name: "data", mountPath: "/data", readOnly: true }]);
  });

  it("a volume switching source with $retainKeys drops the old source", () => {
    const out = patchPod({
      spec: {
        "$setElementOrder/volumes": [{ name: "data" }],
        volumes: [{ "$retainKeys": ["emptyDir", "name"], emptyDir: {}, hostPath: null, name: "data" }],
      },
    });
    assert.deepEqual(out.spec.volumes, [{ name: "data", emptyDir: {} }]);
  });

  it("a deployment switching to Recreate drops the defaulted rollingUpdate through $retainKeys", () => {
    const out = patchDeployment({ spec: { strategy: { "$retainKeys": ["type"], rollingUpdate: null, type: "Recreate" } } });
    assert.deepEqual(out.spec.strategy, { type: "Recreate" });
  });

  it("without $retainKeys the same change keeps the defaulted rollingUpdate", () => {
    const out = patchDeployment({ spec: { strategy: { type: "Recreate" } } });
    assert.deepEqual(out.spec.strategy, { type: "Recreate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } });
  });

  it("finalizers change through $deleteFromPrimitiveList and $setElementOrder", () => {
    const out = patchPod({
      metadata: {
        "$deleteFromPrimitiveList/finalizers": ["example.com/b"],
        "$setElementOrder/finalizers": ["example.com/c", "example.com/a"],
        finalizers: ["example.com/c"],
      },
    });
    assert.deepEqual(out.metadata.finalizers, ["example.com/c", "example.com/a"]);
  });

  it("finalizers merge as a set: new ones in patch order, duplicates once", () => {
    const out = patchPod({ metadata: { finalizers: ["example.com/c", "example.com/a"] } });
    assert.deepEqual(out.metadata.finalizers, ["example.com/c", "example.com/a", "example.com/b"]);
  });

  it("owner references merge by uid", () => {
    const out = patchPod({
      metadata: { ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-2", uid: "rs-2" },
        { uid: "rs-1", controller: false },
      ] },
    });
    assert.deepEqual(out.metadata.ownerReferences, [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-2", uid: "rs-2" },
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs-1", controller: false },
    ]);
  });

  it("an owner reference is removed with $patch: delete by uid", () => {
    const out = patchPod({ metadata: { ownerReferences: [{ "$patch": "delete", uid: "rs-1" }] } });
    assert.deepEqual(out.metadata.ownerReferences, []);
  });
});

describe("strategic merge patch: the rules", () => {
  const cases: Array<{ name: string; patch: unknown; check: (out: any) => void }> = [
    {
      name: "lists without a merge strategy (tolerations, args) are replaced whole",
      patch: { spec: { tolerations: [{ key: "gpu", operator: "Exists" }], containers: [{ name: "log", args: ["cat"] }] } },
      check: (out) => {
        assert.deepEqual(out.spec.tolerations, [{ key: "gpu", operator: "Exists" }]);
        assert.deepEqual(out.spec.containers[1].args, ["cat"]);
      },
    },
    {
      name: "a list of scalars without a strategy is replaced, not merged",
      patch: { spec: { securityContext: { supplementalGroups: [7] } } },
      check: (out) => assert.deepEqual(out.spec.securityContext, { runAsUser: 1000, supplementalGroups: [7] }),
    },
    {
      name: "$patch: replace in a map replaces the whole map",
      patch: { spec: { nodeSelector: { "$patch": "replace", disk: "ssd" } } },
      check: (out) => assert.deepEqual(out.spec.nodeSelector, { disk: "ssd" }),
    },
    {
      name: "$patch: delete in a map empties it",
      patch: { spec: { securityContext: { "$patch": "delete" } } },
      check: (out) => assert.deepEqual(out.spec.securityContext, {}),
    },
    {
      name: "$patch: replace as a list element replaces the whole list",
      patch: { spec: { containers: [{ name: "only", image: "x" }, { "$patch": "replace" }] } },
      check: (out) => assert.deepEqual(out.spec.containers, [{ name: "only", image: "x" }]),
    },
    {
      name: "$patch: delete of an element the list lacks changes nothing",
      patch: { spec: { containers: [{ "$patch": "delete", name: "ghost" }] } },
      check: (out) => assert.deepEqual(names(out.spec.containers), ["web", "log"]),
    },
    {
      name: "a whole container is deleted by name",
      patch: { spec: { "$setElementOrder/containers": [{ name: "web" }], containers: [{ "$patch": "delete", name: "log" }] } },
      check: (out) => assert.deepEqual(names(out.spec.containers), ["web"]),
    },
    {
      name: "a null field inside a merged element removes it",
      patch: { spec: { containers: [{ name: "web", resources: null, imagePullPolicy: null }] } },
      check: (out) => {
        assert.equal("resources" in out.spec.containers[0], false);
        assert.equal("imagePullPolicy" in out.spec.containers[0], false);
      },
    },
    {
      name: "a new map loses its null members and objects carrying directives",
      patch: { spec: { serviceAccountName: "sa", imagePullSecrets: [{ name: "reg", x: null }, { "$patch": "delete", name: "old" }] } },
      check: (out) => {
        assert.equal(out.spec.serviceAccountName, "sa");
        assert.deepEqual(out.spec.imagePullSecrets, [{ name: "reg" }]);
      },
    },
    {
      name: "a value of another type replaces the stored one",
      patch: { spec: { nodeSelector: "none", restartPolicy: { odd: true } } },
      check: (out) => {
        assert.equal(out.spec.nodeSelector, "none");
        assert.deepEqual(out.spec.restartPolicy, { odd: true });
      },
    },
    {
      name: "$patch: replace on the whole object replaces it",
      patch: { "$patch": "replace", kind: "Pod", apiVersion: "v1", metadata: { name: "web" } },
      check: (out) => assert.deepEqual(out, { kind: "Pod", apiVersion: "v1", metadata: { name: "web" } }),
    },
    {
      name: "$setElementOrder without the list reorders the live list",
      patch: { spec: { "$setElementOrder/containers": [{ name: "log" }, { name: "web" }] } },
      check: (out) => assert.deepEqual(names(out.spec.containers), ["log", "web"]),
    },
    {
      name: "$setElementOrder naming items the list lacks ignores them",
      patch: { metadata: { "$setElementOrder/finalizers": ["example.com/b", "example.com/x", "example.com/a"] } },
      check: (out) => assert.deepEqual(out.metadata.finalizers, ["example.com/b", "example.com/a"]),
    },
    {
      name: "$deleteFromPrimitiveList of an absent item or list changes nothing",
      patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/zzz"] }, spec: { securityContext: { "$deleteFromPrimitiveList/other": [1] } } },
      check: (out) => {
        assert.deepEqual(out.metadata.finalizers, ["example.com/a", "example.com/b"]);
        assert.deepEqual(out.spec.securityContext, { runAsUser: 1000, supplementalGroups: [5, 6] });
      },
    },
    {
      name: "$deleteFromPrimitiveList also works on a list without the merge strategy",
      patch: { spec: { securityContext: { "$deleteFromPrimitiveList/supplementalGroups": [5] } } },
      check: (out) => assert.deepEqual(out.spec.securityContext.supplementalGroups, [6]),
    },
    {
      name: "duplicate merge keys in the patch merge into one element",
      patch: { spec: { containers: [{ name: "new", image: "a" }, { name: "new", args: ["x"] }] } },
      check: (out) => assert.deepEqual(out.spec.containers[0], { name: "new", image: "a", args: ["x"] }),
    },
  ];
  for (const { name, patch, check } of cases) {
    it(name, () => {
      const original = livePod();
      check(patchPod(patch, original));
      assert.deepEqual(original, livePod(), "the stored object is unchanged");
    });
  }

  it("a server-only container keeps its place relative to the ones $setElementOrder names", () => {
    const original = deepFreeze({ spec: { containers: ["c1", "c2", "injected", "c3", "c4"].map((name) => ({ name })) } });
    const out = patchPod({ spec: { "$setElementOrder/containers": ["c2", "c1", "c4", "c3"].map((name) => ({ name })) } }, original);
    assert.deepEqual(names(out.spec.containers), ["c2", "c1", "injected", "c4", "c3"]);
  });

  it("several server-only containers stay together in their live order", () => {
    const original = deepFreeze({ spec: { containers: ["c1", "c2", "s7", "s9", "s8", "c3", "c4"].map((name) => ({ name })) } });
    const out = patchPod({ spec: { "$setElementOrder/containers": ["c2", "c1", "c4", "c3"].map((name) => ({ name })) } }, original);
    assert.deepEqual(names(out.spec.containers), ["c2", "c1", "s7", "s9", "s8", "c4", "c3"]);
  });

  it("an apply that renames a container places an injected sidecar as upstream does", () => {
    // Upstream appends the new container into the slot the deleted one freed in the live
    // list's Go slice, and the ordering step then sees it after the sidecar.
    const original = deepFreeze({ spec: { containers: [{ name: "web" }, { name: "old" }, { name: "istio-proxy" }] } });
    const out = patchPod({
      spec: {
        "$setElementOrder/containers": [{ name: "web" }, { name: "new" }],
        containers: [{ name: "new", image: "app:2" }, { "$patch": "delete", name: "old" }],
      },
    }, original);
    assert.deepEqual(names(out.spec.containers), ["web", "istio-proxy", "new"]);
  });

  it("several deletions and additions in one list keep upstream's placement", () => {
    const original = deepFreeze({ spec: { containers: ["a", "b", "c", "istio-proxy", "d"].map((name) => ({ name })) } });
    const out = patchPod({
      spec: {
        "$setElementOrder/containers": ["x", "a", "d", "y"].map((name) => ({ name })),
        containers: [{ name: "x" }, { name: "y" }, { "$patch": "delete", name: "b" }, { "$patch": "delete", name: "c" }],
      },
    }, original);
    assert.deepEqual(names(out.spec.containers), ["istio-proxy", "x", "a", "d", "y"]);
  });

  it("a null patch changes nothing", () => {
    assert.deepEqual(strategicMergePatch(livePod(), null, handSchema, podStruct), livePod());
  });

  it("maps of strings (configmap data) merge key by key", () => {
    const out = strategicMergePatch(deepFreeze({ data: { a: "1", b: "2" } }), deepFreeze({ data: { b: null, c: "3" } }), handSchema, configMapStruct);
    assert.deepEqual(out, { data: { a: "1", c: "3" } });
  });

  it("the top level of a RawExtension (controller revision data) merges; values there replace", () => {
    const out = strategicMergePatch(
      deepFreeze({ data: { spec: { x: 1 }, a: 1, l: [1] } }),
      deepFreeze({ data: { a: 2, b: { c: null }, spec: "s" } }),
      handSchema, controllerRevisionStruct,
    );
    assert.deepEqual(out, { data: { spec: "s", a: 2, b: {}, l: [1] } });
  });

  it("merging inside a RawExtension fails as upstream's struct lookup does", () => {
    for (const data of [{ spec: { template: { y: 2 } } }, { l: [2] }]) {
      assert.throws(
        () => strategicMergePatch(deepFreeze({ data: { spec: { template: { x: 1 } }, l: [1] } }), { data }, handSchema, controllerRevisionStruct),
        { code: 500, message: `unable to find api field in struct RawExtension for the json field "${Object.keys(data)[0]}"` },
      );
    }
  });

  it("values with no Go type behind them merge like plain maps", () => {
    const out = strategicMergePatch(
      deepFreeze({ anything: { spec: { template: { x: 1, list: [1, 2] } } } }),
      deepFreeze({ anything: { spec: { template: { y: 2, list: [3] } } } }),
      handSchema, controllerRevisionStruct,
    );
    assert.deepEqual(out, { anything: { spec: { template: { x: 1, y: 2, list: [3] } } } });
  });
});
