/**
 * The API server benchmark (`npm run bench`): real `peapod server` processes, with the
 * SQLite store and with a real etcd, driven over HTTPS with the admin certificate.
 * Prints median and p99 of every measurement against the targets ("with 10,000
 * pods stored, on this 2-core machine"), and ratios against a trivial reference HTTPS
 * server run in this process.
 *
 *   node dist/bench/apiserver.bench.js [--json FILE] [--backends sqlite,etcd] [--pods N]
 *                                      [--watchers N] [--updates N] [--cpu-prof DIR]
 *
 * --cpu-prof DIR writes a V8 CPU profile of the server the workload runs against.
 * Everything started is stopped by PID, and every temporary dir removed, also on failure
 * and on SIGINT/SIGTERM; the whole run is bounded by a watchdog.
 */
import { cpus, tmpdir } from "node:os";
import { statfsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { BenchClient, type TlsMaterial } from "./bench-client.js";
import { benchLifecycle } from "./bench-lifecycle.js";
import { benchPod } from "./bench-pod.js";
import { BenchReport } from "./bench-report.js";
import { benchBackend, type Backend, type PhaseOptions, type Reference } from "./backend-phase.js";
import { startReferenceServer } from "./reference-server.js";

/** The whole run is aborted (and cleaned up) after this long. */
const watchdogMs = 9 * 60_000;
/** Loading the pods of one backend must finish within this. */
const loadBudgetMs = 150_000;

const { values: args } = parseArgs({
  options: {
    json: { type: "string" },
    backends: { type: "string", default: "sqlite,etcd" },
    pods: { type: "string", default: "10000" },
    watchers: { type: "string", default: "100" },
    updates: { type: "string", default: "200" },
    "cpu-prof": { type: "string" },
  },
});

const { cleanup, finish } = benchLifecycle(watchdogMs);

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
}

function filesystemOf(dir: string): string {
  const types: Record<number, string> = { 0xef53: "ext4", 0x01021994: "tmpfs", 0x58465342: "xfs", 0x9123683e: "btrfs", 0x794c7630: "overlayfs" };
  const type = statfsSync(dir).type;
  return types[type] ?? `0x${type.toString(16)}`;
}

async function main(): Promise<void> {
  const backends = args.backends.split(",").map((b) => b.trim()) as Backend[];
  for (const b of backends) if (b !== "sqlite" && b !== "etcd") throw new Error(`unknown backend ${b} (sqlite, etcd)`);
  const pods = positive("pods", args.pods);
  const started = performance.now();
  const report = new BenchReport();
  const fs = filesystemOf(tmpdir());
  Object.assign(report.context, {
    node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, tmpdir: tmpdir(), tmpdirFilesystem: fs,
    pods, podInputBytes: JSON.stringify(benchPod(0)).length, startedAt: new Date().toISOString(),
  });
  console.error(`bench: node ${process.version}, ${cpus().length} CPUs, data dirs in ${tmpdir()} (${fs}), ${pods} pods`);
  if (fs === "tmpfs") console.error("bench: warning: the data dirs are on tmpfs, where fsync costs nothing; write latencies are not durable ones");

  let reference: Reference | undefined;
  const ensureReference = async (dataDir: string, tls: TlsMaterial): Promise<Reference> => {
    if (!reference) {
      const server = await startReferenceServer(cleanup, dataDir);
      const client = new BenchClient(server.url, tls);
      cleanup.add("close reference client", () => client.close());
      reference = { server, client, dataDir };
    }
    return reference;
  };

  const phase: Omit<PhaseOptions, "loadDeadline"> = {
    pods,
    loadSteps: [
      { inFlight: 1, count: Math.min(500, Math.floor(pods / 10)) },
      { inFlight: 4, count: Math.min(2000, Math.floor(pods / 5)) },
      { inFlight: 16, count: 0 },
    ],
    gets: 2000,
    listRuns: 10,
    watchers: positive("watchers", args.watchers),
    updates: positive("updates", args.updates),
    emptyStarts: 5,
    storedStarts: 3,
    ...(args["cpu-prof"] ? { cpuProfileDir: resolve(args["cpu-prof"]) } : {}),
  };
  for (const backend of backends) {
    const t = performance.now();
    await benchBackend(backend, cleanup, report, {
      ...phase,
      ...(backend === "etcd" ? { emptyStarts: 3, storedStarts: 2 } : {}),
      loadDeadline: performance.now() + loadBudgetMs,
    }, ensureReference);
    console.error(`[${backend}] done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  report.context["durationSeconds"] = Math.round((performance.now() - started) / 1000);

  console.log(`\nPeapod API server benchmark: ${pods.toLocaleString("en-US")} pods ` +
    `(${report.context["podInputBytes"]} B each as sent), node ${process.version}, ${cpus().length} CPUs, ` +
    `data on ${fs}, ${report.context["durationSeconds"]} s\n`);
  console.log(report.format());
  if (args.json) {
    report.writeJson(resolve(args.json));
    console.error(`bench: results written to ${resolve(args.json)}`);
  }
  if (args["cpu-prof"]) console.error(`bench: server CPU profiles in ${resolve(args["cpu-prof"])}`);
}

try {
  await main();
} catch (e) {
  console.error(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await finish();
}
