/**
 * The node agent keeps running pods up to date, with the real API server in process, a real
 * registry and a real LocalRuntime: configMap, secret and downwardAPI volume contents follow
 * their sources without a container restart (but subPath mounts and env do not, as
 * upstream), and dead container instances of a restarting pod are collected.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { ContainerStatus, KubeObject, PodObject, PodStatus } from "../api/index.js";
import { ApiClient, configMapsResource, eventsResource, podsResource, secretsResource } from "../client/index.js";
import { cleanupFor } from "../../test/harness/cleanup.js";
import { pushAll, startRegistry } from "../../test/harness/registry.js";
import { openTestRuntime, type TestRuntime } from "../../test/harness/runtime.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { NodeAgent } from "./index.js";
import { podUidLabel } from "./pod-sandbox-config.js";
import { waitForPod } from "./testing/wait-for-pod.js";

const nodeName = "live-updates-node";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const statusOf = (pod: PodObject): Partial<PodStatus> => (pod.status ?? {}) as Partial<PodStatus>;
const containerOf = (pod: PodObject, name: string, init = false): ContainerStatus | undefined =>
  (init ? statusOf(pod).initContainerStatuses : statusOf(pod).containerStatuses)?.find((c) => c.name === name);

describe("the agent keeps running pods up to date", () => {
  const suite = cleanupFor(after);
  let client: ApiClient;
  let rt: TestRuntime;
  let images: { busybox: string; httpd: string };
  const logs: string[] = [];

  const pods = () => client.resource<PodObject>(podsResource);
  const configMaps = () => client.resource<KubeObject>(configMapsResource);
  const secrets = () => client.resource<KubeObject>(secretsResource);

  before(async () => {
    const server = await startInProcessServer({ after: (fn) => suite.add("stop the API server", fn) });
    client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
    suite.add("close the client", () => client.close());
    const pushed = await pushAll(await startRegistry(suite));
    images = { busybox: pushed.busybox.reference, httpd: pushed.httpd.reference };
    rt = await openTestRuntime(suite);
    const dataDir = mkdtempSync(join(tmpdir(), "peapod-agent-live-"));
    suite.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    // A short crash-loop back-off, so that a few restarts take a second, not minutes.
    const agent = new NodeAgent({
      client,
      runtime: rt.runtime,
      nodeName,
      dataDir,
      podCIDR: rt.network.podCIDR,
      log: (m) => logs.push(m),
      crashLoopBackOff: { initialMs: 100, maxMs: 400 },
    });
    suite.add("stop the agent", () => agent.stop());
    await agent.start();
  });

  after(() => {
    if (logs.length > 0) console.error(`agent log:\n${logs.join("\n")}`);
  });

  const podNamed = (name: string, what: string, check: (pod: PodObject) => boolean) => waitForPod(pods(), "default", name, what, check);

  async function deletePod(name: string): Promise<void> {
    await pods().delete("default", name, { gracePeriodSeconds: 0 });
    await waitFor(async () => (await pods().list("default")).items.every((p) => p.metadata.name !== name), { what: `pod ${name} gone`, timeoutMs: 20_000 });
  }

  test("configMap, secret and downwardAPI volumes follow their sources; subPath and env do not", async () => {
    await configMaps().create("default", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "site", namespace: "default" },
      data: { "index.html": "v1\n", "app.conf": "a=1\n" },
    });
    await configMaps().create("default", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "extra", namespace: "default" }, data: { x: "1" } });
    await secrets().create("default", { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "default" }, data: { password: b64("p1") } });
    await pods().create("default", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "live", namespace: "default", labels: { tier: "one" } },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 1,
        volumes: [
          { name: "www", configMap: { name: "site" } },
          { name: "all", projected: { sources: [{ secret: { name: "creds" } }, { configMap: { name: "site", items: [{ key: "app.conf", path: "conf/app.conf" }] } }] } },
          { name: "extra", configMap: { name: "extra", optional: true } },
          { name: "podinfo", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
        ],
        containers: [
          {
            name: "web",
            image: images.httpd,
            env: [{ name: "CONF", valueFrom: { configMapKeyRef: { name: "site", key: "app.conf" } } }],
            volumeMounts: [
              { name: "www", mountPath: "/var/www" },
              { name: "all", mountPath: "/etc/all" },
              { name: "extra", mountPath: "/etc/extra" },
              { name: "podinfo", mountPath: "/etc/podinfo" },
              // upstream: "A container using a ConfigMap as a subPath volume mount will not receive ConfigMap updates."
              { name: "www", mountPath: "/etc/app.conf", subPath: "app.conf" },
            ],
          },
        ],
      },
    } as PodObject);
    const running = await podNamed("live", "Running", (p) => containerOf(p, "web")?.state.running !== undefined);
    const containerID = containerOf(running, "web")!.containerID!;
    const id = containerID.replace("peapod://", "");
    const cat = async (path: string): Promise<string> => {
      const r = await rt.runtime.execSync(id, ["cat", path], 5);
      return r.exitCode === 0 ? r.stdout.toString() : `(exit ${r.exitCode}: ${r.stderr.toString().trim()})`;
    };
    const eventually = (path: string, want: string, what: string, timeoutMs = 2000) =>
      waitFor(async () => (await cat(path)) === want, { what: `${path} ${what}`, timeoutMs, intervalMs: 50 });
    assert.equal(await cat("/var/www/index.html"), "v1\n");
    assert.equal(await cat("/etc/all/password"), "p1");
    assert.equal(await cat("/etc/all/conf/app.conf"), "a=1\n");
    assert.equal(await cat("/etc/extra/x"), "1");
    assert.equal(await cat("/etc/podinfo/labels"), 'tier="one"');
    assert.equal(await cat("/etc/app.conf"), "a=1\n");

    // The configMap changes: its volume and the projected item follow within ~2 s.
    const site = await configMaps().get("default", "site");
    await configMaps().update("default", { ...site, data: { "index.html": "v2\n", "app.conf": "a=2\n" } });
    await eventually("/var/www/index.html", "v2\n", "updated from the configMap");
    await eventually("/etc/all/conf/app.conf", "a=2\n", "updated in the projected volume");
    assert.equal(await cat("/etc/app.conf"), "a=1\n", "a subPath mount keeps the file it was bound to");
    const env = await rt.runtime.execSync(id, ["sh", "-c", 'printf %s "$CONF"'], 5);
    assert.equal(env.stdout.toString(), "a=1\n", "env is fixed when the container starts");

    // The secret and the pod's labels change.
    await secrets().patch("default", "creds", { data: { password: b64("p2") } }, "merge");
    await eventually("/etc/all/password", "p2", "updated from the secret");
    await pods().patch("default", "live", { metadata: { labels: { tier: "two" } } }, "merge");
    await eventually("/etc/podinfo/labels", 'tier="two"', "updated from the pod's labels");

    // An optional configMap that goes empties its volume.
    await configMaps().delete("default", "extra");
    await waitFor(async () => (await rt.runtime.execSync(id, ["ls", "/etc/extra"], 5)).stdout.toString() === "", {
      what: "/etc/extra emptied (only the hidden ..data entries left)",
      timeoutMs: 2000,
    });

    // A configMap that is not optional and goes: the files stay, with a FailedMount event.
    await configMaps().delete("default", "site");
    const uid = running.metadata.uid!;
    const failedMount = await waitFor(
      async () => {
        const list = await client.resource(eventsResource).list("default");
        return list.items.find((e) => (e["involvedObject"] as { uid?: string }).uid === uid && e["reason"] === "FailedMount");
      },
      { what: "a FailedMount event" },
    );
    assert.equal(failedMount["type"], "Warning");
    assert.equal(failedMount["message"], 'MountVolume.SetUp failed for volume "www" : configmap "site" not found');
    assert.equal(await cat("/var/www/index.html"), "v2\n", "the last content is kept");

    // All of it without a restart.
    const now = await pods().get("default", "live");
    assert.equal(containerOf(now, "web")!.containerID, containerID);
    assert.equal(containerOf(now, "web")!.restartCount, 0);
    assert.equal(statusOf(now).phase, "Running");
    await deletePod("live");
  });

  test("dead instances of a restarting container are collected: the latest two attempts stay", async () => {
    // Each container fails its first three runs (counted on an emptyDir), then stays up.
    const failThrice = (file: string, then: string) => `n=$(($(cat /data/${file} 2>/dev/null || echo 0) + 1)); echo $n > /data/${file}; echo run $n; [ $n -gt 3 ] && ${then}; exit 1`;
    await pods().create("default", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "crashy", namespace: "default" },
      spec: {
        nodeName,
        terminationGracePeriodSeconds: 1,
        volumes: [{ name: "data", emptyDir: {} }],
        initContainers: [{ name: "setup", image: images.busybox, command: ["sh", "-c", failThrice("setup", "exit 0")], volumeMounts: [{ name: "data", mountPath: "/data" }] }],
        containers: [{ name: "app", image: images.busybox, command: ["sh", "-c", failThrice("app", "exec sleep 3600")], volumeMounts: [{ name: "data", mountPath: "/data" }] }],
      },
    } as PodObject);
    const pod = await podNamed("crashy", "app running after 3 restarts", (p) => containerOf(p, "app")?.restartCount === 3 && containerOf(p, "app")?.state.running !== undefined);
    const app = containerOf(pod, "app")!;
    assert.equal(app.lastState.terminated?.exitCode, 1, "lastState still reports the previous exit");
    const setup = containerOf(pod, "setup", true)!;
    assert.equal(setup.restartCount, 3);
    assert.equal(setup.state.terminated?.exitCode, 0);

    const attempts = await waitFor(
      async () => {
        const instances = await rt.runtime.listContainers({ labelSelector: { [podUidLabel]: pod.metadata.uid! } });
        const by = (name: string) => instances.filter((c) => c.metadata.name === name).map((c) => [c.metadata.attempt, c.state] as const).sort((a, b) => b[0] - a[0]);
        const out = { app: by("app"), setup: by("setup"), instances };
        return out.app.length === 2 && out.setup.length === 2 ? out : undefined;
      },
      { what: "two instances per container" },
    );
    assert.deepEqual(attempts.app, [[3, "CONTAINER_RUNNING"], [2, "CONTAINER_EXITED"]]);
    assert.deepEqual(attempts.setup, [[3, "CONTAINER_EXITED"], [2, "CONTAINER_EXITED"]]);
    // The logs of removed instances went with them; `kubectl logs --previous` still has its file.
    const appLog = attempts.instances.find((c) => c.metadata.name === "app" && c.metadata.attempt === 3)!.logPath;
    assert.deepEqual(readdirSync(dirname(appLog)).sort(), ["2.log", "3.log"]);
    assert.equal(basename(dirname(appLog)), "app");
    await deletePod("crashy");
  });
});
