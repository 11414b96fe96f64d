/**
 * The container manager against the real thing: conmon 2.1 and runc on this host, a
 * busybox root filesystem as the image's only layer, and pod namespaces made with
 * unshare(1) the way a sandbox keeps them (bind-mounted namespace files).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { busyboxIndexHtml, writeBusyboxRootfs } from "../../../test/fixtures/images/busybox.js";
import { run } from "../command.js";
import { isRuntimeError } from "../errors.js";
import { runtimeLayout, type RuntimeLayout } from "../layout.js";
import { mountTmpfs, mountsUnder, unmountAll } from "../mount.js";
import type { ContainerConfig, ContainerEvent, ContainerStatus } from "../runtime.js";
import type { SandboxContext } from "../sandbox-context.js";
import { cgroupExists, detectCgroups } from "./cgroups.js";
import { ContainerManager, findExecutable, resetContainers, type ContainerImage } from "./container-manager.js";

const hex = (n: number): string => randomBytes(n).toString("hex");
const cgroupTop = `/peapod-test-${hex(4)}`;
const cgroups = detectCgroups();

let root: string;
let layer: string;

function imageOf(config: ContainerImage["config"] = {}): ContainerImage {
  return { id: `sha256:${"1".repeat(64)}`, reference: "test/busybox:latest", config: { Cmd: ["sh"], ...config }, layerDirs: [layer] };
}

function containerConfig(name: string, command: string[], over: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: "test/busybox:latest",
    command,
    args: [],
    envs: [],
    mounts: [],
    labels: { app: name },
    annotations: {},
    logPath: `${name}/0.log`,
    stdin: false,
    stdinOnce: false,
    tty: false,
    ...over,
  };
}

/** A pod's namespaces kept by bind mounts, its files and /dev/shm, as a sandbox manager makes them. */
async function podSandbox(hostname: string): Promise<SandboxContext> {
  const dir = join(root, "sandboxes", hex(6));
  mkdirSync(dir, { recursive: true });
  for (const ns of ["net", "ipc", "uts"]) writeFileSync(join(dir, ns), "");
  await run("unshare", [`--net=${dir}/net`, `--ipc=${dir}/ipc`, `--uts=${dir}/uts`, "hostname", hostname]);
  await run("nsenter", [`--net=${dir}/net`, "ip", "link", "set", "lo", "up"]);
  writeFileSync(join(dir, "hosts"), `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n`);
  writeFileSync(join(dir, "hostname"), `${hostname}\n`);
  writeFileSync(join(dir, "resolv.conf"), "nameserver 127.0.0.53\n");
  mkdirSync(join(dir, "shm"));
  await mountTmpfs(join(dir, "shm"));
  return {
    id: hex(32),
    hostname,
    hostNetwork: false,
    namespaces: { network: join(dir, "net"), ipc: join(dir, "ipc"), uts: join(dir, "uts") },
    etcHosts: join(dir, "hosts"),
    etcHostname: join(dir, "hostname"),
    resolvConf: join(dir, "resolv.conf"),
    shm: join(dir, "shm"),
    logDirectory: join(dir, "logs"),
    cgroupParent: `${cgroupTop}/pod-${hex(4)}`,
    sysctls: {},
  };
}

/** Resolves with the container's status once it has exited, noticed through its stop event. */
function exited(m: ContainerManager, id: string, timeoutMs = 30_000): Promise<ContainerStatus> {
  return new Promise((resolve, reject) => {
    const check = async (): Promise<void> => {
      const s = await m.status(id);
      if (s.state !== "CONTAINER_EXITED") return;
      clearTimeout(timer);
      off();
      resolve(s);
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error(`container ${id} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = m.onEvent((e) => {
      if (e.containerId === id && e.type === "CONTAINER_STOPPED_EVENT") void check().catch(reject);
    });
    void check().catch(reject);
  });
}

async function runContainer(m: ContainerManager, sb: SandboxContext, config: ContainerConfig, image = imageOf()): Promise<string> {
  const id = await m.create(sb, config, image);
  await m.start(id);
  return id;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

const waitLoop = (cmd: string): string[] => ["sh", "-c", `for i in $(seq 100); do ${cmd} && exit 0; sleep 0.05; done; exit 1`];

function conmonProcessesOf(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
      if (cmd.startsWith("conmon") || cmd.includes("/conmon\0")) if (cmd.includes(dir)) pids.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

async function runcIds(layout: RuntimeLayout): Promise<string[]> {
  const { stdout } = await run(findExecutable("runc"), ["--root", layout.runcRoot, "list", "--format", "json"]);
  return ((JSON.parse(stdout.trim() || "null") as Array<{ id: string }> | null) ?? []).map((s) => s.id);
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), "peapod-ctr-"));
  layer = join(root, "layers", "busybox");
  await writeBusyboxRootfs(layer);
});

after(async () => {
  // Every layout lives under root: reset each, then the pods' mounts, then the directory.
  for (const name of readdirSync(root)) {
    if (name.startsWith("rt-")) await resetContainers(runtimeLayout(join(root, name)));
  }
  await unmountAll(join(root, "sandboxes"));
  assert.deepEqual(mountsUnder(root), [], "nothing mounted under the test root");
  rmSync(root, { recursive: true, force: true });
  assert.equal(cgroupExists(cgroups, cgroupTop), false, "no cgroup left behind");
});

function newLayout(): RuntimeLayout {
  return runtimeLayout(join(root, `rt-${hex(4)}`));
}

describe("container lifecycle", () => {
  let m: ContainerManager;
  let sb: SandboxContext;
  let layout: RuntimeLayout;
  const events: ContainerEvent[] = [];

  before(async () => {
    layout = newLayout();
    m = await ContainerManager.open({ layout });
    m.onEvent((e) => events.push(e));
    sb = await podSandbox("pod-life");
  });
  after(async () => {
    for (const c of await m.list()) await m.remove(c.id);
    await m.close();
  });

  test("exit code 3 is reported with finishedAt and reason Error, through events", async () => {
    const t0 = Date.now();
    const id = await m.create(sb, containerConfig("exit3", ["sh", "-c", "exit 3"]), imageOf());
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal((await m.status(id)).state, "CONTAINER_CREATED");
    await m.start(id);
    const s = await exited(m, id);
    assert.equal(s.exitCode, 3);
    assert.equal(s.reason, "Error");
    assert.equal(s.pid, 0);
    assert.ok(s.finishedAt >= t0 - 1000 && s.finishedAt <= Date.now() + 1000, `finishedAt ${s.finishedAt}`);
    assert.ok(s.startedAt >= s.createdAt && s.finishedAt >= s.startedAt - 50);
    assert.deepEqual(
      events.filter((e) => e.containerId === id).map((e) => e.type),
      ["CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT"],
    );
    await assert.rejects(m.start(id), (e) => isRuntimeError(e, "FailedPrecondition"));
    await m.stop(id, 10); // stopping an exited container is a no-op
    await m.remove(id);
    await m.remove(id);
    await assert.rejects(m.status(id), (e) => isRuntimeError(e, "NotFound"));
    assert.equal(events.at(-1)?.type, "CONTAINER_DELETED_EVENT");
    assert.equal(existsSync(join(layout.exits, id)), false);
    assert.equal(existsSync(join(layout.containers, id)), false);
  });

  test("exit 0 is Completed", async () => {
    const id = await runContainer(m, sb, containerConfig("ok", ["true"]));
    const s = await exited(m, id);
    assert.equal(s.exitCode, 0);
    assert.equal(s.reason, "Completed");
  });

  test("stdout and stderr become CRI log lines", async () => {
    const id = await runContainer(m, sb, containerConfig("logs", ["sh", "-c", "echo out1; echo err1 >&2; echo out2"]));
    const s = await exited(m, id);
    assert.equal(s.logPath, join(sb.logDirectory, "logs/0.log"));
    const lines = readFileSync(s.logPath, "utf8").trimEnd().split("\n");
    const parsed = lines.map((l) => /^(\S+) (stdout|stderr) (F|P) (.*)$/.exec(l));
    assert.ok(parsed.every(Boolean), lines.join("\n"));
    for (const p of parsed) assert.ok(!Number.isNaN(Date.parse(p![1]!)), p![1]);
    assert.deepEqual(parsed.filter((p) => p![2] === "stdout").map((p) => p![4]), ["out1", "out2"]);
    assert.deepEqual(parsed.filter((p) => p![2] === "stderr").map((p) => p![4]), ["err1"]);
  });

  test("a 32 MiB memory limit applies and its OOM kill is reported as OOMKilled", async () => {
    const limit = 32 * 1024 * 1024;
    const id = await m.create(sb, containerConfig("oom", ["tail", "/dev/zero"], { resources: { memoryLimitInBytes: limit } }), imageOf());
    const cgroupDir = join(cgroups.memory!, `${sb.cgroupParent}/${id}`);
    const file = cgroups.version === 1 ? "memory.limit_in_bytes" : "memory.max";
    assert.equal(Number(readFileSync(join(cgroupDir, file), "utf8")), limit);
    await m.start(id);
    const s = await exited(m, id);
    assert.equal(s.reason, "OOMKilled");
    assert.equal(s.exitCode, 137);
  });

  test("stop honours the grace period", async () => {
    const ignores = await runContainer(m, sb, containerConfig("ignore-term", ["sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"]));
    const obeys = await runContainer(m, sb, containerConfig("obey-term", ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]));
    await new Promise((r) => setTimeout(r, 300)); // let the shells install their traps

    let t0 = Date.now();
    await m.stop(obeys, 30);
    const quick = Date.now() - t0;
    assert.ok(quick < 2000, `a container that exits on TERM stopped after ${quick} ms`);
    assert.equal((await m.status(obeys)).exitCode, 0);

    t0 = Date.now();
    await m.stop(ignores, 2);
    const slow = Date.now() - t0;
    assert.ok(slow >= 1900 && slow < 8000, `a container that ignores TERM stopped after ${slow} ms`);
    const s = await m.status(ignores);
    assert.equal(s.state, "CONTAINER_EXITED");
    assert.equal(s.exitCode, 137);
  });

  test("the image's StopSignal is what stop sends", async () => {
    const id = await runContainer(
      m,
      sb,
      containerConfig("usr1", ["sh", "-c", "trap 'exit 0' USR1; while true; do sleep 0.1; done"]),
      imageOf({ StopSignal: "SIGUSR1" }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await m.stop(id, 30);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal((await m.status(id)).exitCode, 0);
  });

  test("stop of a created container and remove of a running one", async () => {
    const created = await m.create(sb, containerConfig("never-started", ["sleep", "1000"]), imageOf());
    await m.stop(created, 5);
    assert.equal((await m.status(created)).state, "CONTAINER_EXITED");
    const running = await runContainer(m, sb, containerConfig("removed-running", ["sleep", "1000"]));
    assert.equal((await m.status(running)).state, "CONTAINER_RUNNING");
    assert.ok((await m.status(running)).pid > 0);
    await m.remove(running);
    await assert.rejects(m.status(running), (e) => isRuntimeError(e, "NotFound"));
    assert.equal(cgroupExists(cgroups, `${sb.cgroupParent}/${running}`), false);
  });

  test("a TTY container logs its terminal as stdout", async () => {
    const id = await runContainer(m, sb, containerConfig("tty", ["sh", "-c", "tty; exit 2"], { tty: true }));
    const s = await exited(m, id);
    assert.equal(s.exitCode, 2);
    assert.match(readFileSync(s.logPath, "utf8"), /^\S+ stdout [FP] \/dev\/pts\/\d+\r?$/m);
  });

  test("a create that runc rejects is an error with runc's reason and leaves nothing behind", async () => {
    const before = readdirSync(layout.containers).length;
    const mountsBefore = mountsUnder(layout.containers).length;
    const bad = { ...sb, sysctls: { "kernel.no_such_sysctl_peapod": "1" } };
    await assert.rejects(m.create(bad, containerConfig("bad", ["true"]), imageOf()), (e) => {
      assert.ok(isRuntimeError(e, "Internal"), String(e));
      assert.match(e.message, /no_such_sysctl_peapod/);
      return true;
    });
    assert.equal(readdirSync(layout.containers).length, before);
    assert.equal(mountsUnder(layout.containers).length, mountsBefore);
  });

  test("list filters by sandbox, state and labels", async () => {
    const other = await podSandbox("pod-other");
    const id = await runContainer(m, other, containerConfig("listed", ["sleep", "1000"]));
    assert.deepEqual((await m.list({ sandboxId: other.id })).map((c) => c.id), [id]);
    assert.deepEqual((await m.list({ sandboxId: other.id, state: "CONTAINER_EXITED" })).map((c) => c.id), []);
    assert.deepEqual((await m.list({ labelSelector: { app: "listed" } })).map((c) => c.id), [id]);
    assert.deepEqual((await m.list({ id: id.slice(0, 12) })).map((c) => c.id), [id]);
    assert.ok(m.imagesInUse().has(imageOf().id));
    await m.remove(id);
  });
});

describe("a pod's containers share network, IPC and UTS", () => {
  let m: ContainerManager;
  let sb: SandboxContext;
  before(async () => {
    m = await ContainerManager.open({ layout: newLayout() });
    sb = await podSandbox("pod-shared");
  });
  after(async () => {
    for (const c of await m.list()) await m.remove(c.id);
    await m.close();
  });

  test("localhost, /dev/shm, hostname, and one port space", async () => {
    const server = await runContainer(
      m,
      sb,
      containerConfig("server", ["sh", "-c", "echo from-server > /dev/shm/note; exec httpd -f -p 127.0.0.1:8080 -h /var/www"]),
    );
    const client = await runContainer(m, sb, containerConfig("client", ["sleep", "1000"]));

    const fetched = await m.execSync(client, waitLoop("wget -q -O - http://127.0.0.1:8080/"), 20);
    assert.equal(fetched.exitCode, 0, fetched.stderr.toString());
    assert.equal(fetched.stdout.toString(), busyboxIndexHtml);

    const note = await m.execSync(client, ["cat", "/dev/shm/note"], 10);
    assert.equal(note.stdout.toString(), "from-server\n");

    for (const id of [server, client]) {
      assert.equal((await m.execSync(id, ["hostname"], 10)).stdout.toString(), "pod-shared\n");
      assert.equal((await m.execSync(id, ["cat", "/etc/hostname"], 10)).stdout.toString(), "pod-shared\n");
      assert.match((await m.execSync(id, ["cat", "/etc/hosts"], 10)).stdout.toString(), /pod-shared/);
    }

    const second = await m.execSync(client, ["httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/var/www"], 10);
    assert.equal(second.timedOut, false, "a second bind of the port must fail, not serve");
    assert.notEqual(second.exitCode, 0);
    assert.match(second.stderr.toString(), /in use/i);
  });
});

describe("security context", () => {
  let m: ContainerManager;
  let sb: SandboxContext;
  before(async () => {
    m = await ContainerManager.open({ layout: newLayout() });
    sb = await podSandbox("pod-sec");
  });
  after(async () => {
    for (const c of await m.list()) await m.remove(c.id);
    await m.close();
  });

  test("readonlyRootfs: the root and pod files are read-only, /dev/shm is not", async () => {
    const id = await runContainer(m, sb, containerConfig("ro", ["sleep", "1000"], { securityContext: { readonlyRootfs: true } }));
    const touch = await m.execSync(id, ["touch", "/x"], 10);
    assert.notEqual(touch.exitCode, 0);
    assert.match(touch.stderr.toString(), /Read-only file system/);
    assert.notEqual((await m.execSync(id, ["sh", "-c", "echo x >> /etc/hosts"], 10)).exitCode, 0);
    assert.equal((await m.execSync(id, ["touch", "/dev/shm/ok"], 10)).exitCode, 0);
    const rw = await runContainer(m, sb, containerConfig("rw", ["sleep", "1000"]));
    assert.equal((await m.execSync(rw, ["touch", "/x"], 10)).exitCode, 0);
  });

  test("runAsUser and image USER by name", async () => {
    const byUid = await runContainer(m, sb, containerConfig("uid", ["sleep", "1000"], { securityContext: { runAsUser: 1000 } }));
    const byName = await runContainer(m, sb, containerConfig("image-user", ["sleep", "1000"]), imageOf({ User: "app" }));
    for (const id of [byUid, byName]) {
      const status = (await m.execSync(id, ["cat", "/proc/1/status"], 10)).stdout.toString();
      assert.match(status, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, "the container's init runs as app");
      assert.match(status, /^Gid:\s+1000\s/m);
      assert.equal((await m.execSync(id, ["id", "-un"], 10)).stdout.toString(), "app\n");
      // Default capabilities do not survive exec into a non-root uid.
      assert.match(status, /^CapEff:\s+0+$/m);
    }
    const root = await runContainer(m, sb, containerConfig("root", ["sleep", "1000"]));
    const rootStatus = (await m.execSync(root, ["cat", "/proc/1/status"], 10)).stdout.toString();
    assert.match(rootStatus, /^Uid:\s+0\s/m);
    assert.match(rootStatus, /^CapEff:\s+0+a80425fb$/m, "containerd's default capability set");
  });

  test("masked and read-only /proc paths by default; privileged lifts them and gets the host's capabilities", async () => {
    const mountsOf = async (id: string): Promise<string> => (await m.execSync(id, ["cat", "/proc/self/mountinfo"], 10)).stdout.toString();
    const plain = await runContainer(m, sb, containerConfig("plain", ["sleep", "1000"]));
    const plainMounts = await mountsOf(plain);
    assert.match(plainMounts, / \/proc\/keys \S+ [^ ]*/, "/proc/keys is masked");
    assert.match(plainMounts, / \/proc\/sys ro[, ]/, "/proc/sys is read-only");
    assert.notEqual((await m.execSync(plain, ["sh", "-c", "echo x > /proc/sys/kernel/domainname"], 10)).exitCode, 0);

    const privileged = await runContainer(m, sb, containerConfig("privileged", ["sleep", "1000"], { securityContext: { privileged: true } }));
    const privMounts = await mountsOf(privileged);
    assert.doesNotMatch(privMounts, / \/proc\/keys /);
    assert.doesNotMatch(privMounts, / \/proc\/sys ro/);
    const ownCaps = /^CapEff:\s+(\S+)$/m.exec(readFileSync("/proc/self/status", "utf8"))![1];
    const status = (await m.execSync(privileged, ["cat", "/proc/1/status"], 10)).stdout.toString();
    assert.equal(/^CapEff:\s+(\S+)$/m.exec(status)![1], ownCaps);
  });

  test("the sandbox's sysctls are set in the pod's namespaces", async () => {
    const withSysctl = { ...sb, sysctls: { "kernel.shm_rmid_forced": "1" } };
    const id = await runContainer(m, withSysctl, containerConfig("sysctl", ["sleep", "1000"]));
    assert.equal((await m.execSync(id, ["cat", "/proc/sys/kernel/shm_rmid_forced"], 10)).stdout.toString(), "1\n");
  });

  test("an unknown user name is InvalidArgument and leaves nothing behind", async () => {
    const layoutDirs = (): string[] => readdirSync(root).filter((n) => n.startsWith("rt-")).flatMap((n) => readdirSync(join(root, n, "containers")));
    const before = layoutDirs().length;
    await assert.rejects(
      m.create(sb, containerConfig("ghost", ["true"], { securityContext: { runAsUsername: "ghost" } }), imageOf()),
      (e) => isRuntimeError(e, "InvalidArgument") && /no users found/.test(e.message),
    );
    await assert.rejects(m.create(sb, containerConfig("empty", []), imageOf({ Cmd: [] })), (e) => isRuntimeError(e, "InvalidArgument"));
    assert.equal(layoutDirs().length, before);
  });
});

describe("exec", () => {
  let m: ContainerManager;
  let sb: SandboxContext;
  let id: string;
  before(async () => {
    m = await ContainerManager.open({ layout: newLayout() });
    sb = await podSandbox("pod-exec");
    id = await runContainer(m, sb, containerConfig("target", ["sleep", "1000"], { envs: [{ key: "GREETING", value: "hi" }] }));
  });
  after(async () => {
    for (const c of await m.list()) await m.remove(c.id);
    await m.close();
  });

  test("without a TTY: stdin, stdout, stderr and the exit code; the container's env", async () => {
    const out = sink();
    const err = sink();
    const session = await m.exec(id, {
      cmd: ["sh", "-c", 'cat; echo "$GREETING" err >&2; exit 7'],
      tty: false,
      stdin: Readable.from([Buffer.from("hello "), Buffer.from("world\n")]),
      stdout: out.stream,
      stderr: err.stream,
    });
    assert.equal(await session.exit, 7);
    assert.equal(out.text(), "hello world\n");
    assert.equal(err.text(), "hi err\n");
  });

  test("with a TTY: a terminal of the requested size, input, resize, exit code", async () => {
    const out = sink();
    const stdin = new Readable({ read() {} });
    const session = await m.exec(id, { cmd: ["sh"], tty: true, stdin, stdout: out.stream, size: { width: 100, height: 30 } });
    const waitFor = async (re: RegExp): Promise<void> => {
      for (let i = 0; i < 100 && !re.test(out.text()); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(out.text(), re);
    };
    // Typed ahead of the prompt: the console must have its size before the process starts.
    stdin.push("tty; stty size\n");
    await waitFor(/30 100/);
    assert.match(out.text(), /\/dev\/pts\/\d+/);
    session.resize({ width: 120, height: 40 });
    await new Promise((r) => setTimeout(r, 100));
    stdin.push("stty size; exit 5\n");
    assert.equal(await session.exit, 5);
    assert.match(out.text(), /40 120/);
  });

  test("with a TTY: a command that reads the size at once sees the requested one", async () => {
    for (let i = 0; i < 5; i++) {
      const out = sink();
      const session = await m.exec(id, { cmd: ["stty", "size"], tty: true, stdout: out.stream, size: { width: 91 + i, height: 17 } });
      assert.equal(await session.exit, 0);
      assert.match(out.text(), new RegExp(`^17 ${91 + i}\\r*\\n`));
    }
  });

  test("a missing binary is an error with runc's reason, with and without a TTY; a real exit 255 is an exit code", async () => {
    for (const tty of [false, true]) {
      const session = await m.exec(id, { cmd: ["no-such-binary"], tty });
      await assert.rejects(session.exit, /OCI runtime exec failed: .*no-such-binary.*executable file not found in \$PATH: unknown/);
    }
    const session = await m.exec(id, { cmd: ["sh", "-c", "exit 255"], tty: false });
    assert.equal(await session.exit, 255);
  });

  test("kill ends the process inside the container, not only the runc client", async () => {
    for (const tty of [false, true]) {
      const session = await m.exec(id, { cmd: ["sleep", "4321"], tty });
      const seen = await m.execSync(id, waitLoop("ps | grep -v grep | grep -q 'sleep 4321'"), 10);
      assert.equal(seen.exitCode, 0, "the exec'd process runs");
      session.kill();
      await session.exit;
      const gone = await m.execSync(id, waitLoop("! ps | grep -v grep | grep -q 'sleep 4321'"), 10);
      assert.equal(gone.exitCode, 0, `the exec'd process is gone (tty ${tty})`);
    }
  });

  test("execSync times out", async () => {
    const t0 = Date.now();
    const r = await m.execSync(id, ["sleep", "30"], 1);
    const took = Date.now() - t0;
    assert.equal(r.timedOut, true);
    assert.ok(took >= 900 && took < 5000, `took ${took} ms`);
    const gone = await m.execSync(id, waitLoop("! ps | grep -v grep | grep -q 'sleep 30'"), 10);
    assert.equal(gone.exitCode, 0);
    const fine = await m.execSync(id, ["echo", "ok"], 5);
    assert.deepEqual([fine.stdout.toString(), fine.exitCode, fine.timedOut], ["ok\n", 0, false]);
  });

  test("exec into a container that is not running is FailedPrecondition", async () => {
    const done = await runContainer(m, sb, containerConfig("done", ["true"]));
    await exited(m, done);
    await assert.rejects(m.execSync(done, ["true"], 5), (e) => isRuntimeError(e, "FailedPrecondition"));
  });
});

describe("attach", () => {
  let m: ContainerManager;
  let sb: SandboxContext;
  before(async () => {
    m = await ContainerManager.open({ layout: newLayout() });
    sb = await podSandbox("pod-attach");
  });
  after(async () => {
    for (const c of await m.list()) await m.remove(c.id);
    await m.close();
  });

  const waitFor = async (text: () => string, re: RegExp): Promise<void> => {
    for (let i = 0; i < 100 && !re.test(text()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(text(), re);
  };

  test("without a TTY: stdin reaches the process, stdout and stderr come apart, stdinOnce closes stdin at the client's end", async () => {
    const id = await runContainer(m, sb, containerConfig("cat-once", ["sh", "-c", "while read l; do echo \"out $l\"; echo \"err $l\" >&2; done; echo bye; exit 3"], { stdin: true, stdinOnce: true }));
    const out = sink();
    const err = sink();
    const stdin = new Readable({ read() {} });
    const session = await m.attach(id, { stdin, stdout: out.stream, stderr: err.stream, tty: false });
    stdin.push("one\n");
    await waitFor(out.text, /out one\n/);
    stdin.push("two\n");
    stdin.push(null);
    await session.done;
    assert.equal(out.text(), "out one\nout two\nbye\n");
    assert.equal(err.text(), "err one\nerr two\n");
    const s = await exited(m, id);
    assert.equal(s.exitCode, 3);
  });

  test("without stdinOnce, stdin stays open for the next client", async () => {
    const id = await runContainer(m, sb, containerConfig("cat-open", ["sh", "-c", "while read l; do echo \"got $l\"; done"], { stdin: true }));
    for (const word of ["first", "second"]) {
      const out = sink();
      const stdin = new Readable({ read() {} });
      const session = await m.attach(id, { stdin, stdout: out.stream, tty: false });
      stdin.push(`${word}\n`);
      await waitFor(out.text, new RegExp(`got ${word}\n`));
      stdin.push(null);
      session.detach();
      await session.done;
    }
    assert.equal((await m.status(id)).state, "CONTAINER_RUNNING");
  });

  test("with a TTY: input is echoed, the initial size and a resize reach the terminal", async () => {
    const id = await runContainer(m, sb, containerConfig("tty-sh", ["sh"], { stdin: true, stdinOnce: true, tty: true }));
    const out = sink();
    const stdin = new Readable({ read() {} });
    const session = await m.attach(id, { stdin, stdout: out.stream, tty: true, size: { width: 101, height: 31 } });
    stdin.push("stty size\n");
    await waitFor(out.text, /31 101/);
    // Back to back, as kubectl attach sends size+1 then size to force a redraw.
    session.resize({ width: 121, height: 41 });
    session.resize({ width: 120, height: 40 });
    await new Promise((r) => setTimeout(r, 100));
    stdin.push("stty size; exit 4\n");
    await session.done;
    assert.match(out.text(), /40 120/);
    assert.equal((await exited(m, id)).exitCode, 4);
  });

  test("with a TTY: a resize right after the initial size wins, as kubectl attach sends them", async () => {
    const id = await runContainer(m, sb, containerConfig("tty-redraw", ["sh"], { stdin: true, tty: true }));
    const out = sink();
    const stdin = new Readable({ read() {} });
    const session = await m.attach(id, { stdin, stdout: out.stream, tty: true, size: { width: 91, height: 21 } });
    session.resize({ width: 90, height: 20 });
    await new Promise((r) => setTimeout(r, 200));
    stdin.push("stty size\n");
    await waitFor(out.text, /\d+ \d+\r?\n/);
    assert.match(out.text(), /20 90/);
    session.detach();
    await session.done;
  });

  test("attaching to a container that is not running is FailedPrecondition", async () => {
    const id = await m.create(sb, containerConfig("never-started", ["sleep", "1"], { stdin: true }), imageOf());
    await assert.rejects(m.attach(id, { tty: false }), (e) => isRuntimeError(e) && e.reason === "FailedPrecondition");
  });
});

describe("adoption by a new ContainerManager", () => {
  test("lists the same containers with the same states and still sees later exits", async () => {
    const layout = newLayout();
    const sb = await podSandbox("pod-adopt");
    const waitForGo = (code: number): string[] => ["sh", "-c", `while [ ! -e /tmp/go ]; do sleep 0.05; done; exit ${code}`];

    const first = await ContainerManager.open({ layout });
    const running = await runContainer(first, sb, containerConfig("running", waitForGo(4)));
    const created = await first.create(sb, containerConfig("created", ["sleep", "1000"]), imageOf());
    const exitsWhileDown = await runContainer(first, sb, containerConfig("exits-while-down", waitForGo(9)));
    const runningPid = (await first.status(running)).pid;
    await first.close();

    const conmons = conmonProcessesOf(layout.root).sort();
    assert.equal(conmons.length, 3);
    // The third container exits while nobody watches.
    await run(findExecutable("runc"), ["--root", layout.runcRoot, "exec", exitsWhileDown, "touch", "/tmp/go"]);
    for (let i = 0; i < 100 && !existsSync(join(layout.exits, exitsWhileDown)); i++) await new Promise((r) => setTimeout(r, 50));

    const second = await ContainerManager.open({ layout });
    try {
      const states = new Map((await second.list()).map((c) => [c.id, c]));
      assert.equal(states.size, 3);
      assert.equal(states.get(running)?.state, "CONTAINER_RUNNING");
      assert.equal(states.get(running)?.pid, runningPid);
      assert.equal(states.get(created)?.state, "CONTAINER_CREATED");
      assert.equal(states.get(exitsWhileDown)?.state, "CONTAINER_EXITED");
      assert.equal(states.get(exitsWhileDown)?.exitCode, 9);
      assert.deepEqual((await runcIds(layout)).sort(), [running, created, exitsWhileDown].sort(), "nothing duplicated");
      const now = conmonProcessesOf(layout.root);
      assert.ok(now.length >= 2 && now.every((p) => conmons.includes(p)), `no new conmon: ${now} of ${conmons}`);

      const events: ContainerEvent[] = [];
      second.onEvent((e) => events.push(e));
      const stopped = exited(second, running);
      await second.execSync(running, ["touch", "/tmp/go"], 10);
      const s = await stopped;
      assert.equal(s.exitCode, 4);
      assert.ok(events.some((e) => e.type === "CONTAINER_STOPPED_EVENT" && e.containerId === running));

      await second.start(created);
      assert.equal((await second.status(created)).state, "CONTAINER_RUNNING");
      await second.stop(created, 0);
      for (const c of await second.list()) await second.remove(c.id);
      assert.deepEqual(await runcIds(layout), []);
    } finally {
      await second.close();
    }
  });
});

describe("resetContainers", () => {
  test("leaves no runc state, mount, conmon process or cgroup", async () => {
    const layout = newLayout();
    const sb = await podSandbox("pod-reset");
    const m = await ContainerManager.open({ layout });
    await runContainer(m, sb, containerConfig("running", ["sleep", "1000"]));
    await m.create(sb, containerConfig("created", ["sleep", "1000"]), imageOf());
    const done = await runContainer(m, sb, containerConfig("done", ["true"]));
    await exited(m, done);
    await m.close();
    assert.equal((await runcIds(layout)).length, 3);
    assert.ok(cgroupExists(cgroups, sb.cgroupParent));

    await resetContainers(layout);

    assert.deepEqual(await runcIds(layout), []);
    assert.deepEqual(mountsUnder(layout.root), []);
    assert.deepEqual(conmonProcessesOf(layout.root), []);
    assert.equal(cgroupExists(cgroups, sb.cgroupParent), false);
    assert.deepEqual(readdirSync(layout.containers), []);
    assert.deepEqual(readdirSync(layout.exits), []);
    assert.deepEqual(readdirSync(layout.conmonSockets), []);
    await resetContainers(layout); // idempotent
  });
});

describe("concurrency", () => {
  test("creates and removes racing in one pod all succeed and leave no cgroup", async () => {
    const m = await ContainerManager.open({ layout: newLayout() });
    const sb = await podSandbox("pod-race");
    try {
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          for (let round = 0; round < 3; round++) {
            const id = await runContainer(m, sb, containerConfig(`race-${worker}-${round}`, ["sleep", "1000"]));
            await m.remove(id);
          }
        }),
      );
      assert.deepEqual(await m.list(), []);
      assert.equal(cgroupExists(cgroups, sb.cgroupParent), false);
    } finally {
      for (const c of await m.list()) await m.remove(c.id);
      await m.close();
    }
  });
});

describe("many containers", () => {
  test("20 containers created and started in one sandbox all run, and all are removed", async () => {
    // Their latency is bench:runtime's job; here, that they coexist and go.
    const m = await ContainerManager.open({ layout: newLayout() });
    const sb = await podSandbox("pod-many");
    try {
      for (let i = 0; i < 20; i++) await runContainer(m, sb, containerConfig(`many-${i}`, ["sleep", "1000"]));
      const states = (await m.list()).map((c) => c.state);
      assert.deepEqual(states, Array(20).fill("CONTAINER_RUNNING"));
    } finally {
      for (const c of await m.list()) await m.remove(c.id);
      assert.deepEqual(await m.list(), []);
      await m.close();
    }
  });
});
