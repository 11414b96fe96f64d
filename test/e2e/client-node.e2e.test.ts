/**
 * The official JavaScript client (@kubernetes/client-node) against Peapod: typed list,
 * a raw watch, and an informer whose cache follows creates, updates and deletes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { cleanupFor } from "../harness/cleanup.js";
import { startPeapod } from "../harness/peapod.js";
import { waitFor } from "../harness/wait-for.js";

const pod = (name: string, labels: Record<string, string> = {}): k8s.V1Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "client-node", ...labels } },
  spec: { containers: [{ name: "main", image: "busybox:1.36" }] },
});

describe("@kubernetes/client-node against peapod", () => {
  it("lists, watches and keeps an informer cache in step", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const server = await startPeapod(cleanup);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespace = "default";

    t.diagnostic("typed create and list");
    await core.createNamespacedPod({ namespace, body: pod("a") });
    await core.createNamespacedPod({ namespace, body: pod("b", { role: "x" }) });
    const list = await core.listNamespacedPod({ namespace, labelSelector: "app=client-node" });
    assert.deepEqual(list.items.map((p) => p.metadata?.name), ["a", "b"]);
    assert.equal(list.items[0]!.spec?.restartPolicy, "Always");
    assert.equal(list.items[0]!.status?.phase, "Pending");
    assert.match(list.metadata?.resourceVersion ?? "", /^\d+$/);

    t.diagnostic("a raw watch from the list's resourceVersion sees later changes in order");
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { resourceVersion: list.metadata!.resourceVersion!, labelSelector: "app=client-node" },
      (phase, obj: k8s.V1Pod) => seen.push(`${phase} ${obj.metadata?.name}`),
      () => {},
    );
    cleanup.add("abort watch", () => controller.abort());
    await core.createNamespacedPod({ namespace, body: pod("c") });
    await core.patchNamespacedPod({ namespace, name: "a", body: { metadata: { labels: { touched: "yes" } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedPod({ namespace, name: "b" });
    await waitFor(() => seen.length >= 3 && seen, { what: "three watch events", timeoutMs: 10_000 });
    assert.deepEqual(seen, ["ADDED c", "MODIFIED a", "DELETED b"]);

    t.diagnostic("an informer lists, then follows");
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace }));
    const events: string[] = [];
    informer.on("add", (p: k8s.V1Pod) => events.push(`add ${p.metadata?.name}`));
    informer.on("update", (p: k8s.V1Pod) => events.push(`update ${p.metadata?.name}`));
    informer.on("delete", (p: k8s.V1Pod) => events.push(`delete ${p.metadata?.name}`));
    await informer.start();
    cleanup.add("stop informer", () => informer.stop());
    await waitFor(() => informer.list().length === 2, { what: "the informer's initial list" });
    await core.createNamespacedPod({ namespace, body: pod("d") });
    await core.patchNamespacedPod({ namespace, name: "c", body: { metadata: { labels: { v: "2" } } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedPod({ namespace, name: "a" });
    await waitFor(() => {
      const names = informer.list().map((p) => p.metadata?.name).sort().join(",");
      return names === "c,d" && informer.get("c", namespace)?.metadata?.labels?.["v"] === "2";
    }, { what: "the informer cache to hold c (updated) and d", timeoutMs: 10_000 });
    assert.ok(events.includes("add d"));
    assert.ok(events.includes("update c"));
    assert.ok(events.includes("delete a"));
  });
});
