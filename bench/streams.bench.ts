/**
 * The streams benchmark: issue 5's speed targets on a real `peapod server` with its embedded
 * agent, each against its floor measured in the same run.
 *
 *   node dist/bench/streams.bench.js [--json FILE] [--transfers N] [--execs N] [--mib N]
 *
 * - port-forward throughput: a download of --mib MiB (default 100) from a pod through
 *   `kubectl port-forward` (WebSocket tunnel, kubectl's default, and plain SPDY), against
 *   the same download straight from the pod IP; alternated transfer by transfer so both see
 *   the same machine load. Target: at least half the direct throughput.
 * - exec round trip: `kubectl exec POD -- true` (kubectl's own start-up included), the
 *   JavaScript client's Exec of `true` (one process, no start-up), and `runc exec` of the
 *   same container directly (the floor every exec stands on), alternated. Target: the
 *   JavaScript client's overhead over runc exec under 30 ms at the median.
 *
 * Everything started is removed by the cleanup ledger, also on failure, SIGINT and SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpus } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Writable } from "node:stream";
import * as k8s from "@kubernetes/client-node";
import { Kubectl, startPeapod, type PeapodServer } from "../test/harness/peapod.js";
import { freePort } from "../test/harness/ports.js";
import { startRegistry } from "../test/harness/registry.js";
import { freeTestNetwork } from "../test/harness/runtime.js";
import { waitFor } from "../test/harness/wait-for.js";
import { benchLifecycle } from "./bench-lifecycle.js";
import { BenchReport } from "./bench-report.js";
import { summarize } from "./stats.js";

const { values: args } = parseArgs({
  options: {
    json: { type: "string" },
    transfers: { type: "string", default: "5" },
    execs: { type: "string", default: "30" },
    mib: { type: "string", default: "100" },
  },
});

const { cleanup, finish } = benchLifecycle(15 * 60_000);
const pod = "bench";
const dataPort = 9000;

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
}

/** Reads `bytes` from host:port and returns the time it took, in ms. */
function download(host: string, port: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let got = 0;
    const socket = connect(port, host);
    socket.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= bytes) {
        socket.destroy();
        resolve(performance.now() - t0);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => (got < bytes ? reject(new Error(`closed after ${got} of ${bytes} bytes`)) : undefined));
  });
}

/** nc in the pod listens again only after its previous connection ended: retry briefly. */
async function downloadWithRetry(host: string, port: number, bytes: number): Promise<number> {
  return waitFor(() => download(host, port, bytes).catch(() => undefined), { what: `${bytes} bytes from ${host}:${port}`, timeoutMs: 30_000, intervalMs: 20 });
}

function timed(command: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"], env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${command} ${argv.join(" ")}: exit ${code}: ${stderr}`))));
  });
}

async function jsExec(exec: k8s.Exec): Promise<number> {
  const t0 = performance.now();
  const discard = new Writable({ write: (_c, _e, done) => done() });
  await new Promise<void>((resolve, reject) => {
    exec
      .exec("default", pod, pod, ["true"], discard, discard, null, false, (status) => {
        if (status.status === "Success") resolve();
        else reject(new Error(`exec: ${JSON.stringify(status)}`));
      })
      .catch(reject);
  });
  return performance.now() - t0;
}

function startPortForward(server: PeapodServer, k: Kubectl, local: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", k.cacheDir, "port-forward", `pod/${pod}`, `${local}:${dataPort}`], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  cleanup.add(`stop kubectl port-forward pid ${child.pid}`, () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return waitFor(() => (out.includes(`Forwarding from 127.0.0.1:${local}`) ? child : undefined), { what: `port-forward: ${out}` });
}

async function main(): Promise<void> {
  const transfers = positive("transfers", args.transfers);
  const execs = positive("execs", args.execs);
  const bytes = positive("mib", args.mib) * 1024 * 1024;
  const report = new BenchReport();
  Object.assign(report.context, { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, transfers, execs, mib: bytes / 1024 / 1024 });

  const registry = await startRegistry(cleanup);
  const image = (await registry.push("busybox")).reference;
  const network = freeTestNetwork();
  const server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
  const k = new Kubectl(server, cleanup);
  await k.waitForReadyNodes();
  const manifest = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: pod },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: pod,
        image,
        command: ["sh", "-c", `head -c ${bytes} /dev/urandom > /tmp/big; touch /tmp/ready; while true; do nc -l -p ${dataPort} < /tmp/big; done`],
      }],
    },
  };
  await k.ok(["create", "-f", "-"], { stdin: JSON.stringify(manifest) });
  await waitFor(async () => (await k.run(["exec", pod, "--", "test", "-e", "/tmp/ready"])).code === 0 || undefined, { what: "the pod's data", timeoutMs: 60_000 });
  const podIP = await k.ok(["get", "pod", pod, "-o", "jsonpath={.status.podIP}"]);
  const containerID = (await k.ok(["get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].containerID}"])).replace(/^[a-z]+:\/\//, "");

  // Port-forward: each protocol alternated with the direct download.
  const mibPerS = (ms: number): number => bytes / 1024 / 1024 / (ms / 1000);
  const protocols = [
    { name: "port-forward WebSocket", env: process.env },
    { name: "port-forward SPDY", env: { ...process.env, KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" } },
  ];
  // A few direct transfers first, then alternated with each protocol's: every row is judged
  // against the direct runs of the same run.
  const direct: number[] = [];
  for (let i = 0; i < transfers; i++) direct.push(await downloadWithRetry(podIP, dataPort, bytes));
  for (const p of protocols) {
    const local = await freePort();
    const forward = await startPortForward(server, k, local, p.env);
    const through: number[] = [];
    await downloadWithRetry("127.0.0.1", local, 1024); // warm: the first connection opens the session
    for (let i = 0; i < transfers; i++) {
      through.push(await downloadWithRetry("127.0.0.1", local, bytes));
      direct.push(await downloadWithRetry(podIP, dataPort, bytes));
    }
    forward.kill("SIGTERM");
    // At least half the direct throughput: at most twice the direct time, judged at the median
    // over every direct transfer of the run so far.
    const directMedian = summarize(direct).median;
    const throughRow = report.latency("peapod", `${p.name}: ${bytes / 1024 / 1024} MiB`, through, { stat: "median", below: Math.round(2 * directMedian) }, "target: 2x the direct median");
    report.value("peapod", `${p.name} throughput (median)`, "MiB/s", mibPerS(throughRow.median));
    report.ratio("peapod", `${p.name} time`, throughRow, report.latency("direct", `pod IP: ${bytes / 1024 / 1024} MiB (runs so far)`, direct), "target: at most 2x (half the throughput)");
  }
  report.value("direct", "pod IP throughput (median)", "MiB/s", mibPerS(summarize(direct).median), "over the pod's veth and bridge (MTU 1500)");

  // Exec round trips, alternated.
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  const exec = new k8s.Exec(kc);
  const runcRoot = join(server.dataDir, "runtime", "runc");
  const kubectlTimes: number[] = [];
  const jsTimes: number[] = [];
  const runcTimes: number[] = [];
  const kubectlArgs = ["--kubeconfig", server.kubeconfig, "--cache-dir", k.cacheDir, "exec", pod, "--", "true"];
  await timed("kubectl", kubectlArgs); // warm the discovery cache
  await jsExec(exec);
  for (let i = 0; i < execs; i++) {
    kubectlTimes.push(await timed("kubectl", kubectlArgs));
    jsTimes.push(await jsExec(exec));
    runcTimes.push(await timed("runc", ["--root", runcRoot, "exec", containerID, "true"]));
  }
  const runcRow = report.latency("direct", "runc exec -- true", runcTimes);
  // The target is on the overhead, so the row is judged against runc's median plus 30 ms.
  const jsRow = report.latency("peapod", "JS client Exec -- true", jsTimes, { stat: "median", below: Math.round(runcRow.median + 30) }, "target: runc exec median + 30 ms");
  const kubectlRow = report.latency("peapod", "kubectl exec -- true", kubectlTimes);
  report.value("peapod", "JS client exec overhead over runc exec (median)", "ms", jsRow.median - runcRow.median, "target: < 30 ms");
  report.value("peapod", "kubectl exec overhead over runc exec (median)", "ms", kubectlRow.median - runcRow.median, "includes kubectl's own start-up");
  report.ratio("peapod", "JS client exec", jsRow, runcRow, "same container, alternated");
  report.ratio("peapod", "kubectl exec", kubectlRow, runcRow, "same container, alternated");

  console.log(report.format("the direct path (pod IP, runc exec), same run"));
  if (args.json) report.writeJson(args.json);
}

main()
  .then(finish, async (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    await finish();
    process.exitCode = 1;
  });
