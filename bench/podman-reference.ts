/**
 * `podman kube play` as the reference for pod startup, fully isolated from the host's
 * podman: its own storage root, run root and tmp dir, its own containers.conf, and its own
 * CNI network (a bridge of ours, a 10.250.x.0/24, ipMasq off, no portmap or firewall
 * plugin) so that it adds no rule to the host's firewall chains; the caller checks that
 * with ruleset snapshots. Podman is not a Peapod dependency: Debian's package is installed
 * for the benchmark only (`apt-get install --no-install-recommends podman catatonit`).
 *
 * On this machine podman's default OCI spec asks for RLIMIT_NOFILE 1048576, above the
 * host's hard limit, and runc fails without CAP_SYS_RESOURCE; podman's runtime is a small
 * wrapper that clamps every rlimit in the bundle's config.json to the host's hard limits
 * and then execs runc.
 */
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../src/runtime/command.js";
import { unmountAll } from "../src/runtime/index.js";
import type { Cleanup } from "../test/harness/cleanup.js";
import type { TestNetwork } from "../test/harness/runtime.js";

/** The command that makes podman available, printed when it is missing. */
export const podmanInstallHint = "apt-get install --no-install-recommends podman catatonit";

/** Where podman keeps its lock table (containers.conf `num_locks`, SHM lock type). */
const shmLockFile = "/dev/shm/libpod_lock";

export function podmanAvailable(): boolean {
  try {
    execFileSync("podman", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface PlayResult {
  /** From spawning `podman kube play` until it exited (it returns once the pod is started). */
  readonly playMs: number;
  /** From spawning it until the container's State.StartedAt (wall clock, ns resolution). */
  readonly startedMs: number;
}

export class PodmanReference {
  private constructor(
    private readonly globalArgs: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly work: string,
    /** Our CNI network: kube play would otherwise create podman's default kube network, with masquerade and firewall rules. */
    private readonly networkName: string,
    /** Root of the podman process tree, to find its conmons. */
    readonly root: string,
  ) {}

  /** Prepares the private podman; everything it creates is on the ledger before it exists. */
  static async open(cleanup: Cleanup, work: string, network: TestNetwork): Promise<PodmanReference> {
    mkdirSync(work, { recursive: true });
    cleanup.add(`remove ${work}`, () => rmSync(work, { recursive: true, force: true }));
    cleanup.add(`unmount under ${work}`, () => unmountAll(work));
    const root = join(work, "root");
    const cniDir = join(work, "cni");
    mkdirSync(cniDir, { recursive: true });
    const networkName = `ppbench-${network.bridge.slice(4)}`;
    const gateway = network.podCIDR.replace(/\.0\/24$/, ".1");
    writeFileSync(join(cniDir, `${networkName}.conflist`), JSON.stringify({
      cniVersion: "0.4.0",
      name: networkName,
      plugins: [{
        // The plugin turns on net.ipv4.ip_forward for a gateway: only used where the host already forwards.
        type: "bridge", bridge: network.bridge, isGateway: hostForwards(), ipMasq: false, hairpinMode: false,
        ipam: { type: "host-local", dataDir: join(work, "cni-ipam"), routes: [{ dst: "0.0.0.0/0" }], ranges: [[{ subnet: network.podCIDR, gateway }]] },
      }],
    }));
    const conf = join(work, "containers.conf");
    writeFileSync(conf, [
      "[network]",
      `network_backend = "cni"`,
      `cni_plugin_dirs = ["/usr/lib/cni"]`,
      `network_config_dir = "${cniDir}"`,
      `default_network = "${networkName}"`,
      `default_subnet = "${network.podCIDR}"`,
      "[engine]",
      `cgroup_manager = "cgroupfs"`,
      `events_logger = "file"`,
      `events_logfile_path = "${join(work, "events.log")}"`,
      "",
    ].join("\n"));
    writeFileSync(join(work, "storage.conf"), `[storage]\ndriver = "overlay"\ngraphroot = "${root}"\nrunroot = "${join(work, "runroot")}"\n`);
    const wrapper = writeRuncWrapper(work);
    const env = { ...process.env, CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: join(work, "storage.conf") };
    const globalArgs = [
      "--root", root, "--runroot", join(work, "runroot"), "--tmpdir", join(work, "tmp"),
      "--runtime", wrapper, "--cgroup-manager", "cgroupfs", "--events-backend", "file",
      "--network-config-dir", cniDir, "--storage-driver", "overlay",
    ];
    const podman = new PodmanReference(globalArgs, env, work, networkName, root);
    // Undone in reverse: pods first, then the store, the bridge, CNI's cache, the dir.
    cleanup.add(`remove CNI cache of ${networkName}`, () => {
      for (const dir of ["/var/lib/cni/results", "/var/lib/cni/networks"]) {
        if (!existsSync(dir)) continue;
        for (const f of readdirSync(dir)) if (f.startsWith(networkName)) rmSync(join(dir, f), { recursive: true, force: true });
      }
    });
    // podman's shared-memory lock table outlives `system reset`; ours if it was not there before.
    if (!existsSync(shmLockFile)) cleanup.add(`remove ${shmLockFile}`, () => rmSync(shmLockFile, { force: true }));
    cleanup.add(`delete bridge ${network.bridge}`, () => {
      if (existsSync(`/sys/class/net/${network.bridge}`)) execFileSync("ip", ["link", "del", network.bridge]);
    });
    cleanup.add("podman system reset", async () => {
      await podman.podman(["system", "reset", "--force"]);
    });
    cleanup.add("podman pod rm --all", async () => {
      await podman.podman(["pod", "rm", "--all", "--force", "--time", "0"]);
    });
    return podman;
  }

  /** Runs podman with the private root, runtime and network; returns stdout. */
  async podman(args: readonly string[]): Promise<string> {
    return (await run("podman", [...this.globalArgs, ...args], { env: this.env })).stdout;
  }

  /** `podman kube play` of one pod manifest, timed; resolves once its containers run. */
  async play(manifest: object, name: string, containers: readonly string[]): Promise<PlayResult> {
    const file = join(this.work, `${name}.yaml`);
    // JSON is YAML.
    writeFileSync(file, JSON.stringify(manifest));
    const wall0 = performance.timeOrigin + performance.now();
    const t0 = performance.now();
    await this.spawnPlay(file);
    const playMs = performance.now() - t0;
    const inspected = JSON.parse(await this.podman(["container", "inspect", ...containers.map((c) => `${name}-${c}`)])) as Array<{
      Name: string; State: { Running: boolean; StartedAt: string };
    }>;
    let last = 0;
    for (const c of inspected) {
      if (!c.State.Running) throw new Error(`podman: container ${c.Name} is not running after kube play`);
      last = Math.max(last, wallMs(c.State.StartedAt));
    }
    return { playMs, startedMs: last - wall0 };
  }

  /** `podman pod rm --force --time 0` of each pod, all at once; per-pod latency. */
  removePods(names: readonly string[]): Promise<number[]> {
    return Promise.all(names.map(async (name) => {
      const t0 = performance.now();
      await this.podman(["pod", "rm", "--force", "--time", "0", name]);
      return performance.now() - t0;
    }));
  }

  /** PIDs of the conmon processes of this podman (two per pod: infra and the container). */
  conmonPids(): number[] {
    return conmonPidsUnder(this.root);
  }

  private spawnPlay(file: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let err = "";
      const child = spawn("podman", [...this.globalArgs, "kube", "play", "--tls-verify=false", "--network", this.networkName, file], { env: this.env, stdio: ["ignore", "ignore", "pipe"] });
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`podman kube play ${file}: exit ${code}: ${err}`))));
    });
  }
}

function hostForwards(): boolean {
  return readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim() === "1";
}

/** `2026-11-24T23:59:01.123456789Z` (or with an offset) to epoch milliseconds with the sub-ms part. */
function wallMs(rfc3339Nano: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339Nano);
  if (!m) throw new Error(`unreadable time ${rfc3339Nano}`);
  const fraction = Number(`0.${m[2] ?? "0"}`);
  return Date.parse(`${m[1]}${m[3]}`) + fraction * 1000;
}

/** PIDs of conmon processes whose command line mentions `dir` (their bundle or exit dir). */
export function conmonPidsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv[0]?.endsWith("conmon") && argv.some((a) => a.includes(dir))) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/**
 * The OCI runtime podman is given: a shell script (no Node start per call) that, for
 * `create` and `run`, sets RLIMIT_NOFILE and RLIMIT_NPROC in the bundle's config.json (the
 * two podman's default spec sets) to the hard limits of the runtime's own process, read at
 * that moment: podman lowers some of its own limits (NPROC to 32768 here) before it runs
 * the runtime, so the benchmark's limits would be wrong. Then it execs runc.
 */
function writeRuncWrapper(work: string): string {
  const clamp = (type: string, label: string): string => [
    `  hard=$(awk '/^${label}/ { print $(NF-1) }' /proc/self/limits)`,
    `  case "$hard" in ''|*[!0-9]*) ;; *) sed -i -E 's/"type":"${type}","hard":[0-9]+,"soft":[0-9]+/"type":"${type}","hard":'"$hard"',"soft":'"$hard"'/g' "$bundle/config.json" ;; esac`,
  ].join("\n");
  const script = `#!/bin/sh
# Written by bench/podman-reference.ts: clamps rlimits to this process's hard limits, then runs runc.
bundle=.
prev=
edit=
for a in "$@"; do
  case "$prev" in --bundle|-b) bundle=$a ;; esac
  case "$a" in --bundle=*) bundle=\${a#--bundle=} ;; create|run) edit=1 ;; esac
  prev=$a
done
if [ -n "$edit" ] && [ -f "$bundle/config.json" ]; then
${clamp("RLIMIT_NOFILE", "Max open files")}
${clamp("RLIMIT_NPROC", "Max processes")}
fi
exec ${runcPath()} "$@"
`;
  const path = join(work, "runc-clamped");
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

function runcPath(): string {
  return execFileSync("sh", ["-c", "command -v runc"]).toString().trim();
}
