/**
 * Pod sandboxes: what a pod's containers share. Per pod, network, IPC and UTS namespaces
 * held by bind mounts (no pause process), a PID namespace holder only for
 * shareProcessNamespace, a /dev/shm tmpfs, the pod's IP from the CNI bridge network,
 * hostPorts in our nftables table, and /etc/hosts, /etc/hostname and /etc/resolv.conf.
 *
 * Everything a sandbox is lives in its directory and meta.json, so a restarted process
 * adopts running sandboxes from disk, and teardown (stop, remove, a failed run, reset)
 * works from what is there even when setup was cut short.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { KeyedMutex } from "../../base/index.js";
import { RuntimeError, notFound } from "../errors.js";
import type { RuntimeLayout } from "../layout.js";
import { mountPoints, unmountBelow, type TmpfsOptions } from "../mount.js";
import type { PodSandboxConfig, PodSandboxFilter, PodSandboxStatus } from "../runtime.js";
import type { SandboxContext } from "../sandbox-context.js";
import { resultIps } from "./cni.js";
import { deleteTable, HostPortTable } from "./host-ports.js";
import { applySysctls, createNamespaces, findPidHolder, holderAlive, isNamespaceFile, killPidHolder, startPidHolder } from "./namespaces.js";
import { nodeHostname, writePodFiles } from "./pod-files.js";
import {
  PodNetwork, readNetworkState, removeBridge, validateNetworkConfig, writeNetworkState, type NetworkState, type PodNetworkConfig,
} from "./pod-network.js";
import { dialFailure, PortForwardRelay } from "./port-forward.js";
import { readMeta, sandboxPaths, writeMeta, type HostPortRule, type SandboxMeta, type SandboxPaths } from "./sandbox-meta.js";

export type { PodNetworkConfig } from "./pod-network.js";

export interface SandboxManagerOptions {
  layout: RuntimeLayout;
  network: PodNetworkConfig;
  /** Cgroup path under which each pod gets `pod-<sandbox id>`, e.g. /peapod-ab12cd. */
  cgroupRoot: string;
}

/** A pod's /dev/shm: Docker's default size, which pods get unless they mount their own. */
const shmOptions: TmpfsOptions = { mode: 0o1777, sizeBytes: 64 * 1024 * 1024 };
const sandboxIdPattern = /^[0-9a-f]{64}$/;

export class SandboxManager {
  private readonly sandboxes = new Map<string, SandboxMeta>();
  private readonly relays = new Map<string, PortForwardRelay>();
  private readonly locks = new KeyedMutex();

  private constructor(
    private readonly layout: RuntimeLayout,
    private readonly network: PodNetwork,
    private readonly hostPorts: HostPortTable,
    private readonly cgroupRoot: string,
  ) {}

  /** Adopts the sandboxes on disk; tears down those whose setup never finished. */
  static async open(o: SandboxManagerOptions): Promise<SandboxManager> {
    validateNetworkConfig(o.network);
    mkdirSync(o.layout.sandboxes, { recursive: true, mode: 0o711 });
    mkdirSync(o.layout.ipam, { recursive: true, mode: 0o700 });
    const state: NetworkState = { ...o.network, ipamDir: o.layout.ipam };
    await writeNetworkState(o.layout.networkState, state);
    const hostPorts = new HostPortTable({ table: state.nftTable, bridge: state.bridge, podCIDR: state.podCIDR });
    const m = new SandboxManager(o.layout, new PodNetwork(state), hostPorts, o.cgroupRoot.replace(/\/+$/, ""));
    await m.adopt();
    return m;
  }

  private async adopt(): Promise<void> {
    const mounted = new Set(mountPoints());
    for (const id of readdirSync(this.layout.sandboxes)) {
      if (!sandboxIdPattern.test(id)) continue;
      const paths = this.paths(id);
      const meta = readMeta(paths.meta);
      if (!meta || !meta.complete || meta.id !== id) {
        // Interrupted during setup. If undoing it fails, the directory stays for remove() or reset to retry.
        await teardown(paths, meta, this.network, this.hostPorts)
          .then(() => removeDir(paths))
          .catch(() => {});
        continue;
      }
      // After a reboot the namespace files are plain files again: the pod is gone.
      if (meta.state === "SANDBOX_READY" && !meta.config.hostNetwork && !mounted.has(paths.net)) {
        meta.state = "SANDBOX_NOTREADY";
        await writeMeta(paths, meta);
      }
      if (meta.state === "SANDBOX_READY") this.hostPorts.adopt(id, meta.hostPorts);
      this.sandboxes.set(id, meta);
    }
    // Put the table back if something removed it while we were away.
    if ([...this.sandboxes.values()].some((s) => s.state === "SANDBOX_READY" && s.hostPorts.length > 0)) await this.hostPorts.ensure();
  }

  async run(config: PodSandboxConfig): Promise<string> {
    validateConfig(config);
    const id = randomBytes(32).toString("hex");
    return this.locks.run(id, () => this.setUp(id, config));
  }

  private async setUp(id: string, config: PodSandboxConfig): Promise<string> {
    const paths = this.paths(id);
    const meta: SandboxMeta = { id, config, createdAt: Date.now(), complete: false, state: "SANDBOX_NOTREADY", ips: [], hostPorts: [] };
    const ns = namespacesOf(config, paths);
    try {
      await mkdir(paths.dir);
      await Promise.all([
        config.logDirectory ? mkdir(config.logDirectory, { recursive: true }) : undefined,
        config.hostIpc ? undefined : mkdir(paths.shm),
      ]);
      await settleAll([
        createNamespaces(paths, {
          net: !!ns.network, ipc: !!ns.ipc, uts: !!ns.uts, hostname: config.hostname,
          ...(config.hostIpc ? {} : { tmpfs: { target: paths.shm, options: shmOptions } }),
        }),
        config.sharePid
          ? startPidHolder(paths, id).then((pgid) => {
              meta.holderPid = pgid;
              return writeMeta(paths, meta);
            })
          : undefined,
        config.hostNetwork ? undefined : this.hostPorts.ensure(),
      ]);
      await applySysctls(config.sysctls ?? {}, { ...(ns.network ? { net: ns.network } : {}), ...(ns.ipc ? { ipc: ns.ipc } : {}) });
      if (!config.hostNetwork) {
        const result = await this.network.attach(id, paths.net, cniArgs(id, config));
        meta.cniResult = result;
        meta.ips = resultIps(result);
        if (meta.ips.length === 0) throw new RuntimeError("Internal", "the CNI bridge plugin gave the pod no IP address");
        meta.hostPorts = hostPortRules(config, meta.ips[0]!);
        await this.hostPorts.publish(id, meta.hostPorts);
      }
      await writePodFiles(paths, config, meta.ips);
      meta.state = "SANDBOX_READY";
      meta.complete = true;
      await writeMeta(paths, meta);
      this.sandboxes.set(id, meta);
      return id;
    } catch (e) {
      const error = e instanceof RuntimeError ? e : new RuntimeError("Internal", `running pod sandbox ${podName(config)}: ${(e as Error).message}`, { cause: e });
      try {
        await teardown(paths, meta, this.network, this.hostPorts);
        await removeDir(paths);
      } catch (undo) {
        error.message += ` (undoing the half-made sandbox ${id} failed too: ${(undo as Error).message})`;
      }
      throw error;
    }
  }

  /** Takes the sandbox off the network and kills its PID namespace; the namespaces stay until remove. */
  stop(id: string): Promise<void> {
    return this.locks.run(id, async () => {
      const meta = this.sandboxes.get(id);
      if (!meta) throw notFound(`pod sandbox ${id}`);
      await this.bringDown(meta);
    });
  }

  private async bringDown(meta: SandboxMeta): Promise<void> {
    const paths = this.paths(meta.id);
    this.relays.get(meta.id)?.close();
    this.relays.delete(meta.id);
    await teardown(paths, meta, this.network, this.hostPorts);
    if (meta.state === "SANDBOX_NOTREADY" && !meta.cniResult && meta.ips.length === 0 && meta.holderPid === undefined) return;
    meta.state = "SANDBOX_NOTREADY";
    meta.ips = [];
    meta.hostPorts = [];
    delete meta.cniResult;
    delete meta.holderPid;
    await writeMeta(paths, meta);
  }

  /** Stops the sandbox if needed, then removes its namespaces, mounts and files. Absent is not an error. */
  remove(id: string): Promise<void> {
    return this.locks.run(id, async () => {
      const meta = this.sandboxes.get(id);
      if (meta) {
        await this.bringDown(meta);
        await removeDir(this.paths(id));
        this.sandboxes.delete(id);
        return;
      }
      // Not ours in memory, but on disk: a run cut short by a crash of another process.
      if (!sandboxIdPattern.test(id)) return;
      const paths = this.paths(id);
      if (!existsSync(paths.dir)) return;
      await teardown(paths, readMeta(paths.meta), this.network, this.hostPorts);
      await removeDir(paths);
    });
  }

  async status(id: string): Promise<PodSandboxStatus> {
    const meta = this.sandboxes.get(id);
    if (!meta) throw notFound(`pod sandbox ${id}`);
    return toStatus(meta);
  }

  async list(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    const out: PodSandboxStatus[] = [];
    for (const meta of this.sandboxes.values()) {
      if (filter.id && !meta.id.startsWith(filter.id)) continue;
      const s = toStatus(meta);
      if (filter.state && s.state !== filter.state) continue;
      if (filter.labelSelector && !Object.entries(filter.labelSelector).every(([k, v]) => s.labels[k] === v)) continue;
      out.push(s);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** What the container manager needs to put a container in this sandbox. */
  context(id: string): SandboxContext {
    const meta = this.sandboxes.get(id);
    if (!meta) throw notFound(`pod sandbox ${id}`);
    if (toStatus(meta).state !== "SANDBOX_READY") throw new RuntimeError("FailedPrecondition", `pod sandbox ${id} is not ready`);
    const { config } = meta;
    const paths = this.paths(id);
    return {
      id,
      // A host-network pod has the node's hostname, as with the kubelet's CRI runtimes.
      hostname: config.hostNetwork ? nodeHostname() : config.hostname,
      hostNetwork: config.hostNetwork,
      namespaces: namespacesOf(config, paths),
      etcHosts: paths.hosts,
      etcHostname: paths.hostname,
      resolvConf: paths.resolvConf,
      shm: config.hostIpc ? "/dev/shm" : paths.shm,
      logDirectory: config.logDirectory,
      cgroupParent: `${this.cgroupRoot}/pod-${id}`,
      sysctls: { ...(config.sysctls ?? {}) },
    };
  }

  /** A stream to localhost:port inside the sandbox's network namespace. */
  async portForward(id: string, port: number): Promise<Duplex> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RuntimeError("InvalidArgument", `port ${port} is not a TCP port`);
    const ctx = this.context(id);
    if (!ctx.namespaces.network) return dialHost(id, port);
    let relay = this.relays.get(id);
    if (!relay?.alive) {
      relay = new PortForwardRelay(id, ctx.namespaces.network);
      this.relays.set(id, relay);
    }
    return relay.forward(port);
  }

  /** Stops the relays; sandboxes keep running for the next process to adopt. */
  async close(): Promise<void> {
    for (const relay of this.relays.values()) relay.close();
    this.relays.clear();
  }

  private paths(id: string): SandboxPaths {
    return sandboxPaths(this.layout.sandboxes, id);
  }
}

/**
 * Tears down everything of a runtime root: every sandbox (as remove does), the bridge, the
 * nftables table and IPAM's state. Works from disk alone (network.json names the bridge
 * and table), for `peapod reset` after a crash.
 */
export async function resetSandboxes(layout: RuntimeLayout): Promise<void> {
  const state = readNetworkState(layout.networkState);
  const network = state ? new PodNetwork(state) : undefined;
  const errors: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(layout.sandboxes);
  } catch {
    // no sandboxes directory: nothing was ever run
  }
  for (const id of entries) {
    const paths = sandboxPaths(layout.sandboxes, id);
    try {
      await teardown(paths, readMeta(paths.meta), network);
      await removeDir(paths);
    } catch (e) {
      errors.push(`sandbox ${id}: ${(e as Error).message}`);
    }
  }
  if (state) {
    for (const [what, undo] of [["nftables table", () => deleteTable(state.nftTable)], ["bridge", () => removeBridge(state.bridge)]] as const) {
      try {
        await undo();
      } catch (e) {
        errors.push(`${what}: ${(e as Error).message}`);
      }
    }
  }
  if (errors.length > 0) throw new RuntimeError("Internal", `reset of pod sandboxes left things behind: ${errors.join("; ")}`);
  rmSync(layout.ipam, { recursive: true, force: true });
  rmSync(layout.networkState, { force: true });
}

// ---------------------------------------------------------------------------------------------

/**
 * Undoes a sandbox's live parts from what its record (possibly absent or incomplete) and
 * its directory say: the network (CNI DEL, hostPorts) and the PID namespace holder. The
 * namespaces and files stay for removeDir. Each step tolerates the thing being gone.
 */
async function teardown(paths: SandboxPaths, meta: SandboxMeta | undefined, network: PodNetwork | undefined, hostPorts?: HostPortTable): Promise<void> {
  const id = paths.dir.split("/").pop()!;
  const hostNetwork = meta?.config.hostNetwork ?? false;
  // An incomplete record may predate the ADD that made an interface or took an address.
  if (network && !hostNetwork && (!meta?.complete || meta.cniResult)) {
    const netns = isNamespaceFile(paths.net) ? paths.net : "";
    await network.detach(id, netns, meta?.cniResult);
  }
  await hostPorts?.publish(id, []);
  const holder = meta?.holderPid ?? (existsSync(paths.pid) && !meta?.complete ? findPidHolder(id) : undefined);
  if (holder !== undefined) killPidHolder(holder, id);
}

/** Unmounts everything under the sandbox directory, then deletes it; never rm -rf across a mount. */
async function removeDir(paths: SandboxPaths): Promise<void> {
  const left = await unmountBelow(paths.dir);
  if (left.length > 0) throw new RuntimeError("Internal", `sandbox directory ${paths.dir} still has mounts: ${left.join(", ")}`);
  await rm(paths.dir, { recursive: true, force: true });
}

/** Waits for every step (so a failure is undone only once nothing is still running), then throws the first failure. */
async function settleAll(steps: (Promise<void> | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

function namespacesOf(config: PodSandboxConfig, paths: SandboxPaths): SandboxContext["namespaces"] {
  return {
    ...(config.hostNetwork ? {} : { network: paths.net, uts: paths.uts }),
    ...(config.hostIpc ? {} : { ipc: paths.ipc }),
    ...(config.sharePid ? { pid: paths.pid } : {}),
  };
}

function hostPortRules(config: PodSandboxConfig, podIp: string): HostPortRule[] {
  return config.portMappings
    .filter((p) => p.hostPort)
    .map((p) => ({
      protocol: p.protocol,
      hostPort: p.hostPort!,
      ...(p.hostIp ? { hostIp: p.hostIp } : {}),
      podIp,
      containerPort: p.containerPort,
    }));
}

/** CNI_ARGS as the kubelet's runtimes pass them, so plugins that care can tell pods apart. */
function cniArgs(id: string, config: PodSandboxConfig): Record<string, string> {
  return {
    K8S_POD_NAMESPACE: config.metadata.namespace,
    K8S_POD_NAME: config.metadata.name,
    K8S_POD_INFRA_CONTAINER_ID: id,
    K8S_POD_UID: config.metadata.uid,
  };
}

function podName(config: PodSandboxConfig): string {
  return `${config.metadata.namespace}/${config.metadata.name}`;
}

function toStatus(meta: SandboxMeta): PodSandboxStatus {
  const { config } = meta;
  // A dead PID namespace cannot take new containers: the pod must be made again.
  const holderGone = meta.holderPid !== undefined && !holderAlive(meta.holderPid, meta.id);
  return {
    id: meta.id,
    metadata: { ...config.metadata },
    state: holderGone ? "SANDBOX_NOTREADY" : meta.state,
    createdAt: meta.createdAt,
    ips: [...meta.ips],
    hostNetwork: config.hostNetwork,
    labels: { ...config.labels },
    annotations: { ...config.annotations },
    logDirectory: config.logDirectory,
  };
}

function validateConfig(config: PodSandboxConfig): void {
  const invalid = (why: string): RuntimeError => new RuntimeError("InvalidArgument", `pod sandbox ${podName(config)}: ${why}`);
  if (!config.hostNetwork && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/.test(config.hostname)) {
    throw invalid(`hostname ${JSON.stringify(config.hostname)} is not a valid host name`);
  }
  for (const p of config.portMappings) {
    if (!["TCP", "UDP", "SCTP"].includes(p.protocol)) throw invalid(`protocol ${JSON.stringify(p.protocol)} is not TCP, UDP or SCTP`);
    if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) throw invalid(`container port ${p.containerPort} is out of range`);
    if (p.hostPort !== undefined && (!Number.isInteger(p.hostPort) || p.hostPort < 0 || p.hostPort > 65535)) throw invalid(`host port ${p.hostPort} is out of range`);
  }
}

/** A host-network pod's localhost is the host's own. */
function dialHost(id: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (e: NodeJS.ErrnoException) =>
      reject(new RuntimeError("Internal", dialFailure(id, port, { code: e.code ?? "EIO" }))),
    );
  });
}
