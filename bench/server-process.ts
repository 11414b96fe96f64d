/**
 * A real `bin/peapod server` child process for the benchmark: spawned, timed until its
 * first 200 on /readyz, measured (RSS from /proc) and stopped by PID. Every process is
 * recorded in the cleanup ledger the moment it exists.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Cleanup } from "../test/harness/cleanup.js";

const repoRoot = resolve(fileURLToPath(import.meta.url), "../../..");
const peapodBin = join(repoRoot, "bin/peapod");

/** How often readiness is probed, as the issue asks. */
const readyPollMs = 10;
const readyTimeoutMs = 30_000;

export interface ServerStartOptions {
  readonly dataDir: string;
  /** `--datastore-endpoint`; default: SQLite in the data dir. */
  readonly datastore?: string;
  /** Write a V8 CPU profile of the server into this directory when it stops. */
  readonly cpuProfileDir?: string;
}

export interface ReadyProcess {
  readonly pid: number;
  readonly url: URL;
  /** Spawn to first 200 on /readyz, in milliseconds. */
  readonly readyMs: number;
  /** What the server itself reports ("ready in N ms") from its own start, excluding Node's boot. */
  readonly selfReportedMs: number | undefined;
  output(): string;
  /** SIGTERM, and SIGKILL if it has not exited after 10 s; returns how it ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
}

export interface RunningServer extends ReadyProcess {
  readonly kubeconfig: string;
}

export async function startServer(cleanup: Cleanup, opts: ServerStartOptions): Promise<RunningServer> {
  const ready = await spawnUntilReady(cleanup, [
    ...(opts.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProfileDir] : []),
    peapodBin, "server", "--data-dir", opts.dataDir, "--port", "0", "--disable-agent",
    // The API alone is measured: no control loop adds its own writes to the workload.
    "--disable-scheduler", "--disable-controller-manager",
    ...(opts.datastore ? ["--datastore-endpoint", opts.datastore] : []),
  ]);
  return { ...ready, kubeconfig: join(opts.dataDir, "kubeconfig.yaml") };
}

/**
 * Spawns `node ARGS` and waits until it answers 200 on /readyz. The process must print
 * `listening on URL (ready in N ms` as Peapod does; the reference process does too.
 */
export async function spawnUntilReady(cleanup: Cleanup, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<ReadyProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], ...(env ? { env } : {}) });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let forced = false;
  const stop = async (): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        forced = true;
        child.kill("SIGKILL");
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    return { code: child.exitCode, signal: child.signalCode, forced };
  };
  cleanup.add(`stop pid ${child.pid}`, async () => {
    await stop();
  });
  const ready = await waitReady(child, () => out, started);
  return {
    pid: child.pid!,
    url: ready.url,
    readyMs: ready.readyMs,
    selfReportedMs: ready.selfReportedMs,
    output: () => out,
    stop,
  };
}

/**
 * Polls /readyz every 10 ms from the moment the server printed the port it bound (with
 * `--port 0` nothing can be probed before; the first probe goes out as soon as that line
 * arrives). Each probe is a fresh TLS connection, as a kubelet or load balancer probe
 * would be.
 */
async function waitReady(child: ChildProcess, output: () => string, started: number): Promise<{ url: URL; readyMs: number; selfReportedMs: number | undefined }> {
  const deadline = started + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`peapod exited (${child.exitCode ?? child.signalCode}) while starting:\n${output()}`);
    }
    const listening = /listening on (https:\/\/\S+) \(ready in (\d+) ms/.exec(output());
    if (listening && (await probeReadyz(new URL(listening[1]!)))) {
      return { url: new URL(listening[1]!), readyMs: performance.now() - started, selfReportedMs: Number(listening[2]) };
    }
    if (performance.now() > deadline) throw new Error(`peapod not ready after ${readyTimeoutMs} ms:\n${output()}`);
    await new Promise<void>((r) => {
      const wake = (): void => {
        clearTimeout(timer);
        child.stdout!.off("data", wake);
        r();
      };
      const timer = setTimeout(wake, readyPollMs);
      if (!listening) child.stdout!.once("data", wake);
    });
  }
}

function probeReadyz(url: URL): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const req = request({
      hostname: url.hostname, port: url.port, path: "/readyz", agent: false, rejectUnauthorized: false, timeout: 1000,
    }, (res) => {
      res.resume();
      res.on("end", () => resolveProbe(res.statusCode === 200));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolveProbe(false));
    req.end();
  });
}

export interface ProcessMemory {
  /** Resident set size now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set size, MiB. */
  readonly peakMiB: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}
