/**
 * The request workloads of the benchmark: loading pods with creates, single-pod GETs and
 * full LISTs (plain, paged as kubectl pages, and as a server-side Table). Each returns
 * raw latencies; summarizing and judging is the report's job.
 */
import type { BenchClient } from "./bench-client.js";
import { benchNamespace, benchPod, benchPodName } from "./bench-pod.js";

export const podsPath = `/api/v1/namespaces/${benchNamespace}/pods`;
export const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

/** A small deterministic generator, so every run GETs the same pods. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createNamespace(client: BenchClient): Promise<void> {
  await client.expect(201, "POST", "/api/v1/namespaces", JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: benchNamespace } }));
}

export interface CreateRun {
  readonly latencies: number[];
  readonly elapsedMs: number;
}

/** Creates pods `from` .. `to - 1` with `concurrency` requests in flight, as `kubectl create` would send them. */
export async function createPods(client: BenchClient, range: { from: number; to: number }, concurrency: number, deadline: number): Promise<CreateRun> {
  const latencies: number[] = [];
  let next = range.from;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < range.to) {
      if (performance.now() > deadline) throw new Error(`loading pods did not finish in time (${next - range.from} of ${range.to - range.from} created)`);
      const i = next++;
      const r = await client.expect(201, "POST", `${podsPath}?fieldManager=kubectl-create`, JSON.stringify(benchPod(i)));
      latencies.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, elapsedMs: performance.now() - started };
}

/** `count` GETs of random pods, one at a time. */
export async function getPods(client: BenchClient, podCount: number, count: number): Promise<number[]> {
  const random = seededRandom(42);
  const latencies: number[] = [];
  for (let n = 0; n < count; n++) {
    const r = await client.expect(200, "GET", `${podsPath}/${benchPodName(Math.floor(random() * podCount))}`);
    latencies.push(r.ms);
  }
  return latencies;
}

/** `count` GETs of one fixed path, one at a time (the reference's side of the GET ratio). */
export async function getFixed(client: BenchClient, path: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let n = 0; n < count; n++) latencies.push((await client.expect(200, "GET", path)).ms);
  return latencies;
}

export type ListMode = "json" | "paged" | "table";

export interface ListRuns {
  readonly latencies: number[];
  /** Bytes of one whole answer (all pages together when paged). */
  readonly bytes: number;
}

/**
 * Repeats one kind of full LIST `runs` times, or fewer if `budgetMs` runs out (never
 * fewer than 3). The first answer is checked to hold every pod, untimed; the timed runs
 * stop the clock when the last byte arrived, before any parsing.
 */
export async function listPods(client: BenchClient, mode: ListMode, podCount: number, runs: number, budgetMs: number, path = podsPath): Promise<ListRuns> {
  await verifyList(client, mode, podCount, path);
  const latencies: number[] = [];
  let bytes = 0;
  const started = performance.now();
  for (let n = 0; n < runs; n++) {
    if (n >= 3 && performance.now() - started > budgetMs) break;
    const r = await listOnce(client, mode, path);
    latencies.push(r.ms);
    bytes = r.bytes;
  }
  return { latencies, bytes };
}

async function listOnce(client: BenchClient, mode: ListMode, path: string): Promise<{ ms: number; bytes: number }> {
  if (mode === "json") {
    const r = await client.expect(200, "GET", path);
    return { ms: r.ms, bytes: r.body.length };
  }
  if (mode === "table") {
    const r = await client.expect(200, "GET", path, undefined, { Accept: tableAccept });
    return { ms: r.ms, bytes: r.body.length };
  }
  const started = performance.now();
  let bytes = 0;
  let token: string | undefined;
  do {
    const r = await client.expect(200, "GET", `${path}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
    bytes += r.body.length;
    token = continueToken(r.body);
  } while (token);
  return { ms: performance.now() - started, bytes };
}

/**
 * The continue token from the list metadata, which the server writes before the items:
 * reading the head of the body keeps the client's JSON parsing out of the timing.
 * verifyList checks once, with a full parse, that this finds every page.
 */
function continueToken(body: Buffer): string | undefined {
  const head = body.subarray(0, 4096).toString("utf8");
  const items = head.indexOf('"items":');
  const m = /"continue":"([^"]*)"/.exec(items >= 0 ? head.slice(0, items) : head);
  return m?.[1] || undefined;
}

async function verifyList(client: BenchClient, mode: ListMode, podCount: number, path: string): Promise<void> {
  let seen = 0;
  if (mode === "paged") {
    let token: string | undefined;
    do {
      const r = await client.expect(200, "GET", `${path}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
      const page = JSON.parse(r.body.toString("utf8")) as { metadata: { continue?: string }; items: unknown[] };
      seen += page.items.length;
      if (page.metadata.continue !== continueToken(r.body)) throw new Error("continue token not found in the head of the list body");
      token = page.metadata.continue || undefined;
    } while (token);
  } else {
    const r = await client.expect(200, "GET", path, undefined, mode === "table" ? { Accept: tableAccept } : {});
    const list = JSON.parse(r.body.toString("utf8")) as { items?: unknown[]; rows?: unknown[] };
    seen = (mode === "table" ? list.rows : list.items)?.length ?? 0;
  }
  if (seen !== podCount) throw new Error(`LIST (${mode}) returned ${seen} pods, expected ${podCount}`);
}
