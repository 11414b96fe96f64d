/**
 * Real etcd processes for tests: `startEtcd()` for one member, `etcdCluster(n)` for a
 * cluster. Each member listens on free loopback ports with its own temporary data dir,
 * and the helpers return only once every member reports healthy.
 *
 * Call `after(() => etcd.stop())` (or `t.after`) right after starting, so the processes
 * go away also when a test fails. As a last resort, members still running when the test
 * process exits are killed by PID and their temporary dirs removed.
 *
 * The binary is `$PEAPOD_ETCD_BIN` if set, else `etcd` on PATH, else /usr/bin/etcd
 * (Debian's etcd-server). Without it, starting fails with a message that says so: the etcd tests
 * must fail, not skip, where etcd is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./ports.js";

export interface EtcdMemberPorts {
  readonly client: number;
  readonly peer: number;
}

export interface StartEtcdOptions {
  /**
   * Reuse this data dir (to restart a member with its data); it is then left in place by
   * stop(). Without it a temporary dir is created and removed by stop().
   */
  readonly dataDir?: string;
  /** Listen on these ports (to restart a member where its clients expect it). */
  readonly ports?: EtcdMemberPorts;
  /** How long to wait for the member to become healthy. */
  readonly readyTimeoutMs?: number;
}

export interface EtcdInstance {
  /** `host:port` client endpoints, one per member. */
  readonly endpoints: string[];
  /** Data dir and ports of each member, in the order of `endpoints`. */
  readonly members: readonly { readonly dataDir: string; readonly ports: EtcdMemberPorts; readonly pid: number }[];
  /** Kills every member by PID, waits for it to exit and removes temporary data dirs. */
  stop(): Promise<void>;
}

interface Member {
  readonly name: string;
  readonly dataDir: string;
  readonly ownsDataDir: boolean;
  readonly ports: EtcdMemberPorts;
  /** Holds the member's log: its own temporary data dir, or a temporary dir beside a caller's. */
  readonly logDir: string;
  process?: ChildProcess;
}

/** Members not stopped yet, for the exit-time safety net. */
const running = new Set<Member>();
process.once("exit", () => {
  for (const member of running) {
    try {
      if (member.process?.pid) process.kill(member.process.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    rmSync(member.ownsDataDir ? member.dataDir : member.logDir, { recursive: true, force: true });
  }
});

export function findEtcdBinary(): string {
  const configured = process.env["PEAPOD_ETCD_BIN"];
  const candidates = configured
    ? [configured]
    : [...(process.env["PATH"] ?? "").split(delimiter).filter((dir) => dir).map((dir) => join(dir, "etcd")), "/usr/bin/etcd"];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  throw new Error(
    configured
      ? `etcd not found: PEAPOD_ETCD_BIN=${configured} is not an executable file`
      : "etcd not found on PATH or at /usr/bin/etcd: install Debian's etcd-server package " +
          "(apt-get install etcd-server) to run the etcd tests",
  );
}


export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdInstance> {
  const ports = options.ports ?? { client: await freePort(), peer: await freePort() };
  return start([{ dataDir: options.dataDir, ports }], options.readyTimeoutMs);
}

/** `n` members that form one cluster. */
export async function etcdCluster(n: number, options: { readyTimeoutMs?: number } = {}): Promise<EtcdInstance> {
  const specs = [];
  for (let i = 0; i < n; i++) specs.push({ dataDir: undefined, ports: { client: await freePort(), peer: await freePort() } });
  return start(specs, options.readyTimeoutMs);
}

async function start(
  specs: readonly { dataDir: string | undefined; ports: EtcdMemberPorts }[],
  readyTimeoutMs = 20_000,
): Promise<EtcdInstance> {
  const binary = findEtcdBinary();
  const members: Member[] = specs.map((spec, i) => {
    const dataDir = spec.dataDir ?? mkdtempSync(join(tmpdir(), "peapod-etcd-"));
    return {
      name: `member${i}`,
      dataDir,
      ownsDataDir: spec.dataDir === undefined,
      ports: spec.ports,
      logDir: spec.dataDir === undefined ? dataDir : mkdtempSync(join(tmpdir(), "peapod-etcd-log-")),
    };
  });
  const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.ports.peer}`).join(",");
  const token = `peapod-test-${process.pid}-${Date.now()}`;
  const instance: EtcdInstance = {
    endpoints: members.map((m) => `127.0.0.1:${m.ports.client}`),
    members: [],
    stop: () => Promise.all(members.map(stopMember)).then(() => undefined),
  };
  try {
    for (const member of members) {
      const clientUrl = `http://127.0.0.1:${member.ports.client}`;
      const peerUrl = `http://127.0.0.1:${member.ports.peer}`;
      const log = openSync(join(member.logDir, "etcd.log"), "a");
      running.add(member);
      member.process = spawn(
        binary,
        [
          `--name=${member.name}`,
          `--data-dir=${join(member.dataDir, "data")}`,
          `--listen-client-urls=${clientUrl}`,
          `--advertise-client-urls=${clientUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=${initialCluster}`,
          `--initial-cluster-token=${token}`,
          "--initial-cluster-state=new",
          "--logger=zap",
        ],
        { stdio: ["ignore", log, log] },
      );
      closeSync(log);
      member.process.once("error", () => undefined);
    }
    await Promise.all(members.map((m) => waitHealthy(m, readyTimeoutMs)));
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return {
    ...instance,
    members: members.map((m) => ({ dataDir: m.dataDir, ports: m.ports, pid: m.process!.pid! })),
  };
}

async function waitHealthy(member: Member, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    const child = member.process!;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd ${member.name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${tail(member)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${member.ports.client}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (body.health === "true") return;
      last = JSON.stringify(body);
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`etcd ${member.name} not healthy after ${timeoutMs}ms (last: ${last}):\n${tail(member)}`);
}

function tail(member: Member): string {
  try {
    return readFileSync(join(member.logDir, "etcd.log"), "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

async function stopMember(member: Member): Promise<void> {
  const child = member.process;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Data that is thrown away needs no clean shutdown; a graceful one costs seconds when
    // the whole cluster goes at once (the leader waits to hand over leadership).
    child.kill(member.ownsDataDir ? "SIGKILL" : "SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  running.delete(member);
  rmSync(member.ownsDataDir ? member.dataDir : member.logDir, { recursive: true, force: true });
}
