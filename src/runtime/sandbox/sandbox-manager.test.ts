/**
 * Pod sandboxes on the real thing: unshare'd namespaces, the CNI bridge and host-local
 * plugins, nftables, busybox and Node processes inside the pods. Every manager
 * gets its own root, bridge, table and /24; its reset is registered as soon as it exists.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { pathToFileURL } from "node:url";
import { cleanupFor, type Cleanup } from "../../../test/harness/cleanup.js";
import { freeTestNetwork, podSandboxConfig, withHostPort, type TestNetwork } from "../../../test/harness/runtime.js";
import { waitFor } from "../../../test/harness/wait-for.js";
import { isRuntimeError } from "../errors.js";
import { runtimeLayout, type RuntimeLayout } from "../layout.js";
import { mountsUnder, unmountAll } from "../mount.js";
import type { PodSandboxConfig } from "../runtime.js";
import { holderAlive } from "./namespaces.js";
import { readMeta, sandboxPaths } from "./sandbox-meta.js";
import { resetSandboxes, SandboxManager, type PodNetworkConfig } from "./sandbox-manager.js";

interface TestManager {
  manager: SandboxManager;
  layout: RuntimeLayout;
  network: PodNetworkConfig;
}

function networkConfig(n: TestNetwork, cniBinDir = "/usr/lib/cni"): PodNetworkConfig {
  return { bridge: n.bridge, podCIDR: n.podCIDR, nftTable: n.nftTable, cniBinDir };
}

/** A root directory whose reset and removal are registered before anything is made in it. */
function testRoot(cleanup: Cleanup): RuntimeLayout {
  const root = mkdtempSync(join(tmpdir(), "peapod-sandbox-"));
  cleanup.add(`remove ${root}`, async () => {
    await unmountAll(root);
    assert.deepEqual(mountsUnder(root), [], `mounts left under ${root}`);
    rmSync(root, { recursive: true, force: true });
  });
  const layout = runtimeLayout(root);
  cleanup.add(`reset ${root}`, () => resetSandboxes(layout));
  return layout;
}

async function openManager(cleanup: Cleanup, layout = testRoot(cleanup), network = networkConfig(freeTestNetwork())): Promise<TestManager> {
  const manager = await SandboxManager.open({ layout, network, cgroupRoot: "/peapod-test" });
  cleanup.add("close manager", () => manager.close());
  return { manager, layout, network };
}

/** A process inside a pod's network namespace, killed by PID when the test ends. */
function inPod(cleanup: Cleanup, netns: string, args: string[]): ChildProcess {
  const child = spawn("nsenter", [`--net=${netns}`, ...args], { stdio: "ignore" });
  cleanup.add(`kill ${args[0]} in ${netns}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return child;
}

function httpRoot(cleanup: Cleanup, body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "peapod-www-"));
  cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "index.html"), body);
  return dir;
}

/** HTTP/1.0 GET over any stream: the response, once the server closes. */
function httpGet(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (b: Buffer) => chunks.push(b));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString()));
    stream.on("error", reject);
    stream.write("GET /index.html HTTP/1.0\r\n\r\n");
  });
}

function dial(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

function sh(file: string, args: string[]): string {
  return execFileSync(file, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
}

function ipamAllocations(layout: RuntimeLayout): string[] {
  const dir = join(layout.ipam, "peapod");
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : [];
}

function nftTable(table: string): string {
  try {
    return sh("nft", ["list", "table", "ip", table]);
  } catch {
    return "";
  }
}

function hostVeth(manager: TestManager, id: string): string {
  const meta = readMeta(sandboxPaths(manager.layout.sandboxes, id).meta);
  const name = meta?.cniResult?.interfaces?.find((i) => !i.sandbox && i.name !== manager.network.bridge)?.name;
  assert.ok(name, "the CNI result names the host-side veth");
  return name;
}

function zombiesUnder(pid: number): string[] {
  const out: string[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" && Number(fields[1]) === pid) out.push(e);
    } catch {
      // gone
    }
  }
  return out;
}

describe("SandboxManager on one bridge", () => {
  let m: TestManager;
  const cleanup = cleanupFor(after);
  before(async () => {
    m = await openManager(cleanup);
  });

  async function runPod(name: string, ...options: ((c: PodSandboxConfig) => void)[]): Promise<string> {
    const id = await m.manager.run(podSandboxConfig(name, ...options));
    cleanup.add(`remove sandbox ${name}`, () => m.manager.remove(id));
    return id;
  }

  test("two sandboxes get different IPs, reach each other by IP, and the host reaches them", async (t) => {
    const local = cleanupFor(t.after.bind(t));
    const a = await runPod("pod-a");
    const b = await runPod("pod-b");
    const [sa, sb] = [await m.manager.status(a), await m.manager.status(b)];
    assert.equal(sa.state, "SANDBOX_READY");
    assert.equal(sa.ips.length, 1);
    assert.notEqual(sa.ips[0], sb.ips[0]);
    const prefix = m.network.podCIDR.split(".").slice(0, 3).join(".") + ".";
    assert.ok(sa.ips[0]!.startsWith(prefix) && sb.ips[0]!.startsWith(prefix), `${sa.ips[0]} and ${sb.ips[0]} are in ${m.network.podCIDR}`);

    const www = httpRoot(local, "hello from pod-a\n");
    inPod(local, m.manager.context(a).namespaces.network!, ["busybox", "httpd", "-f", "-p", "8080", "-h", www]);
    const fromHost = await waitFor(async () => {
      const res = await fetch(`http://${sa.ips[0]}:8080/index.html`);
      return res.ok ? res.text() : undefined;
    }, { what: "pod-a's httpd seen from the host" });
    assert.equal(fromHost, "hello from pod-a\n");
    const fromB = sh("nsenter", [`--net=${m.manager.context(b).namespaces.network}`, "busybox", "wget", "-q", "-O", "-", `http://${sa.ips[0]}:8080/index.html`]);
    assert.equal(fromB, "hello from pod-a\n");
  });

  test("the UTS namespace has the pod's hostname; hosts, hostname and resolv.conf are the pod's", async () => {
    const id = await runPod("web-0", (c) => {
      c.fqdn = "web-0.web.default.svc.cluster.local";
      c.dnsConfig = { servers: ["10.96.0.10"], searches: ["default.svc.cluster.local", "svc.cluster.local"], options: ["ndots:5"] };
      c.hostAliases = [{ ip: "10.1.2.3", hostnames: ["foo.local", "bar.local"] }];
    });
    const ctx = m.manager.context(id);
    const ip = (await m.manager.status(id)).ips[0]!;
    assert.equal(sh("nsenter", [`--uts=${ctx.namespaces.uts}`, "hostname"]).trim(), "web-0");
    assert.notEqual(sh("readlink", ["/proc/self/ns/ipc"]).trim(), sh("nsenter", [`--ipc=${ctx.namespaces.ipc}`, "readlink", "/proc/self/ns/ipc"]).trim());
    assert.equal(
      readFileSync(ctx.etcHosts, "utf8"),
      "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n" +
        "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n" +
        `${ip}\tweb-0.web.default.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n`,
    );
    assert.equal(readFileSync(ctx.etcHostname, "utf8"), "web-0\n");
    assert.equal(readFileSync(ctx.resolvConf, "utf8"), "search default.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n");
    assert.equal(ctx.cgroupParent, `/peapod-test/pod-${id}`);
    assert.ok(mountsUnder(ctx.shm).length === 1, "/dev/shm is a tmpfs of its own");
    assert.match(sh("findmnt", ["-n", "-o", "FSTYPE,OPTIONS", ctx.shm]), /^tmpfs .*nosuid,nodev,noexec.*size=65536k/);
    assert.equal(statSync(ctx.shm).mode & 0o7777, 0o1777);
  });

  test("a hostPort is reachable on 127.0.0.1 and goes away on stop", async (t) => {
    const local = cleanupFor(t.after.bind(t));
    const hostPort = 20000 + Math.floor(Math.random() * 20000);
    const id = await runPod("hp", withHostPort(8080, hostPort));
    const www = httpRoot(local, "published\n");
    inPod(local, m.manager.context(id).namespaces.network!, ["busybox", "httpd", "-f", "-p", "8080", "-h", www]);
    const body = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${hostPort}/index.html`);
      return res.ok ? res.text() : undefined;
    }, { what: `hostPort ${hostPort}` });
    assert.equal(body, "published\n");
    assert.match(nftTable(m.network.nftTable), new RegExp(`chain hp-${id.slice(0, 12)}`));
    await m.manager.stop(id);
    assert.doesNotMatch(nftTable(m.network.nftTable), /dnat to/);
    await assert.rejects(fetch(`http://127.0.0.1:${hostPort}/index.html`, { signal: AbortSignal.timeout(2000) }));
  });

  test("a host port another sandbox publishes is refused and the refused sandbox leaves nothing", async () => {
    const hostPort = 20000 + Math.floor(Math.random() * 20000);
    await runPod("first", withHostPort(80, hostPort));
    const before = readdirSync(m.layout.sandboxes).length;
    await assert.rejects(m.manager.run(podSandboxConfig("second", withHostPort(81, hostPort))), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
    assert.equal(readdirSync(m.layout.sandboxes).length, before);
  });

  test("portForward reaches a listener on 127.0.0.1 inside the pod, reports refused ports, handles 50 streams at once", async (t) => {
    const local = cleanupFor(t.after.bind(t));
    const id = await runPod("pf");
    const www = httpRoot(local, "only on localhost\n");
    inPod(local, m.manager.context(id).namespaces.network!, ["busybox", "httpd", "-f", "-p", "127.0.0.1:8080", "-h", www]);
    const first = await waitFor(async () => httpGet(await m.manager.portForward(id, 8080)), { what: "httpd through port-forward" });
    assert.match(first, /^HTTP\/1\.[01] 200/);
    assert.match(first, /only on localhost\n$/);

    await assert.rejects(m.manager.portForward(id, 9), (e: unknown) => {
      assert.ok(isRuntimeError(e, "Internal"));
      assert.equal(
        e.message,
        `failed to connect to localhost:9 inside namespace "${id}", IPv4: dial tcp4 127.0.0.1:9: connect: connection refused IPv6 dial tcp6 [::1]:9: connect: connection refused`,
      );
      return true;
    });
    // A server that speaks first: nothing it sends before we read may be lost on the way.
    inPod(local, m.manager.context(id).namespaces.network!, [process.execPath, "-e", "require('net').createServer((s) => s.end('banner\\n')).listen(7000, '127.0.0.1')"]);
    const banner = await waitFor(async () => {
      const s = await m.manager.portForward(id, 7000);
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString();
    }, { what: "the banner server through port-forward" });
    assert.equal(banner, "banner\n");

    const many = await Promise.all(Array.from({ length: 50 }, async () => httpGet(await m.manager.portForward(id, 8080))));
    for (const r of many) assert.match(r, /only on localhost\n$/);
    await assert.rejects(m.manager.portForward("0".repeat(64), 8080), (e: unknown) => isRuntimeError(e, "NotFound"));
  });

  test("port-forward throughput is at least half of a direct connection", async (t) => {
    const local = cleanupFor(t.after.bind(t));
    const id = await runPod("tput");
    const ip = (await m.manager.status(id)).ips[0]!;
    // A sink that reads everything and closes when the sender does.
    const sink = "require('net').createServer((s) => { s.resume(); s.on('end', () => s.end()); }).listen(9000)";
    inPod(local, m.manager.context(id).namespaces.network!, [process.execPath, "-e", sink]);
    await waitFor(async () => (await dial(ip, 9000)).destroy() ?? true, { what: "the sink in the pod" });
    const total = 512 * 1024 * 1024;
    const send = async (s: Duplex): Promise<number> => {
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const start = performance.now();
      const done = new Promise<void>((resolve, reject) => {
        s.on("end", resolve).on("error", reject);
        s.resume();
      });
      for (let sent = 0; sent < total; sent += chunk.length) {
        if (!s.write(chunk)) await new Promise((r) => s.once("drain", r));
      }
      s.end();
      await done;
      return (total / 1024 / 1024) / ((performance.now() - start) / 1000);
    };
    const direct = await send(await dial(ip, 9000));
    const forwarded = await send(await m.manager.portForward(id, 9000));
    t.diagnostic(`throughput: direct ${direct.toFixed(0)} MiB/s, port-forward ${forwarded.toFixed(0)} MiB/s`);
    assert.ok(forwarded >= direct / 2, `port-forward ${forwarded.toFixed(0)} MiB/s vs direct ${direct.toFixed(0)} MiB/s`);
  });

  test("stop then remove leaves no mount, veth, IP allocation, nft rule or process", async () => {
    const hostPort = 20000 + Math.floor(Math.random() * 20000);
    const id = await m.manager.run(podSandboxConfig("gone", withHostPort(80, hostPort), (c) => (c.sharePid = true)));
    const dir = sandboxPaths(m.layout.sandboxes, id).dir;
    const veth = hostVeth(m, id);
    const ip = (await m.manager.status(id)).ips[0]!;
    const holder = readMeta(sandboxPaths(m.layout.sandboxes, id).meta)!.holderPid!;
    assert.ok(holderAlive(holder, id));
    assert.ok(m.manager.context(id).namespaces.pid);
    assert.ok(ipamAllocations(m.layout).includes(ip));
    assert.ok(sh("ip", ["-o", "link"]).includes(`${veth}@`));
    await m.manager.portForward(id, 1).catch(() => {}); // starts the relay, which must go too

    await m.manager.stop(id);
    assert.equal((await m.manager.status(id)).state, "SANDBOX_NOTREADY");
    assert.deepEqual((await m.manager.status(id)).ips, []);
    assert.throws(() => m.manager.context(id), (e: unknown) => isRuntimeError(e, "FailedPrecondition"));
    await m.manager.stop(id); // idempotent
    assert.ok(!sh("ip", ["-o", "link"]).includes(`${veth}@`), "the veth is gone after stop");
    assert.ok(!ipamAllocations(m.layout).includes(ip), "the IP is released after stop");
    assert.doesNotMatch(nftTable(m.network.nftTable), new RegExp(`hp-${id.slice(0, 12)}|dport ${hostPort}`));
    await waitFor(() => !holderAlive(holder, id), { what: "the PID namespace holder to die" });

    await m.manager.remove(id);
    await m.manager.remove(id); // idempotent
    assert.equal(readFileSync("/proc/self/mountinfo", "utf8").includes(dir), false, "no mount under the sandbox dir");
    assert.equal(existsSync(dir), false);
    await assert.rejects(m.manager.status(id), (e: unknown) => isRuntimeError(e, "NotFound"));
    assert.equal(sh("ps", ["-eo", "args"]).includes(id), false, "no process of the sandbox is left");
  });

  test("a shared PID namespace reaps orphans", async () => {
    const id = await runPod("reaper", (c) => (c.sharePid = true));
    const pidns = m.manager.context(id).namespaces.pid!;
    const holder = readMeta(sandboxPaths(m.layout.sandboxes, id).meta)!.holderPid!;
    // Each shell exits at once, leaving two sleeps that the namespace's PID 1 inherits.
    for (let i = 0; i < 3; i++) sh("nsenter", [`--pid=${pidns}`, "--", "/bin/sh", "-c", "sleep 0.1 & sleep 0.2 & exit 0"]);
    const init = Number(readFileSync(`/proc/${holder}/task/${holder}/children`, "utf8").trim().split(" ")[0]);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(zombiesUnder(init), []);
  });

  test("list filters by id prefix, state and labels", async () => {
    const a = await runPod("lab-a", (c) => (c.labels = { app: "x", tier: "web" }));
    const b = await runPod("lab-b", (c) => (c.labels = { app: "x" }));
    assert.deepEqual((await m.manager.list({ labelSelector: { app: "x" } })).map((s) => s.id).sort(), [a, b].sort());
    assert.deepEqual((await m.manager.list({ labelSelector: { tier: "web" } })).map((s) => s.id), [a]);
    assert.deepEqual((await m.manager.list({ id: b.slice(0, 10) })).map((s) => s.id), [b]);
    await m.manager.stop(b);
    assert.deepEqual((await m.manager.list({ state: "SANDBOX_NOTREADY", labelSelector: { app: "x" } })).map((s) => s.id), [b]);
  });

  test("a host-network pod has no namespaces of its own but its own files and /dev/shm", async () => {
    const id = await runPod("hostnet", (c) => (c.hostNetwork = true));
    const ctx = m.manager.context(id);
    assert.deepEqual(ctx.namespaces, { ipc: sandboxPaths(m.layout.sandboxes, id).ipc });
    assert.equal(ctx.hostname, hostname());
    assert.equal(readFileSync(ctx.etcHostname, "utf8"), `${hostname()}\n`);
    assert.deepEqual((await m.manager.status(id)).ips, []);
    assert.match(readFileSync(ctx.etcHosts, "utf8"), /^# Kubernetes-managed hosts file \(host network\)\.\n/);
  });

  test("20 sandboxes run, stopped and removed one after the other leave none behind", async () => {
    // Their latency is bench:runtime's job; here, that repetition leaves nothing.
    for (let i = 0; i < 20; i++) {
      const id = await m.manager.run(podSandboxConfig(`seq-${i}`));
      await m.manager.stop(id);
      await m.manager.remove(id);
      assert.equal((await m.manager.list()).some((s) => s.id === id), false);
    }
  });
});

describe("SandboxManager teardown after failures", () => {
  test("a run that fails after the namespaces are made undoes everything", async (t) => {
    const cleanup = cleanupFor(t.after.bind(t));
    const net = freeTestNetwork();
    // A non-bridge interface with the bridge's name: the real bridge plugin refuses it.
    sh("ip", ["link", "add", net.bridge, "type", "veth", "peer", "name", `${net.bridge}p`]);
    cleanup.add(`delete ${net.bridge}`, () => void sh("ip", ["link", "del", net.bridge]));
    const m = await openManager(cleanup, undefined, networkConfig(net));
    await assert.rejects(m.manager.run(podSandboxConfig("doomed", (c) => (c.sharePid = true))), (e: unknown) => {
      assert.ok(isRuntimeError(e, "Internal"));
      assert.match(e.message, /CNI plugin bridge ADD/);
      return true;
    });
    assert.deepEqual(readdirSync(m.layout.sandboxes), []);
    assert.deepEqual(mountsUnder(m.layout.root), []);
    assert.deepEqual(ipamAllocations(m.layout), []);
    assert.equal(sh("ps", ["-eo", "args"]).includes("peapod-pod-"), false);
  });

  /**
   * Runs a sandbox in another process whose bridge plugin stops it for good: the process is
   * killed while CNI ADD runs, after the namespaces, /dev/shm and the PID holder exist.
   * Resolves with the half-made sandbox's id.
   */
  async function crashMidRun(cleanup: Cleanup, layout: RuntimeLayout, network: PodNetworkConfig): Promise<string> {
    const bin = mkdtempSync(join(tmpdir(), "peapod-cni-"));
    cleanup.add(`remove ${bin}`, () => rmSync(bin, { recursive: true, force: true }));
    for (const p of ["host-local"]) symlinkSync(join("/usr/lib/cni", p), join(bin, p));
    const marker = join(bin, "adding");
    writeFileSync(join(bin, "bridge"), `#!/bin/sh\necho "$CNI_CONTAINERID" > ${marker}.tmp && mv ${marker}.tmp ${marker}\nexec sleep 60\n`, { mode: 0o755 });
    const manager = pathToFileURL(join(import.meta.dirname, "sandbox-manager.js")).href;
    const script = `
      import { SandboxManager } from ${JSON.stringify(manager)};
      const m = await SandboxManager.open(${JSON.stringify({ layout, network: { ...network, cniBinDir: bin }, cgroupRoot: "/peapod-test" })});
      await m.run(${JSON.stringify(podSandboxConfig("crashed", (c) => (c.sharePid = true)))});`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { detached: true, stdio: ["ignore", "ignore", "inherit"] });
    const kill = (): void => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    cleanup.add("kill the crashing process", kill);
    const id = await waitFor(() => existsSync(marker) && readFileSync(marker, "utf8").trim(), { what: "the bridge plugin to be called" });
    kill();
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, { what: "the crashing process to die" });
    return id;
  }

  test("a sandbox whose setup was interrupted is fully removed by remove(), and torn down by open()", async (t) => {
    const cleanup = cleanupFor(t.after.bind(t));
    const layout = testRoot(cleanup);
    const m = await openManager(cleanup, layout);

    const id = await crashMidRun(cleanup, layout, m.network);
    const paths = sandboxPaths(layout.sandboxes, id);
    assert.ok(mountsUnder(paths.dir).length >= 4, "namespaces and /dev/shm were mounted before the crash");
    assert.ok(sh("ps", ["-eo", "args"]).includes(`peapod-pod-${id}`), "the PID holder outlived the crash");
    await assert.rejects(m.manager.status(id), (e: unknown) => isRuntimeError(e, "NotFound"));
    await m.manager.remove(id);
    assert.deepEqual(mountsUnder(paths.dir), []);
    assert.equal(existsSync(paths.dir), false);
    assert.equal(sh("ps", ["-eo", "args"]).includes(`peapod-pod-${id}`), false, "the PID holder is gone");

    const id2 = await crashMidRun(cleanup, layout, m.network);
    assert.ok(existsSync(sandboxPaths(layout.sandboxes, id2).dir));
    await openManager(cleanup, layout, m.network);
    assert.equal(existsSync(sandboxPaths(layout.sandboxes, id2).dir), false);
    assert.deepEqual(mountsUnder(layout.sandboxes), []);
    assert.equal(sh("ps", ["-eo", "args"]).includes(`peapod-pod-${id2}`), false);
  });

  test("a fresh node's first sandboxes, run at once, share one bridge and get distinct IPs", async (t) => {
    const cleanup = cleanupFor(t.after.bind(t));
    const m = await openManager(cleanup);
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => m.manager.run(podSandboxConfig(`burst-${i}`, (c) => (c.sharePid = i % 3 === 0)))));
    const ips = await Promise.all(ids.map(async (id) => (await m.manager.status(id)).ips[0]));
    assert.equal(new Set(ips).size, ids.length);
    assert.match(sh("ip", ["-4", "-o", "addr", "show", "dev", m.network.bridge]), new RegExp(` ${m.network.podCIDR.replace(/0\/24$/, "1/24")} `));
    assert.equal(readFileSync(`/proc/sys/net/ipv4/conf/${m.network.bridge}/route_localnet`, "utf8").trim(), "1");
    await Promise.all(ids.map((id) => m.manager.remove(id)));
    assert.deepEqual(ipamAllocations(m.layout), []);
    assert.deepEqual(mountsUnder(m.layout.sandboxes), []);
  });

  test("a new manager adopts running sandboxes from disk", async (t) => {
    const cleanup = cleanupFor(t.after.bind(t));
    const first = await openManager(cleanup);
    const hostPort = 20000 + Math.floor(Math.random() * 20000);
    const id = await first.manager.run(podSandboxConfig("adopted", withHostPort(8080, hostPort), (c) => (c.labels = { app: "a" })));
    const before = await first.manager.status(id);
    await first.manager.close();

    const second = await openManager(cleanup, first.layout, first.network);
    assert.deepEqual(await second.manager.status(id), before);
    assert.equal(second.manager.context(id).hostname, "adopted");
    // Its ports are still known: a clash is refused.
    await assert.rejects(second.manager.run(podSandboxConfig("clash", withHostPort(80, hostPort))), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
    await second.manager.remove(id);
    assert.deepEqual(ipamAllocations(second.layout), []);
  });

  test("resetSandboxes removes every sandbox, the bridge, the nft table and IPAM state", async (t) => {
    const cleanup = cleanupFor(t.after.bind(t));
    const m = await openManager(cleanup);
    const ids = [
      await m.manager.run(podSandboxConfig("r1", withHostPort(8080, 20000 + Math.floor(Math.random() * 20000)))),
      await m.manager.run(podSandboxConfig("r2", (c) => (c.sharePid = true))),
      await m.manager.run(podSandboxConfig("r3", (c) => (c.hostNetwork = true))),
    ];
    const veths = ids.slice(0, 2).map((id) => hostVeth(m, id));
    await m.manager.portForward(ids[0]!, 1).catch(() => {});
    await m.manager.close();
    assert.ok(existsSync(`/sys/class/net/${m.network.bridge}`));
    assert.notEqual(nftTable(m.network.nftTable), "");

    await resetSandboxes(m.layout);
    assert.deepEqual(mountsUnder(m.layout.root), []);
    assert.deepEqual(readdirSync(m.layout.sandboxes), []);
    assert.equal(existsSync(`/sys/class/net/${m.network.bridge}`), false);
    assert.equal(nftTable(m.network.nftTable), "");
    assert.equal(existsSync(m.layout.ipam), false);
    const links = sh("ip", ["-o", "link"]);
    for (const v of veths) assert.ok(!links.includes(`${v}@`), `${v} is gone`);
    const ps = sh("ps", ["-eo", "args"]);
    for (const id of ids) assert.equal(ps.includes(id), false);
    await resetSandboxes(m.layout); // idempotent
  });
});

describe("SandboxManager configuration", () => {
  test("bad network settings and pod configs are InvalidArgument", async (t) => {
    const cleanup = cleanupFor(t.after.bind(t));
    const layout = testRoot(cleanup);
    const net = networkConfig(freeTestNetwork());
    await assert.rejects(SandboxManager.open({ layout, network: { ...net, bridge: "much-too-long-bridge" }, cgroupRoot: "/x" }), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
    await assert.rejects(SandboxManager.open({ layout, network: { ...net, podCIDR: "10.250.1.0" }, cgroupRoot: "/x" }), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
    const m = await openManager(cleanup, layout, net);
    await assert.rejects(m.manager.run(podSandboxConfig("bad_name")), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
    await assert.rejects(m.manager.run(podSandboxConfig("sysctl", (c) => (c.sysctls = { "kernel.hostname": "x" }))), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
    const id = await m.manager.run(podSandboxConfig("sysctl-ok", (c) => (c.sysctls = { "net.ipv4.ip_unprivileged_port_start": "80", "kernel.shmmni": "1000" })));
    cleanup.add("remove sysctl-ok", () => m.manager.remove(id));
    const ctx = m.manager.context(id);
    assert.equal(sh("nsenter", [`--net=${ctx.namespaces.network}`, "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"]).trim(), "80");
    assert.equal(sh("nsenter", [`--ipc=${ctx.namespaces.ipc}`, "cat", "/proc/sys/kernel/shmmni"]).trim(), "1000");
    assert.notEqual(readFileSync("/proc/sys/kernel/shmmni", "utf8").trim(), "1000");
  });
});
