/**
 * ConfigSourceWatch against the real API server in process: what a pod's volumes refer to,
 * watches started per namespace with the first pod and stopped with the last, the pods
 * woken when an object they use changes or goes, and reads that see the latest object.
 */
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { KubeObject, PodObject } from "../api/index.js";
import { ApiClient, configMapsResource, namespacesResource, secretsResource } from "../client/index.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { ConfigSourceWatch, podVolumeConfigReferences } from "./config-source-watch.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const sorted = (s: Set<string>) => [...s].sort();

function pod(uid: string, namespace: string, volumes: NonNullable<PodObject["spec"]>["volumes"]): PodObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: `p-${uid}`, namespace, uid }, spec: { volumes, containers: [{ name: "c", image: "busybox" }] } } as PodObject;
}

describe("podVolumeConfigReferences", () => {
  const cases: { name: string; volumes: NonNullable<PodObject["spec"]>["volumes"]; configMaps: string[]; secrets: string[] }[] = [
    { name: "no volumes", volumes: undefined, configMaps: [], secrets: [] },
    { name: "emptyDir, hostPath and downwardAPI use none", volumes: [{ name: "a", emptyDir: {} }, { name: "b", hostPath: { path: "/x" } }, { name: "c", downwardAPI: { items: [] } }], configMaps: [], secrets: [] },
    { name: "configMap and secret volumes", volumes: [{ name: "a", configMap: { name: "cfg" } }, { name: "b", secret: { secretName: "creds" } }], configMaps: ["cfg"], secrets: ["creds"] },
    {
      name: "projected sources, each name once",
      volumes: [
        { name: "a", configMap: { name: "cfg", optional: true } },
        { name: "p", projected: { sources: [{ configMap: { name: "cfg" } }, { configMap: { name: "more" } }, { secret: { name: "tls" } }, { downwardAPI: { items: [] } }] } },
      ],
      configMaps: ["cfg", "more"],
      secrets: ["tls"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const refs = podVolumeConfigReferences({ spec: { volumes: c.volumes ?? [] } });
      assert.deepEqual([sorted(refs.configMaps), sorted(refs.secrets)], [c.configMaps, c.secrets]);
    });
  }

  test("env references are not volume references (env is fixed at container start)", () => {
    const p = pod("u", "ns", []);
    p.spec = {
      containers: [{ name: "c", env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cfg", key: "k" } } }], envFrom: [{ secretRef: { name: "creds" } }] }],
    };
    const refs = podVolumeConfigReferences(p);
    assert.deepEqual([refs.configMaps.size, refs.secrets.size], [0, 0]);
  });
});

async function setup(t: TestContext) {
  const server = await startInProcessServer(t);
  const client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
  const woken: string[] = [];
  const watch = new ConfigSourceWatch({ client, onChange: (uid) => woken.push(uid), log: (m) => t.diagnostic(m) });
  // After the server's own hook in the list, so it runs first (hooks run in reverse).
  t.after(async () => {
    await watch.stop();
    client.close();
  });
  for (const name of ["shop", "other"]) {
    await client.resource(namespacesResource).create(undefined, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  const configMaps = client.resource<KubeObject>(configMapsResource);
  const secrets = client.resource<KubeObject>(secretsResource);
  const cm = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data });
  return { client, watch, woken, configMaps, secrets, cm };
}

test("a change of a configMap or secret a pod's volumes use wakes that pod, and only that one", async (t) => {
  const { watch, woken, configMaps, secrets, cm } = await setup(t);
  await configMaps.create("shop", cm("shop", "cfg", { k: "1" }));
  await configMaps.create("shop", cm("shop", "unrelated", { k: "1" }));
  await secrets.create("shop", { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "shop" }, data: { password: b64("a") } });

  watch.registerPod(pod("a", "shop", [{ name: "cfg", configMap: { name: "cfg" } }, { name: "all", projected: { sources: [{ secret: { name: "creds" } }] } }]));
  watch.registerPod(pod("b", "shop", [{ name: "cfg", configMap: { name: "unrelated" } }]));
  assert.deepEqual(watch.watchedNamespaces(), ["configmaps/shop", "secrets/shop"]);
  // The first list of each watch wakes the pods once (anything may have changed since they read).
  await waitFor(() => woken.includes("a") && woken.includes("b"), { what: "the first list's wake-ups" });
  await waitFor(async () => (await watch.secret("shop", "creds"))?.data?.["password"] === b64("a"), { what: "the secret readable" });
  woken.length = 0;

  const cfg = await configMaps.get("shop", "cfg");
  await configMaps.update("shop", { ...cfg, data: { k: "2" } });
  await waitFor(() => woken.includes("a"), { what: "pod a woken by its configMap" });
  assert.deepEqual(woken, ["a"]);
  assert.deepEqual((await watch.configMap("shop", "cfg"))?.data, { k: "2" });

  woken.length = 0;
  await secrets.patch("shop", "creds", { data: { password: b64("b") } }, "merge");
  await waitFor(() => woken.includes("a"), { what: "pod a woken by the secret of its projected volume" });
  assert.deepEqual(woken, ["a"]);
  assert.equal((await watch.secret("shop", "creds"))?.data?.["password"], b64("b"));

  woken.length = 0;
  await configMaps.delete("shop", "cfg");
  await waitFor(() => woken.includes("a"), { what: "pod a woken by the deletion" });
  assert.deepEqual(woken, ["a"]);
  assert.equal(await watch.configMap("shop", "cfg"), undefined, "a deleted configMap reads as not found");
});

test("reads see objects created a moment before, and objects of namespaces not watched", async (t) => {
  const { watch, configMaps, cm } = await setup(t);
  watch.registerPod(pod("a", "shop", [{ name: "cfg", configMap: { name: "cfg" } }]));
  // Created right after the watch started: the cache may not have it yet, the read must.
  await configMaps.create("shop", cm("shop", "cfg", { k: "1" }));
  assert.deepEqual((await watch.configMap("shop", "cfg"))?.data, { k: "1" });
  await configMaps.create("other", cm("other", "plain", { k: "x" }));
  assert.deepEqual((await watch.configMap("other", "plain"))?.data, { k: "x" });
  assert.equal(await watch.configMap("other", "absent"), undefined);
  assert.equal(await watch.secret("shop", "absent"), undefined);
});

test("watches start with the first pod of a namespace that needs them and stop with the last", async (t) => {
  const { watch, woken, configMaps, cm } = await setup(t);
  const a = pod("a", "shop", [{ name: "cfg", configMap: { name: "cfg" } }]);
  const b = pod("b", "shop", [{ name: "cfg", configMap: { name: "cfg" } }, { name: "s", secret: { secretName: "s" } }]);
  watch.registerPod(pod("plain", "shop", [{ name: "scratch", emptyDir: {} }]));
  assert.deepEqual(watch.watchedNamespaces(), [], "a pod without configMap or secret volumes needs no watch");
  watch.registerPod(a);
  watch.registerPod(b);
  watch.registerPod(pod("c", "other", [{ name: "cfg", configMap: { name: "cfg" } }]));
  assert.deepEqual(watch.watchedNamespaces(), ["configmaps/other", "configmaps/shop", "secrets/shop"]);
  watch.registerPod(b); // a new version of the same pod changes nothing
  watch.unregisterPod("b");
  assert.deepEqual(watch.watchedNamespaces(), ["configmaps/other", "configmaps/shop"]);
  watch.unregisterPod("c");
  watch.unregisterPod("no-such-pod");
  assert.deepEqual(watch.watchedNamespaces(), ["configmaps/shop"]);

  // The remaining pod is still woken, the unregistered one no more.
  await configMaps.create("shop", cm("shop", "cfg", { k: "1" }));
  await waitFor(() => woken.includes("a"), { what: "pod a woken" });
  assert.equal(woken.includes("b"), false);
  watch.unregisterPod("a");
  assert.deepEqual(watch.watchedNamespaces(), []);
});
