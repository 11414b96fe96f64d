/**
 * The runtime end to end, as issue 3 asks it to be shown: images pulled from a real
 * registry, pod sandboxes on real namespaces and CNI, containers on conmon + runc. Each
 * case says what a pod should see, then looks from inside the containers and from the host.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerEvent, LocalRuntime } from "../../src/runtime/index.js";
import { busyboxIndexHtml } from "../fixtures/images/busybox.js";
import { cleanupFor } from "../harness/cleanup.js";
import { peapodBin } from "../harness/peapod.js";
import { pushAll, startRegistry } from "../harness/registry.js";
import {
  containerConfig, freeTestNetwork, openTestRuntime, podSandboxConfig, withCommand, withHostPort, withMemoryLimit,
  type TestRuntime,
} from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";
import { freePort, httpGet } from "../harness/ports.js";



async function sh(runtime: LocalRuntime, id: string, script: string, timeoutSeconds = 10): Promise<{ out: string; code: number }> {
  const r = await runtime.execSync(id, ["sh", "-c", script], timeoutSeconds);
  return { out: r.stdout.toString() + r.stderr.toString(), code: r.exitCode };
}

describe("the container runtime on runc, conmon and CNI", () => {
  const suite = cleanupFor(after);
  let t: TestRuntime;
  let busybox: string;
  let httpd: string;

  before(async () => {
    const registry = await startRegistry(suite);
    const pushed = await pushAll(registry);
    t = await openTestRuntime(suite);
    busybox = pushed.busybox.reference;
    httpd = pushed.httpd.reference;
    await Promise.all([t.runtime.images.pullImage(busybox), t.runtime.images.pullImage(httpd)]);
  });

  async function runPod(name: string, containers: Array<[string, string[]]>, ...options: Parameters<typeof podSandboxConfig>[1][]): Promise<{ sandbox: string; ids: string[] }> {
    // Left to the suite's reset: the adoption case replaces t.runtime half-way.
    const sandbox = await t.runtime.runPodSandbox(podSandboxConfig(name, ...options));
    const ids: string[] = [];
    for (const [cname, command] of containers) {
      const id = await t.runtime.createContainer(sandbox, containerConfig(cname, busybox, withCommand(...command)));
      await t.runtime.startContainer(id);
      ids.push(id);
    }
    return { sandbox, ids };
  }

  test("containers of one pod share localhost, /dev/shm and the hostname; a port binds once", async () => {
    const { ids: [server, client] } = await runPod("shared", [
      ["server", ["httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/var/www"]],
      ["client", ["sh", "-c", "echo from-client > /dev/shm/note; exec sleep 3600"]],
    ]);
    const page = await waitFor(async () => {
      const r = await sh(t.runtime, client!, "wget -qO- http://localhost:8080/");
      return r.code === 0 && r.out;
    }, { what: "the client to fetch the server's page over localhost" });
    assert.equal(page, busyboxIndexHtml);
    assert.equal((await sh(t.runtime, server!, "cat /dev/shm/note")).out, "from-client\n");
    assert.equal((await sh(t.runtime, server!, "hostname")).out, "shared\n");
    assert.equal((await sh(t.runtime, client!, "hostname")).out, "shared\n");
    const second = await sh(t.runtime, client!, "httpd -f -p 127.0.0.1:8080 -h /var/www");
    assert.notEqual(second.code, 0);
    assert.match(second.out, /in use/i);
  });

  test("two pods get their own IPs, reach each other by IP, and the host reaches them", async () => {
    const a = await runPod("pod-a", [["web", ["httpd", "-f", "-p", "80", "-h", "/var/www"]]]);
    const b = await runPod("pod-b", [["web", ["httpd", "-f", "-p", "80", "-h", "/var/www"]]]);
    const [ipA] = (await t.runtime.podSandboxStatus(a.sandbox)).ips;
    const [ipB] = (await t.runtime.podSandboxStatus(b.sandbox)).ips;
    assert.ok(ipA && ipB && ipA !== ipB, `distinct IPs: ${ipA} ${ipB}`);
    const [prefix] = t.network.podCIDR.split(".0/");
    assert.ok(ipA!.startsWith(`${prefix}.`), `${ipA} in ${t.network.podCIDR}`);
    const fromA = await waitFor(async () => {
      const r = await sh(t.runtime, a.ids[0]!, `wget -qO- http://${ipB}/`);
      return r.code === 0 && r.out;
    }, { what: `pod-a to reach ${ipB}` });
    assert.equal(fromA, busyboxIndexHtml);
    assert.equal(await httpGet(`http://${ipA}/`), busyboxIndexHtml);
  });

  test("a hostPort is reachable on 127.0.0.1", async () => {
    const hostPort = await freePort();
    await runPod("hostport", [["web", ["httpd", "-f", "-p", "80", "-h", "/var/www"]]], withHostPort(80, hostPort));
    const body = await waitFor(() => httpGet(`http://127.0.0.1:${hostPort}/`).catch(() => undefined), { what: `127.0.0.1:${hostPort}` });
    assert.equal(body, busyboxIndexHtml);
  });

  test("an image's own command runs when the container gives none", async () => {
    const sandbox = await t.runtime.runPodSandbox(podSandboxConfig("imagecmd"));
    const id = await t.runtime.createContainer(sandbox, containerConfig("web", httpd));
    await t.runtime.startContainer(id);
    const [ip] = (await t.runtime.podSandboxStatus(sandbox)).ips;
    const body = await waitFor(() => httpGet(`http://${ip}/`).catch(() => undefined), { what: "the image's httpd" });
    assert.equal(body, busyboxIndexHtml);
  });

  test("exit codes, CRI logs and OOM kills are reported, from events", async () => {
    const events: ContainerEvent[] = [];
    const off = t.runtime.onContainerEvent((e) => events.push(e));
    suite.add("unsubscribe", off);
    const sandbox = await t.runtime.runPodSandbox(podSandboxConfig("exits"));
    const failing = await t.runtime.createContainer(sandbox, containerConfig("failing", busybox, withCommand("sh", "-c", "echo to-out; echo to-err >&2; exit 3")));
    await t.runtime.startContainer(failing);
    await waitFor(() => events.some((e) => e.containerId === failing && e.type === "CONTAINER_STOPPED_EVENT"), { what: "a stopped event" });
    const status = await t.runtime.containerStatus(failing);
    assert.equal(status.state, "CONTAINER_EXITED");
    assert.equal(status.exitCode, 3);
    assert.equal(status.reason, "Error");
    assert.ok(status.finishedAt >= status.startedAt && status.startedAt > 0);
    const log = readFileSync(status.logPath, "utf8");
    assert.match(log, /^\S+ stdout F to-out$/m);
    assert.match(log, /^\S+ stderr F to-err$/m);

    const hog = await t.runtime.createContainer(sandbox, containerConfig("hog", busybox,
      withCommand("sh", "-c", "tail /dev/zero"), withMemoryLimit(24 * 1024 * 1024)));
    await t.runtime.startContainer(hog);
    const oom = await waitFor(async () => {
      const s = await t.runtime.containerStatus(hog);
      return s.state === "CONTAINER_EXITED" && s;
    }, { what: "the memory hog to be killed", timeoutMs: 30_000 });
    assert.equal(oom.reason, "OOMKilled");
    assert.equal(oom.exitCode, 137);
  });

  test("stop sends SIGTERM, and SIGKILL only after the grace period", async () => {
    const { ids: [polite, stubborn] } = await runPod("grace", [
      ["polite", ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]],
      ["stubborn", ["sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"]],
    ]);
    await waitFor(async () => (await t.runtime.containerStatus(stubborn!)).state === "CONTAINER_RUNNING", { what: "running" });
    let started = performance.now();
    await t.runtime.stopContainer(polite!, 10);
    const politeMs = performance.now() - started;
    started = performance.now();
    await t.runtime.stopContainer(stubborn!, 2);
    const stubbornMs = performance.now() - started;
    assert.ok(politeMs < 2000, `a container that exits on TERM stops at once (${Math.round(politeMs)} ms)`);
    assert.ok(stubbornMs >= 1900 && stubbornMs < 6000, `a container ignoring TERM is killed after ~2 s (${Math.round(stubbornMs)} ms)`);
    assert.equal((await t.runtime.containerStatus(polite!)).exitCode, 0);
    assert.equal((await t.runtime.containerStatus(stubborn!)).exitCode, 137);
  });

  test("a new runtime process adopts running sandboxes and containers without restarting them", async () => {
    const { sandbox, ids: [id] } = await runPod("adopt", [["sleeper", ["sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.1; done"]]]);
    const before = await t.runtime.containerStatus(id!);
    const sandboxesBefore = await t.runtime.listPodSandboxes();
    await t.runtime.close();
    t = await openTestRuntime(suite, { root: t.root, network: t.network });
    const adopted = await t.runtime.containerStatus(id!);
    assert.equal(adopted.state, "CONTAINER_RUNNING");
    assert.equal(adopted.pid, before.pid);
    assert.equal(adopted.startedAt, before.startedAt);
    assert.deepEqual((await t.runtime.listPodSandboxes()).map((s) => s.id).sort(), sandboxesBefore.map((s) => s.id).sort());
    assert.equal((await t.runtime.listContainers({ sandboxId: sandbox })).length, 1);
    const stopped = new Promise<ContainerEvent>((resolve) => t.runtime.onContainerEvent((e) => e.containerId === id && resolve(e)));
    await t.runtime.stopContainer(id!, 10);
    assert.equal((await stopped).type, "CONTAINER_STOPPED_EVENT");
    assert.equal((await t.runtime.containerStatus(id!)).exitCode, 7);
  });
});

test("peapod reset removes every container, sandbox, mount, netns, veth and IP of its data dir", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const pushed = await registry.push("busybox");
  const dataDir = mkdtempSync(join(tmpdir(), "peapod-reset-"));
  cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  writeFileSync(join(dataDir, ".peapod-data-dir"), "test\n");
  const network = freeTestNetwork();
  const { runtime, root } = await openTestRuntime(cleanup, { root: join(dataDir, "runtime"), network });
  await runtime.images.pullImage(pushed.reference);
  const pids: number[] = [];
  for (const name of ["one", "two"]) {
    const sandbox = await runtime.runPodSandbox(podSandboxConfig(name, withHostPort(80, await freePort())));
    const id = await runtime.createContainer(sandbox, containerConfig("c", pushed.reference, withCommand("sleep", "3600")));
    await runtime.startContainer(id);
    pids.push((await runtime.containerStatus(id)).pid);
  }
  // As after a crash: the runtime goes away without stopping anything.
  await runtime.close();

  const reset = spawnSync(process.execPath, [peapodBin, "reset", "--data-dir", dataDir], { encoding: "utf8", timeout: 60_000 });
  assert.equal(reset.status, 0, reset.stderr);

  assert.equal(existsSync(dataDir), false);
  const mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
  assert.ok(!mountinfo.includes(dataDir), `no mount under ${dataDir} remains`);
  for (const pid of pids) assert.equal(existsSync(`/proc/${pid}`), false, `container process ${pid} is gone`);
  const links = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
  assert.ok(!links.includes(network.bridge), `bridge ${network.bridge} is gone`);
  assert.ok(!links.includes(`master ${network.bridge}`), "no veth on the bridge remains");
  const tables = execFileSync("nft", ["list", "tables"], { encoding: "utf8" });
  assert.ok(!tables.includes(network.nftTable), `nft table ${network.nftTable} is gone`);
  const processes = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
  assert.ok(!processes.includes(root), "no conmon or relay of the data dir remains");
});
