/**
 * Starts a real `peapod server` (the built CLI) on a free port with its own data dir, and
 * runs the real kubectl against it. Everything is registered with the cleanup ledger.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Cleanup } from "./cleanup.js";
import { waitFor } from "./wait-for.js";
import { freeTestNetwork, type TestNetwork } from "./runtime.js";

export const repoRoot = resolve(fileURLToPath(import.meta.url), "../../../..");
export const peapodBin = join(repoRoot, "bin/peapod");

export interface PeapodServer {
  readonly dataDir: string;
  readonly kubeconfig: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  /** `--datastore-endpoint`; default: SQLite in the data dir. */
  readonly datastore?: string;
  readonly dataDir?: string;
  readonly extraArgs?: readonly string[];
  /**
   * Run the scheduler and controllers. Off by default: API-machinery tests compare the
   * objects they store and the events they watch, which the control loops would change.
   */
  readonly controllers?: boolean;
  /**
   * Run the embedded node agent on its own bridge and pod range (implies controllers).
   * Its pods outlive the server, so cleanup runs `peapod reset` on the data dir.
   */
  readonly agent?: { readonly bridge: string; readonly podCIDR: string };
}

export async function startPeapod(cleanup: Cleanup, opts: StartOptions = {}): Promise<PeapodServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "peapod-e2e-"));
  if (!opts.dataDir) addRemoval(cleanup, dataDir);
  const args = ["server", "--data-dir", dataDir, "--port", "0",
    ...(opts.agent ? ["--bridge", opts.agent.bridge, "--pod-cidr", opts.agent.podCIDR, "--node-port", "0"] : ["--disable-agent"]),
    ...(opts.controllers || opts.agent ? [] : ["--disable-scheduler", "--disable-controller-manager"]),
    ...(opts.datastore ? ["--datastore-endpoint", opts.datastore] : []), ...(opts.extraArgs ?? [])];
  if (opts.agent) addReset(cleanup, dataDir);
  const { child, output, stop } = spawnPeapod(cleanup, args);
  const url = await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`peapod exited with ${child.exitCode}: ${output()}`);
    return /listening on (https:\/\/\S+)/.exec(output())?.[1];
  }, { what: "peapod to listen", timeoutMs: 30_000 });
  return { dataDir, kubeconfig: join(dataDir, "kubeconfig.yaml"), url, process: child, output, stop };
}

/** Data dirs whose `peapod reset` failed: kept, marker and all, so a person can reset them by hand. */
const unresetDataDirs = new Set<string>();

function addRemoval(cleanup: Cleanup, dataDir: string): void {
  cleanup.add(`remove ${dataDir}`, () => {
    if (unresetDataDirs.has(dataDir)) throw new Error(`kept ${dataDir}: its reset failed; run 'peapod reset --data-dir ${dataDir}'`);
    rmSync(dataDir, { recursive: true, force: true });
  });
}

/** Pods outlive the process that ran them: `peapod reset` on its data dir, after it stopped. */
function addReset(cleanup: Cleanup, dataDir: string): void {
  cleanup.add(`peapod reset ${dataDir}`, () => {
    const r = spawnSync(process.execPath, [peapodBin, "reset", "--data-dir", dataDir], { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) {
      unresetDataDirs.add(dataDir);
      throw new Error(`peapod reset failed: ${r.stderr}`);
    }
  });
}

/** Runs the built CLI with its output collected; the ledger stops it by PID (SIGKILL after 10 s). */
function spawnPeapod(cleanup: Cleanup, args: readonly string[]): {
  child: ChildProcess; output: () => string; exited: Promise<number | null>; stop: (signal?: NodeJS.Signals) => Promise<number | null>;
} {
  const child = spawn(process.execPath, [peapodBin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  cleanup.add(`stop peapod ${args[0] ?? ""} pid ${child.pid}`, async () => {
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await stop();
    clearTimeout(t);
  });
  return { child, output: () => out, exited, stop };
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real kubectl with a private cache dir, so discovery is always fresh per server. */
export class Kubectl {
  readonly cacheDir: string;

  constructor(readonly server: PeapodServer, cleanup: Cleanup) {
    this.cacheDir = mkdtempSync(join(tmpdir(), "peapod-kubectl-cache-"));
    cleanup.add(`remove ${this.cacheDir}`, () => rmSync(this.cacheDir, { recursive: true, force: true }));
  }

  run(args: readonly string[], opts: { stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> {
    return new Promise((resolveRun, reject) => {
      const child = spawn("kubectl", ["--kubeconfig", this.server.kubeconfig, "--cache-dir", this.cacheDir, ...args], {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, ...opts.env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`kubectl ${args.join(" ")} timed out; stdout: ${stdout} stderr: ${stderr}`));
      }, opts.timeoutMs ?? 60_000);
      child.on("error", reject);
      // 'close', not 'exit': output can still be in the pipes when the process has exited.
      child.on("close", (code) => {
        clearTimeout(timer);
        resolveRun({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.stdin ?? "");
    });
  }

  /** Waits until `count` nodes say Ready=True: a node registers NotReady and tainted until its agent reports. */
  async waitForReadyNodes(count = 1, timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => {
      const out = await this.ok(["get", "nodes", "-o", "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"]);
      return out.split("\n").filter((s) => s === "True").length >= count || undefined;
    }, { what: `${count} Ready node(s)`, timeoutMs });
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async ok(args: readonly string[], opts: { stdin?: string } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  /** Processes in a pod's container whose command line matches, as `ps` inside it lists them. */
  async processesIn(pod: string, pattern: string | RegExp): Promise<string[]> {
    const out = await this.ok(["exec", pod, "--", "ps", "-o", "pid,args"]);
    const matches = typeof pattern === "string" ? (l: string) => l.includes(pattern) : (l: string) => pattern.test(l);
    return out.split("\n").filter((l) => matches(l) && !l.includes("ps -o"));
  }

  /** Starts a long-running kubectl (e.g. `get -w`), stopped by the ledger. */
  spawn(args: readonly string[], cleanup: Cleanup): { child: ChildProcess; output: () => string } {
    const child = spawn("kubectl", ["--kubeconfig", this.server.kubeconfig, "--cache-dir", this.cacheDir, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    cleanup.add(`stop kubectl pid ${child.pid}`, () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    return { child, output: () => out };
  }
}

export function readKubeconfig(server: PeapodServer): string {
  return readFileSync(server.kubeconfig, "utf8");
}

export interface PeapodAgent {
  readonly dataDir: string;
  readonly process: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process ended. */
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface AgentOptions {
  readonly server: string;
  /** `--token-file`, or `--token` when `token` is given. */
  readonly tokenFile?: string;
  readonly token?: string;
  readonly nodeName: string;
  readonly bridge: string;
  readonly extraArgs?: readonly string[];
}

/**
 * Starts a real `peapod agent` with its own data dir. It does not wait: `output()` shows
 * the join line or the error. Its pods outlive it, so cleanup stops it by PID and then
 * runs `peapod reset` on its data dir.
 */
export function startPeapodAgent(cleanup: Cleanup, opts: AgentOptions): PeapodAgent {
  const dataDir = mkdtempSync(join(tmpdir(), "peapod-e2e-agent-"));
  addRemoval(cleanup, dataDir);
  addReset(cleanup, dataDir);
  const args = ["agent", "--server", opts.server, "--node-name", opts.nodeName, "--data-dir", dataDir, "--bridge", opts.bridge, "--node-port", "0",
    ...(opts.token !== undefined ? ["--token", opts.token] : ["--token-file", opts.tokenFile ?? ""]), ...(opts.extraArgs ?? [])];
  const { child, output, exited, stop } = spawnPeapod(cleanup, args);
  return { dataDir, process: child, output, exited: () => exited, stop };
}

export interface PeapodNode {
  readonly server: PeapodServer;
  readonly k: Kubectl;
  readonly network: TestNetwork;
}

/** A server with its node agent on a network of its own, and kubectl, once the node is Ready. */
export async function startPeapodNode(cleanup: Cleanup, network: TestNetwork = freeTestNetwork()): Promise<PeapodNode> {
  const server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
  const k = new Kubectl(server, cleanup);
  await k.waitForReadyNodes();
  return { server, k, network };
}
