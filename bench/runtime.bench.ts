/**
 * The runtime benchmark (`npm run bench:runtime`): real sandboxes, containers and pulls on
 * this host, against issue 3's targets.
 *
 *   node dist/bench/runtime.bench.js [--json FILE] [--pods N] [--concurrent N] [--pulls N]
 *
 * - pod start: sandbox (namespaces, CNI, files) plus one started container from a
 *   pre-pulled image, one pod at a time; reference: `runc run --detach` of a prepared
 *   bundle, the floor any runc-based runtime stands on.
 * - concurrent start: N pods started at once; wall time and per-pod latency.
 * - pull: a multi-layer image from a local docker-registry into an empty store (download,
 *   verify, unpack), and again with the layers kept (skopeo's share of the work), against
 *   `skopeo copy` of the same image to an OCI layout (download and
 *   verify only), alternated in the same run.
 *
 * Everything started is removed by the cleanup ledger, also on failure, SIGINT and SIGTERM.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { run } from "../src/runtime/command.js";
import { ImageStore, runtimeLayout } from "../src/runtime/index.js";
import { busyboxEntries, writeBusyboxRootfs } from "../test/fixtures/images/busybox.js";
import { buildImage } from "../test/fixtures/images/oci-image-builder.js";
import { startRegistry } from "../test/harness/registry.js";
import { containerConfig, openTestRuntime, podSandboxConfig, withCommand } from "../test/harness/runtime.js";
import { benchLifecycle } from "./bench-lifecycle.js";
import { BenchReport } from "./bench-report.js";

const { values: args } = parseArgs({
  options: {
    json: { type: "string" },
    pods: { type: "string", default: "50" },
    concurrent: { type: "string", default: "100" },
    pulls: { type: "string", default: "5" },
  },
});

const { cleanup, finish } = benchLifecycle(10 * 60_000);

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
}

/** busybox plus three layers of incompressible data: a pull that moves real bytes. */
async function buildPullImage(dir: string): Promise<string> {
  const tag = "bench/layers:1";
  const data = (n: number) => ({ type: "file" as const, path: `/data/blob-${n}`, content: randomBytes(12 * 1024 * 1024) });
  await buildImage(dir, {
    tag,
    config: { Cmd: ["sh"] },
    layers: [
      { entries: busyboxEntries(), gzip: true },
      { entries: [{ type: "dir", path: "/data" }, data(1)], gzip: true },
      { entries: [data(2)], gzip: true },
      { entries: [data(3)], gzip: false },
    ],
  });
  return tag;
}

/**
 * `runc run --detach` hands its own stdio to the container, so it is started with none:
 * pipes would stay open, and look unfinished, for as long as the container runs.
 */
function runDetached(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("runc", args, { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`runc ${args.join(" ")}: exit ${code}`))));
  });
}

async function main(): Promise<void> {
  const pods = positive("pods", args.pods);
  const concurrent = positive("concurrent", args.concurrent);
  const pulls = positive("pulls", args.pulls);
  const report = new BenchReport();
  report.context["node"] = process.version;
  report.context["cpus"] = cpus().length;
  const work = mkdtempSync(join(tmpdir(), "peapod-bench-runtime-"));
  cleanup.add(`remove ${work}`, () => rmSync(work, { recursive: true, force: true }));

  const registry = await startRegistry(cleanup);
  const layout = join(work, "layout");
  const tag = await buildPullImage(layout);
  const pullRef = (await registry.push({ layout, tag }, tag)).reference;
  const busyboxRef = (await registry.push("busybox")).reference;

  // Pod start, one at a time, from a pre-pulled image.
  const { runtime } = await openTestRuntime(cleanup);
  await runtime.images.pullImage(busyboxRef);
  const start = async (name: string): Promise<{ ms: number; sandbox: string }> => {
    const t0 = performance.now();
    const sandbox = await runtime.runPodSandbox(podSandboxConfig(name));
    const id = await runtime.createContainer(sandbox, containerConfig("c", busyboxRef, withCommand("sleep", "3600")));
    await runtime.startContainer(id);
    return { ms: performance.now() - t0, sandbox };
  };
  const stopAll = async (sandboxes: string[]): Promise<number[]> => Promise.all(sandboxes.map(async (s) => {
    const t0 = performance.now();
    await runtime.stopPodSandbox(s);
    await runtime.removePodSandbox(s);
    return performance.now() - t0;
  }));
  await stopAll([(await start("warmup")).sandbox]);
  const sequential: Array<{ ms: number; sandbox: string }> = [];
  for (let i = 0; i < pods; i++) sequential.push(await start(`seq-${i}`));
  report.latency("runtime", `sandbox + 1 started container (${pods} pods, one at a time)`, sequential.map((s) => s.ms), { stat: "p99", below: 150 });
  const seqRow = report.latency("runtime", "sandbox + 1 started container, median target", sequential.map((s) => s.ms), { stat: "median", below: 60 });
  const teardown = [];
  for (const s of sequential) teardown.push(...await stopAll([s.sandbox]));
  report.latency("runtime", "stop + remove sandbox with its container", teardown);

  const t0 = performance.now();
  const burst = await Promise.all(Array.from({ length: concurrent }, (_, i) => start(`burst-${i}`)));
  const wall = performance.now() - t0;
  report.latency("runtime", `${concurrent} pods started at once: per-pod latency`, burst.map((b) => b.ms));
  report.value("runtime", `${concurrent} pods started at once: wall time`, "ms", wall, `${(concurrent / (wall / 1000)).toFixed(1)} pods/s`);
  const t1 = performance.now();
  await stopAll(burst.map((b) => b.sandbox));
  report.value("runtime", `${concurrent} pods removed at once: wall time`, "ms", performance.now() - t1);

  // Reference: runc alone on a prepared bundle (no image store, CNI, conmon or files).
  const bundle = join(work, "bundle");
  mkdirSync(join(bundle, "rootfs"), { recursive: true });
  await writeBusyboxRootfs(join(bundle, "rootfs"));
  await run("runc", ["spec", "--bundle", bundle]);
  const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as {
    process: { terminal: boolean; args: string[] }; root: { readonly: boolean };
  };
  spec.process.terminal = false;
  spec.process.args = ["sleep", "3600"];
  writeFileSync(join(bundle, "config.json"), JSON.stringify(spec));
  const runcRoot = join(work, "runc");
  const refSamples: number[] = [];
  for (let i = 0; i < pods; i++) {
    const id = `bench-ref-${i}`;
    // Registered first: a detached container outlives a failed or aborted `runc run`.
    cleanup.add(`runc delete ${id}`, () => run("runc", ["--root", runcRoot, "delete", "--force", id]).then(() => undefined, () => undefined));
    const r0 = performance.now();
    await runDetached(["--root", runcRoot, "run", "--detach", "--bundle", bundle, id]);
    refSamples.push(performance.now() - r0);
    await run("runc", ["--root", runcRoot, "delete", "--force", id]);
  }
  const refRow = report.latency("reference", "runc run --detach of a prepared bundle", refSamples);
  report.ratio("runtime", "pod start / runc run", seqRow, refRow, "sandbox+container vs a bare runc container");

  // Pulls: ours (download, verify, unpack) against skopeo copy (download, verify), alternated.
  const ours: number[] = [];
  const fetchOnly: number[] = [];
  const skopeo: number[] = [];
  for (let i = 0; i < pulls; i++) {
    const storeRoot = join(work, `store-${i}`);
    const layout = runtimeLayout(storeRoot);
    const p0 = performance.now();
    const store = await ImageStore.open({ layout });
    await store.pullImage(pullRef);
    ours.push(performance.now() - p0);
    // skopeo's share of the work (fetch, verify, store the blobs): the unpacked layers stay,
    // the blobs and the index go, and the image is pulled again.
    rmSync(join(layout.images, "blobs"), { recursive: true });
    rmSync(join(layout.images, "index.json"));
    const f0 = performance.now();
    await (await ImageStore.open({ layout })).pullImage(pullRef);
    fetchOnly.push(performance.now() - f0);
    rmSync(storeRoot, { recursive: true, force: true });
    const dest = join(work, `skopeo-${i}`);
    const s0 = performance.now();
    await run("skopeo", ["copy", "--insecure-policy", "--src-tls-verify=false", `docker://${pullRef}`, `oci:${dest}:x`]);
    skopeo.push(performance.now() - s0);
    rmSync(dest, { recursive: true, force: true });
  }
  const oursRow = report.latency("runtime", "pull 4-layer image (~38 MB) into an empty store", ours);
  const skopeoRow = report.latency("reference", "skopeo copy docker:// -> oci: of the same image", skopeo);
  report.ratio("runtime", "pull / skopeo copy", oursRow, skopeoRow, "ours also unpacks the layers; target: no slower (<= 1.00x)");
  const fetchRow = report.latency("runtime", "pull again with the layers kept (fetch, verify, store)", fetchOnly);
  report.ratio("runtime", "fetch / skopeo copy", fetchRow, skopeoRow, "the same work as skopeo's; target: <= 1.25x");

  console.log(`runtime benchmark: node ${process.version}, ${cpus().length} CPUs, data in ${tmpdir()}\n`);
  console.log(report.format("the reference runs (same process, same machine, alternated)"));
  if (args.json) report.writeJson(resolve(args.json));
}

main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exitCode = 1;
  })
  .finally(finish);
