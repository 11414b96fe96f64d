/**
 * One backend's part of the benchmark, against real `peapod server` processes:
 * readiness on an empty store, loading the pods, GET, LIST, watch fan-out, memory, and
 * readiness again with the pods stored. Reference measurements are taken right before
 * Peapod's, so a ratio compares runs made under the same machine conditions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cleanup } from "../test/harness/cleanup.js";
import { startEtcd } from "../test/harness/etcd.js";
import { BenchClient, readKubeconfigCredentials, type TlsMaterial } from "./bench-client.js";
import { benchPod, benchPodName } from "./bench-pod.js";
import type { BenchReport, ResultRow } from "./bench-report.js";
import { startReferenceProcess, type ReferenceServer } from "./reference-server.js";
import {
  createNamespace, createPods, getFixed, getPods, listPods, podsPath, type CreateRun, type ListMode, type ListRuns,
} from "./request-workloads.js";
import { processMemory, startServer, type RunningServer } from "./server-process.js";
import { summarize } from "./stats.js";
import { measureWatchFanout } from "./watch-fanout.js";

export type Backend = "sqlite" | "etcd";

export interface PhaseOptions {
  readonly pods: number;
  /**
   * The pods are loaded in steps of rising concurrency, so the create latency is seen
   * both unloaded and with the server saturated; the last step creates the rest.
   */
  readonly loadSteps: readonly { readonly inFlight: number; readonly count: number }[];
  readonly gets: number;
  readonly listRuns: number;
  readonly watchers: number;
  readonly updates: number;
  /** Readiness samples on the empty store (the first one generates the PKI). */
  readonly emptyStarts: number;
  /** Readiness samples once the pods are stored. */
  readonly storedStarts: number;
  readonly cpuProfileDir?: string;
  /** performance.now() by which loading must have finished. */
  readonly loadDeadline: number;
}

export interface Reference {
  readonly server: ReferenceServer;
  readonly client: BenchClient;
  /** The data dir whose certificates the reference serves. */
  readonly dataDir: string;
}

const targets = {
  readyMs: 1000,
  getP99Ms: 5,
  createP99Ms: 15,
  listMs: 300,
  watchP99Ms: 20,
};

const listBudgetMs = 20_000;

export async function benchBackend(
  backend: Backend,
  cleanup: Cleanup,
  report: BenchReport,
  opts: PhaseOptions,
  ensureReference: (dataDir: string, tls: TlsMaterial) => Promise<Reference>,
): Promise<void> {
  const log = (msg: string): void => console.error(`[${backend}] ${msg}`);
  const dataDir = mkdtempSync(join(tmpdir(), `peapod-bench-${backend}-`));
  cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  let datastore: string | undefined;
  let etcdPid: number | undefined;
  if (backend === "etcd") {
    const etcd = await startEtcd();
    cleanup.add("stop etcd", () => etcd.stop());
    datastore = `etcd://${etcd.endpoints.join(",")}`;
    etcdPid = etcd.members[0]!.pid;
  }
  const start = (profile: boolean): Promise<RunningServer> => startServer(cleanup, {
    dataDir,
    ...(datastore ? { datastore } : {}),
    ...(profile && opts.cpuProfileDir ? { cpuProfileDir: opts.cpuProfileDir } : {}),
  });
  const stop = async (server: RunningServer): Promise<void> => {
    const end = await server.stop();
    if (end.forced || end.code !== 0) log(`server pid ${server.pid} did not shut down cleanly (${JSON.stringify(end)}):\n${server.output().slice(-2000)}`);
  };

  log(`starting ${opts.emptyStarts} times on an empty store`);
  const emptyReady: number[] = [];
  const ownStart: number[] = [];
  let server: RunningServer | undefined;
  for (let i = 0; i < opts.emptyStarts; i++) {
    const last = i === opts.emptyStarts - 1;
    server = await start(last);
    emptyReady.push(server.readyMs);
    ownStart.push(server.selfReportedMs ?? Number.NaN);
    if (!last) await stop(server);
  }
  server = server!;
  const { url, tls } = readKubeconfigCredentials(server.kubeconfig);
  const client = new BenchClient(url, tls);
  cleanup.add("close bench client", () => client.close());
  const reference = await ensureReference(dataDir, tls);

  const bareReady: number[] = [];
  for (let i = 0; i < 3; i++) {
    const bare = await startReferenceProcess(cleanup, reference.dataDir);
    bareReady.push(bare.readyMs);
    await bare.stop();
  }

  await createNamespace(client);
  const emptyMemory = processMemory(server.pid);
  log(`loading ${opts.pods} pods (${opts.loadSteps.map((s, i) => `${i === opts.loadSteps.length - 1 ? "the rest" : s.count} with ${s.inFlight} in flight`).join(", ")})`);
  const loads: { inFlight: number; count: number; run: CreateRun }[] = [];
  let loaded = 0;
  for (const [i, step] of opts.loadSteps.entries()) {
    const to = i === opts.loadSteps.length - 1 ? opts.pods : Math.min(opts.pods, loaded + step.count);
    loads.push({ inFlight: step.inFlight, count: to - loaded, run: await createPods(client, { from: loaded, to }, step.inFlight, opts.loadDeadline) });
    loaded = to;
  }
  const loadedMemory = processMemory(server.pid);
  const etcdMemory = etcdPid ? processMemory(etcdPid) : undefined;

  log(`GET x${opts.gets}`);
  const sample = await client.expect(200, "GET", `${podsPath}/${benchPodName(0)}`);
  await reference.server.setBody("/ref/pod", sample.body);
  await getFixed(reference.client, "/ref/pod", 200);
  const refGets = await getFixed(reference.client, "/ref/pod", opts.gets);
  await getPods(client, opts.pods, 200);
  const gets = await getPods(client, opts.pods, opts.gets);

  log("LIST");
  const full = await client.expect(200, "GET", podsPath);
  await reference.server.setBody("/ref/list", full.body);
  const refList = await listPods(reference.client, "json", opts.pods, opts.listRuns, listBudgetMs, "/ref/list");
  const lists = new Map<ListMode, ListRuns>();
  for (const mode of ["json", "paged", "table"] as const) lists.set(mode, await listPods(client, mode, opts.pods, opts.listRuns, listBudgetMs));

  log(`watch: ${opts.watchers} watchers, ${opts.updates} updates`);
  const watchClient = new BenchClient(url, tls, { maxSockets: opts.watchers + 8 });
  cleanup.add("close watch client", () => watchClient.close());
  const watch = await measureWatchFanout(watchClient, client, { watchers: opts.watchers, updates: opts.updates, podCount: opts.pods });
  watchClient.close();
  client.close();
  await stop(server);

  log(`restarting ${opts.storedStarts} times with ${opts.pods} pods stored`);
  const storedReady: number[] = [];
  const ownStoredStart: number[] = [];
  let restartedMemory = emptyMemory;
  for (let i = 0; i < opts.storedStarts; i++) {
    const again = await start(false);
    storedReady.push(again.readyMs);
    ownStoredStart.push(again.selfReportedMs ?? Number.NaN);
    restartedMemory = processMemory(again.pid);
    await stop(again);
  }

  const pods = opts.pods.toLocaleString("en-US");
  const mib = (m: number): string => `${m.toFixed(0)} MiB`;
  // The server's own "ready in N ms" counts from its command's start, after Node booted
  // and loaded every module: the rest of the spawn-to-200 time is those two.
  const own = (samples: readonly number[]): string => `server's own count: ${fmtMs(summarize(samples).median)}`;
  report.latency(backend, "ready: first start (makes PKI)", emptyReady.slice(0, 1), { stat: "p99", below: targets.readyMs }, own(ownStart.slice(0, 1)));
  report.latency(backend, "ready: restart, empty store", emptyReady.slice(1), { stat: "p99", below: targets.readyMs }, own(ownStart.slice(1)));
  const storedRow = report.latency(backend, `ready: restart, ${pods} pods stored`, storedReady, { stat: "p99", below: targets.readyMs }, own(ownStoredStart));
  const bareRow = report.latency("reference", "ready: bare Node HTTPS process", bareReady);
  for (const load of loads) {
    const perSecond = load.count / (load.run.elapsedMs / 1000);
    report.latency(backend, `create, ${load.inFlight} in flight`, load.run.latencies, { stat: "p99", below: targets.createP99Ms },
      `durable; ${perSecond.toFixed(0)} pods/s`);
  }
  const refGetRow = report.latency("reference", `GET fixed ${sample.body.length} B body`, refGets);
  const getRow = report.latency(backend, "GET pod", gets, { stat: "p99", below: targets.getP99Ms }, `${sample.body.length} B, random pod`);
  const refListRow = report.latency("reference", `LIST fixed ${mbytes(full.body.length)} body`, refList.latencies);
  const listNotes: Record<ListMode, string> = {
    json: `${pods} pods, ${mbytes(lists.get("json")!.bytes)}`,
    paged: `limit=500 pages, ${mbytes(lists.get("paged")!.bytes)} in all`,
    table: `${mbytes(lists.get("table")!.bytes)}`,
  };
  const listRows = new Map<ListMode, ResultRow>();
  for (const [mode, label] of [["json", "LIST all, JSON"], ["paged", "LIST all, paged"], ["table", "LIST all, Table"]] as const) {
    listRows.set(mode, report.latency(backend, label, lists.get(mode)!.latencies, { stat: "p99", below: targets.listMs }, listNotes[mode]));
  }
  report.latency(backend, `watch event to ${opts.watchers} watchers`, watch.deliveryMs, { stat: "p99", below: targets.watchP99Ms }, `${opts.updates} updates`);
  report.latency(backend, "PATCH label, watchers open", watch.patchMs, undefined, "durable write");
  report.value(backend, "server RSS, empty store", "MiB", emptyMemory.rssMiB);
  report.value(backend, `server RSS, ${pods} pods loaded`, "MiB", loadedMemory.rssMiB, `peak ${mib(loadedMemory.peakMiB)}`);
  report.value(backend, `server RSS, restarted, ${pods} stored`, "MiB", restartedMemory.rssMiB);
  if (etcdMemory) report.value(backend, `etcd RSS, ${pods} pods loaded`, "MiB", etcdMemory.rssMiB);

  report.ratio(backend, "GET pod / reference GET", getRow, refGetRow, "same body size, 1 in flight");
  report.ratio(backend, "LIST JSON / reference LIST", listRows.get("json")!, refListRow, "same bytes, pre-serialised");
  report.ratio(backend, "ready (pods stored) / bare Node", storedRow, bareRow, "spawn to first 200 on /readyz");
  report.context[`${backend}PodBytes`] = { input: JSON.stringify(benchPod(0)).length, stored: sample.body.length };
}

function fmtMs(n: number): string {
  return `${n.toFixed(0)} ms`;
}

function mbytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
