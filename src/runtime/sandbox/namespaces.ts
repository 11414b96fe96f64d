/**
 * A pod's namespaces without a pause process. util-linux unshare(1) creates the network,
 * IPC and UTS namespaces and bind-mounts each onto a file in the sandbox directory, which
 * keeps it alive with no process in it; containers join them by path.
 *
 * A shared PID namespace is different: it dies with its first process, and that process
 * inherits every orphan of the pod, so it must reap them. The holder is the shell that is
 * on every Debian host (/bin/sh, dash) as PID 1, looping on `wait` around a long sleep:
 * dash's `wait` reaps any child, including orphans reparented to it, so zombies do not pile
 * up (verified here). It runs detached in its own session, under unshare --kill-child, so it
 * outlives a restart of the runtime's process and dies with the unshare process whose group
 * is recorded.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statfsSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { run } from "../command.js";
import { tmpfsMountArgs, type TmpfsOptions } from "../mount.js";
import { RuntimeError } from "../errors.js";
import type { SandboxPaths } from "./sandbox-meta.js";

export interface NamespaceRequest {
  net: boolean;
  ipc: boolean;
  uts: boolean;
  /** Set in the new UTS namespace. */
  hostname: string;
  /** A tmpfs to mount (in the host's mount namespace) by the same process, e.g. the pod's /dev/shm. */
  tmpfs?: { target: string; options: TmpfsOptions };
}

/**
 * Makes the namespaces and does what belongs inside them in one process: the new network
 * namespace's loopback comes up (the CNI loopback plugin's whole job), the hostname is set,
 * and the tmpfs is mounted. One command instead of three or four: each is a fork and an
 * exec (command-spawner.ts says what they cost), and a burst of pods makes hundreds.
 */
export async function createNamespaces(paths: SandboxPaths, req: NamespaceRequest): Promise<void> {
  const wanted = ([["net", req.net, paths.net], ["ipc", req.ipc, paths.ipc], ["uts", req.uts, paths.uts]] as const).filter(([, want]) => want);
  // The bind mounts need existing files to land on.
  await Promise.all(wanted.map(async ([, , file]) => {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, "");
  }));
  const args = wanted.map(([kind, , file]) => `--${kind}=${file}`);
  const steps: ShellStep[] = [];
  if (req.net) steps.push({ words: ["ip", "link", "set", "lo", "up"] });
  if (req.tmpfs) steps.push({ words: ["mount", ...tmpfsMountArgs(req.tmpfs.target, req.tmpfs.options)] });
  if (args.length === 0) {
    for (const { words: [file, ...rest] } of steps) await run(file!, rest);
    return;
  }
  // The hostname of the UTS namespace the shell is in: printf is a builtin, so no `hostname` process.
  if (req.uts) steps.push({ words: ["printf", "%s", req.hostname], to: "/proc/sys/kernel/hostname" });
  await run("unshare", [...args, ...shellSequence(steps)]);
}

interface ShellStep {
  words: readonly string[];
  /** A file that takes the step's output. */
  to?: string;
}

/**
 * `sh -c` running the commands one after the other, stopping at the first failure. The words
 * and files go in as positional parameters, never into the script's text, so nothing needs quoting.
 */
function shellSequence(steps: readonly ShellStep[]): string[] {
  if (steps.length === 0) return ["true"];
  let n = 0;
  const parameters: string[] = [];
  const param = (word: string): string => {
    parameters.push(word);
    return `"\${${++n}}"`;
  };
  const script = steps.map((step) => step.words.map(param).join(" ") + (step.to === undefined ? "" : ` > ${param(step.to)}`)).join(" && ");
  return ["/bin/sh", "-c", script, "sh", ...parameters];
}

/** statfs(2)'s f_type of nsfs: what a namespace file bind-mounted on a path reports. */
const nsfsMagic = 0x6e736673;

/** Whether the path holds a namespace (bind-mounted there), without reading the mount table. */
export function isNamespaceFile(path: string): boolean {
  try {
    return statfsSync(path).type === nsfsMagic;
  } catch {
    return false;
  }
}

/** The holder's marker in its command line: proves a recorded PID is still ours before we kill it. */
function holderTag(id: string): string {
  return `peapod-pod-${id}`;
}

// PID 1 of the namespace: reaps whatever it inherits, and says when the namespace is bound.
const holderScript = "echo ready; exec >/dev/null 2>&1; while :; do sleep 2147483647 & wait; done";
const holderStartTimeoutMs = 10_000;

/**
 * Starts the PID namespace's holder and resolves with its process group id once the
 * namespace is bind-mounted on paths.pid (unshare binds it before it starts the holder,
 * and the holder's first act is to say "ready").
 */
export function startPidHolder(paths: SandboxPaths, id: string): Promise<number> {
  mkdirSync(dirname(paths.pid), { recursive: true });
  writeFileSync(paths.pid, "");
  const child = spawn("unshare", [`--pid=${paths.pid}`, "--fork", "--kill-child", "/bin/sh", "-c", holderScript, holderTag(id)], {
    detached: true,
    cwd: "/",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.pid) killGroup(child.pid);
      reject(new RuntimeError("Internal", `starting the PID namespace holder of sandbox ${id}: ${why}`));
    };
    const timer = setTimeout(() => fail("no answer in time"), holderStartTimeoutMs);
    child.on("error", (e) => fail(e.message));
    child.on("exit", (code, signal) => fail(`exited (${signal ?? `status ${code}`})`));
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (settled || !out.includes("ready\n")) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.unref();
      resolve(child.pid!);
    });
  });
}

export function holderAlive(pgid: number, id: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pgid}/cmdline`, "utf8");
    const stat = readFileSync(`/proc/${pgid}/stat`, "utf8");
    // Field 3, after the parenthesised command name, is the state; Z is a dead process.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return cmdline.split("\0").includes(holderTag(id)) && state !== "Z";
  } catch {
    return false;
  }
}

/** Kills the holder's process group (and with it every process of the PID namespace). */
export function killPidHolder(pgid: number, id: string): void {
  // A recorded PID may have been reused after a reboot: kill only what carries our tag.
  if (holderAlive(pgid, id)) killGroup(pgid);
}

/**
 * The holder's process group, found by its tag: for a sandbox interrupted before its
 * record held the PID. Scans /proc, so only teardown of such a sandbox uses it.
 */
export function findPidHolder(id: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (holderAlive(pid, id)) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // Field 5 is the process group.
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      } catch {
        // gone meanwhile
      }
    }
  }
  return undefined;
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
  }
}

/** Which of the pod's namespaces a namespaced sysctl belongs to (the kernel's list, as the kubelet knows it). */
export function sysctlNamespace(name: string): "net" | "ipc" | undefined {
  const key = name.replace(/\//g, ".");
  if (key.startsWith("net.")) return "net";
  if (/^kernel\.(shm|msg|sem$)/.test(key) || key.startsWith("fs.mqueue.")) return "ipc";
  return undefined;
}

/** Sets the pod's sysctls inside its own namespaces; host-shared namespaces are refused. */
export async function applySysctls(sysctls: Record<string, string>, ns: { net?: string; ipc?: string }): Promise<void> {
  const entries = Object.entries(sysctls);
  if (entries.length === 0) return;
  for (const [name] of entries) {
    const kind = sysctlNamespace(name);
    if (!kind) throw new RuntimeError("InvalidArgument", `sysctl ${name} is not namespaced: it would change the host`);
    if (!ns[kind]) throw new RuntimeError("InvalidArgument", `sysctl ${name} would change the host: the pod shares the host's ${kind === "net" ? "network" : "IPC"} namespace`);
  }
  const enter = [...(ns.net ? [`--net=${ns.net}`] : []), ...(ns.ipc ? [`--ipc=${ns.ipc}`] : [])];
  try {
    await run("nsenter", [...enter, "sysctl", "-q", "-w", ...entries.map(([k, v]) => `${k}=${v}`)]);
  } catch (e) {
    throw new RuntimeError("InvalidArgument", `setting sysctls: ${(e as Error).message}`, { cause: e });
  }
}
