/**
 * The pod startup benchmark (`npm run bench:pods`): issue 4's speed targets, measured on a
 * real `peapod server` with its embedded agent, against `podman kube play` of the same pods.
 *
 *   node dist/bench/pod-startup.bench.js [--json FILE] [--pods N] [--burst N] [--no-podman]
 *
 * Latency is the Kubernetes pod startup SLI: creation to all containers started, observed
 * via watch, image pre-pulled. creationTimestamp has whole-second resolution in the API, so
 * the clock starts when the client sends the POST (see pod-timeline.ts); the end is the
 * receive time of the watch event that first shows every container running.
 *
 * - sequential: N pods, each created once the one before runs.
 * - burst: 110 pods (the node's pod capacity) created by concurrent POSTs; per-pod latency,
 *   and the wall time until all run and until all are Ready.
 * - memory: RSS of the server process (API server, scheduler and agent share it) idle and
 *   with the burst's pods running; conmon (one per container) summed separately.
 * - reference: the same manifests through `podman kube play`, one pod per play: in the
 *   sequential phase alternated with Peapod pod by pod (both see the same machine load),
 *   then all at once after Peapod's burst; podman is isolated (podman-reference.ts) and
 *   skipped with a message if absent.
 *
 * Pods: one busybox container whose shell exits on SIGTERM (so deletion measures the agent,
 * not a grace period), no probes. Everything is removed by the cleanup ledger, also on
 * failure, SIGINT and SIGTERM.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { PodObject } from "../src/api/index.js";
import { ApiClient, nodesResource, podsResource, type ResourceClient } from "../src/client/index.js";
import { startPeapod } from "../test/harness/peapod.js";
import { startRegistry } from "../test/harness/registry.js";
import { freeTestNetwork } from "../test/harness/runtime.js";
import { waitFor } from "../test/harness/wait-for.js";
import { benchLifecycle } from "./bench-lifecycle.js";
import { BenchReport, type ResultRow } from "./bench-report.js";
import { PodTimelines, type PodTimeline } from "./pod-timeline.js";
import { conmonPidsUnder, PodmanReference, podmanAvailable, podmanInstallHint, type PlayResult } from "./podman-reference.js";
import { processMemory } from "./server-process.js";

const { values: args } = parseArgs({
  options: {
    json: { type: "string" },
    pods: { type: "string", default: "50" },
    burst: { type: "string", default: "110" },
    "no-podman": { type: "boolean", default: false },
  },
});

const { cleanup, finish } = benchLifecycle(20 * 60_000);
const namespace = "default";
/** The server's output, shown when the run fails. */
let serverOutput: (() => string) | undefined;
const containerName = "c";

/** The targets. */
const targets = { p50: 100, p99: 250, burstReadyMs: 10_000, podmanRatio: 3 };

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
}

/** The one pod manifest both engines start. */
function podManifest(name: string, image: string): PodObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: {
      containers: [{
        name: containerName,
        image,
        imagePullPolicy: "IfNotPresent",
        // PID 1 ignores SIGTERM unless it traps it: without the trap every deletion waits out the grace period.
        command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
      }],
    },
  } as PodObject;
}

/** Sum of VmRSS of these processes, MiB. */
function rssSumMiB(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      return sum + processMemory(pid).rssMiB;
    } catch {
      return sum;
    }
  }, 0);
}

/**
 * The host's firewall as text, to show the reference left it alone: iptables-save without
 * its timestamps, and the nft ruleset without Peapod's own tables (tests running at the
 * same time add and remove theirs).
 */
function firewallSnapshot(): string {
  const quiet = { stdio: ["ignore", "pipe", "ignore"] as ["ignore", "pipe", "ignore"] };
  const iptables = execFileSync("iptables-save", quiet).toString().split("\n").filter((l) => !l.startsWith("#"));
  const tables = execFileSync("nft", ["list", "ruleset"], quiet).toString().split(/^(?=table )/m).filter((t) => !/^table \S+ peapod_/.test(t));
  return [...iptables, ...tables].join("\n");
}

const span = (timelines: readonly PodTimeline[], from: (t: PodTimeline) => number | undefined, to: (t: PodTimeline) => number | undefined): number[] =>
  timelines.flatMap((t) => {
    const a = from(t);
    const b = to(t);
    return a === undefined || b === undefined ? [] : [b - a];
  });

/**
 * Where the time between the POST and the running status goes, from the watch's view. The
 * Events are written by the recorder's queue after the fact, so the spans between them are
 * indicative only; the last Event of a pod arrives after its status (the "event lag" row).
 */
function breakdown(report: BenchReport, phase: string, timelines: readonly PodTimeline[]): void {
  const backend = `peapod ${phase}`;
  const sent = (t: PodTimeline): number => t.sent;
  const rows: Array<[string, (t: PodTimeline) => number | undefined, (t: PodTimeline) => number | undefined]> = [
    ["POST sent -> answered", sent, (t) => t.created],
    ["POST sent -> watch ADDED", sent, (t) => t.seen.added],
    ["watch ADDED -> bound (spec.nodeName)", (t) => t.seen.added, (t) => t.seen.bound],
    ["bound -> first agent status", (t) => t.seen.bound, (t) => t.seen.agentStatus],
    ["bound -> all containers running (status)", (t) => t.seen.bound, (t) => t.seen.running],
    ["bound -> Pulled event (sandbox ready)", (t) => t.seen.bound, (t) => t.events.Pulled],
    ["Pulled -> Created event", (t) => t.events.Pulled, (t) => t.events.Created],
    ["Created -> Started event", (t) => t.events.Created, (t) => t.events.Started],
    ["running status -> its Started event (event lag)", (t) => t.seen.running, (t) => t.events.Started],
    ["running -> Ready", (t) => t.seen.running, (t) => t.seen.ready],
  ];
  for (const [metric, from, to] of rows) report.latency(backend, `  ${metric}`, span(timelines, from, to));
}

async function createPod(pods: ResourceClient<PodObject>, timelines: PodTimelines, name: string, image: string): Promise<PodTimeline> {
  const timeline = timelines.track(name);
  await pods.create(namespace, podManifest(name, image));
  timeline.created = performance.now();
  return timeline;
}

/** Deletes the pods at once and waits until the watch saw each DELETED; per-pod latency and wall time. */
async function deleteAll(pods: ResourceClient<PodObject>, timelines: PodTimelines, names: readonly string[]): Promise<{ perPod: number[]; wallMs: number }> {
  const t0 = performance.now();
  const perPod = await Promise.all(names.map(async (name) => {
    const timeline = timelines.pods.get(name)!;
    timeline.deleteSent = performance.now();
    await pods.delete(namespace, name);
    return (await timelines.until(name, "deleted", 120_000)) - timeline.deleteSent;
  }));
  return { perPod, wallMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const sequentialCount = positive("pods", args.pods);
  const burstCount = positive("burst", args.burst);
  const report = new BenchReport();
  report.context["node"] = process.version;
  report.context["cpus"] = cpus().length;
  report.context["loadavgAtStart"] = loadavg();
  const notes: string[] = [];

  const registry = await startRegistry(cleanup);
  const image = (await registry.push("busybox")).reference;
  const network = freeTestNetwork();
  const server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
  const serverPid = server.process.pid!;
  serverOutput = () => server.output();
  const client = await ApiClient.fromKubeconfig(server.kubeconfig);
  cleanup.add("close the client", () => client.close());
  const pods = client.resource<PodObject>(podsResource);
  await waitFor(async () => {
    const nodes = await client.resource(nodesResource).list(undefined);
    return nodes.items.some((n) => ((n as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [])
      .some((c) => c.type === "Ready" && c.status === "True")) || undefined;
  }, { what: "the local node to be Ready", timeoutMs: 30_000 });
  const timelines = await PodTimelines.start(client, namespace);
  cleanup.add("close the watches", () => timelines.close());

  // Pre-pull through the agent itself: the first pod pulls the image, later ones find it.
  await createPod(pods, timelines, "warmup", image);
  await timelines.until("warmup", "running", 60_000);
  await deleteAll(pods, timelines, ["warmup"]);
  const idle = processMemory(serverPid);

  const podman = await openPodman(notes, image);

  // Sequential, alternated with podman pod by pod, so both see the same machine load.
  const sequential: PodTimeline[] = [];
  const podmanSeq: PlayResult[] = [];
  for (let i = 0; i < sequentialCount; i++) {
    const name = `seq-${i}`;
    sequential.push(await createPod(pods, timelines, name, image));
    await timelines.until(name, "ready");
    if (podman) podmanSeq.push(await podman.play(podManifest(name, image), name, [containerName]));
  }
  const sli = (ts: readonly PodTimeline[]): number[] => span(ts, (t) => t.sent, (t) => t.seen.running);
  const seqLabel = `pod startup SLI, sequential (${sequentialCount} pods)`;
  report.latency("peapod", seqLabel, sli(sequential), { stat: "p99", below: targets.p99 });
  const seqRow = report.latency("peapod", `${seqLabel}, median target`, sli(sequential), { stat: "median", below: targets.p50 });
  breakdown(report, "sequential", sequential);
  const seqDelete = await deleteAll(pods, timelines, sequential.map((_, i) => `seq-${i}`));
  report.latency("peapod", `delete -> watch DELETED, ${sequentialCount} at once`, seqDelete.perPod, undefined, `wall ${seqDelete.wallMs.toFixed(0)} ms`);
  const podmanSeqRemove = podman ? await podman.removePods(podmanSeq.map((_, i) => `seq-${i}`)) : [];

  // Burst.
  const names = Array.from({ length: burstCount }, (_, i) => `burst-${i}`);
  const b0 = performance.now();
  const burst = await Promise.all(names.map((name) => createPod(pods, timelines, name, image)));
  // A pod that never starts is reported, not waited for forever: the run still gives its numbers.
  const settled = await Promise.allSettled(names.map((n) => timelines.until(n, "ready", 90_000)));
  const stuck = names.filter((_, i) => settled[i]!.status === "rejected");
  for (const name of stuck) notes.push(`peapod: ${name} never became Ready (conditions: ${JSON.stringify(timelines.pods.get(name)?.lastConditions)})`);
  const started = burst.filter((t) => t.seen.running !== undefined);
  const allRunning = stuck.length ? Number.NaN : Math.max(...started.map((t) => t.seen.running!));
  const allReady = stuck.length ? Number.NaN : Math.max(...burst.map((t) => t.seen.ready!));
  const burstLabel = `pod startup SLI, ${burstCount} pods created at once`;
  report.latency("peapod", burstLabel, sli(burst), { stat: "p99", below: targets.p99 });
  const burstRow = report.latency("peapod", `${burstLabel}, median target`, sli(burst), { stat: "median", below: targets.p50 });
  breakdown(report, "burst", burst);
  report.value("peapod", `${burstCount} pods at once: first POST -> all running`, "ms", allRunning - b0, stuck.length ? `${stuck.length} never started` : undefined);
  report.rows.push({ backend: "peapod", metric: `${burstCount} pods at once: first POST -> all Ready`, unit: "ms", median: allReady - b0, target: { stat: "median", below: targets.burstReadyMs } });
  await new Promise((r) => setTimeout(r, 1000));
  const loaded = processMemory(serverPid);
  const conmons = conmonPidsUnder(server.dataDir);
  report.value("peapod", "server+agent RSS, idle (node Ready, image pulled, no pods)", "MiB", idle.rssMiB);
  report.value("peapod", `server+agent RSS, ${started.length} pods running`, "MiB", loaded.rssMiB, `peak ${loaded.peakMiB.toFixed(1)} MiB`);
  report.value("peapod", `conmon RSS, sum over ${conmons.length} (one per container)`, "MiB", rssSumMiB(conmons));
  const burstDelete = await deleteAll(pods, timelines, names);
  report.latency("peapod", `delete -> watch DELETED, ${burstCount} at once`, burstDelete.perPod, undefined, `wall ${burstDelete.wallMs.toFixed(0)} ms`);
  timelines.close();

  if (podman) {
    const seqRef = report.latency("podman", `kube play start -> StartedAt, sequential (${sequentialCount} pods, alternated)`, podmanSeq.map((s) => s.startedMs));
    report.latency("podman", "  kube play start -> kube play returned", podmanSeq.map((s) => s.playMs));
    report.latency("podman", `pod rm --force --time 0, ${sequentialCount} at once`, podmanSeqRemove);
    report.ratio("podman", "sequential startup", seqRef, seqRow, "podman kube play vs peapod SLI, alternated pod by pod");
    await podmanBurst(report, podman, image, burstCount, burstRow);
  }

  const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(" ");
  console.log(`pod startup benchmark: node ${process.version}, ${cpus().length} CPUs, data in ${tmpdir()}; load average ${load(report.context["loadavgAtStart"] as number[])} at start, ${load(loadavg())} at end`);
  console.log("SLI: POST sent -> watch event showing all containers running (creationTimestamp has 1 s resolution);");
  console.log("breakdown rows: receive times of the pod watch and the Events watch, one clock.\n");
  console.log(report.format(`Peapod (ratio = podman / peapod; target: >= ${targets.podmanRatio.toFixed(2)}x at the median)`));
  for (const note of notes) console.log(`\n${note}`);
  if (args.json) report.writeJson(resolve(args.json));
}

/**
 * The reference, ready to play pods (image pulled, pause image built), or undefined with a
 * note saying why it is skipped. Checks that podman's first pod left the host firewall alone.
 */
async function openPodman(notes: string[], image: string): Promise<PodmanReference | undefined> {
  if (args["no-podman"]) {
    notes.push("podman reference skipped (--no-podman).");
    return undefined;
  }
  if (!podmanAvailable()) {
    notes.push(`podman reference SKIPPED: podman is not installed (it is not a Peapod dependency; for the benchmark: ${podmanInstallHint}).`);
    return undefined;
  }
  const work = mkdtempSync(join(tmpdir(), "peapod-bench-podman-"));
  cleanup.add(`remove ${work}`, () => rmSync(work, { recursive: true, force: true }));
  const firewallBefore = firewallSnapshot();
  const podman = await PodmanReference.open(cleanup, work, freeTestNetwork());
  await podman.podman(["pull", "--quiet", "--tls-verify=false", image]);
  // The first play also builds podman's pause image (infra container): not measured.
  await podman.play(podManifest("warmup", image), "warmup", [containerName]);
  const firewallAfter = firewallSnapshot();
  await podman.removePods(["warmup"]);
  notes.push(`podman ${(await podman.podman(["--version"])).trim()}: private root, cgroupfs, runc behind an rlimit-clamping wrapper, its own CNI bridge (no masquerade, no portmap/firewall plugin); networking included.`);
  notes.push(firewallAfter !== firewallBefore
    ? `WARNING: the host's iptables/nft ruleset changed while podman ran; now:\n${firewallAfter}`
    : "The host's iptables and nft rulesets were the same before and after podman started a pod.");
  return podman;
}

/** The burst through podman: one `kube play` per pod, all at once. */
async function podmanBurst(report: BenchReport, podman: PodmanReference, image: string, burstCount: number, burstRow: ResultRow): Promise<void> {
  const b0 = performance.now();
  const burst = await Promise.all(Array.from({ length: burstCount }, (_, i) => podman.play(podManifest(`burst-${i}`, image), `burst-${i}`, [containerName])));
  const burstWall = performance.now() - b0;
  const conmons = podman.conmonPids();
  const conmonMiB = rssSumMiB(conmons);
  const r0 = performance.now();
  const burstRemove = await podman.removePods(burst.map((_, i) => `burst-${i}`));
  const burstRemoveMs = performance.now() - r0;
  const burstRef = report.latency("podman", `kube play start -> StartedAt, ${burstCount} plays at once`, burst.map((s) => s.startedMs));
  report.latency("podman", "  kube play start -> kube play returned", burst.map((s) => s.playMs));
  report.value("podman", `${burstCount} plays at once: wall time until all returned`, "ms", burstWall);
  report.value("podman", `conmon RSS, sum over ${conmons.length} (infra + container per pod; podman has no daemon)`, "MiB", conmonMiB);
  report.latency("podman", `pod rm --force --time 0, ${burstCount} at once`, burstRemove, undefined, `wall ${burstRemoveMs.toFixed(0)} ms`);
  report.ratio("podman", `${burstCount} at once`, burstRef, burstRow, "podman kube play vs peapod SLI");
}

main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    if (serverOutput) console.error(`peapod server output (last lines):\n${serverOutput().split("\n").slice(-30).join("\n")}`);
    process.exitCode = 1;
  })
  .finally(finish);
