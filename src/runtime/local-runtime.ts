/**
 * The runtime on this host: images from the project's own store, sandboxes from namespaces
 * and CNI, containers on conmon + runc. It composes the three managers and owns the rules
 * that span them: a sandbox's containers stop before its network goes, a container is
 * created only in a ready sandbox from a stored image, and image GC keeps what containers use.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Duplex } from "node:stream";
import { run } from "./command.js";
import { ContainerManager, resetContainers } from "./container/container-manager.js";
import { RuntimeError } from "./errors.js";
import { unmountAll } from "./mount.js";
import { ImageStore } from "./image/image-store.js";
import { runtimeLayout, type RuntimeLayout } from "./layout.js";
import { resetSandboxes, SandboxManager, type PodNetworkConfig } from "./sandbox/sandbox-manager.js";
import type {
  AttachOptions, AttachSession, ContainerConfig, ContainerEvent, ContainerFilter, ContainerStatus, ExecOptions, ExecSession, ExecSyncResult,
  PodSandboxConfig, PodSandboxFilter, PodSandboxStatus, RuntimeService, RuntimeVersion,
} from "./runtime.js";

export interface LocalRuntimeOptions {
  /** Everything the runtime keeps lives below this directory. */
  root: string;
  /** Defaults derive from root, so two runtimes on one host never share a bridge or table. */
  network?: Partial<PodNetworkConfig>;
  runcPath?: string;
  conmonPath?: string;
}

export const defaultPodCIDR = "10.42.0.0/24";

/**
 * Names of the host objects a runtime root owns (bridge, nftables table, cgroup root),
 * derived from the root's path: short enough for interface names (15 bytes) and stable
 * across restarts, so reset and adoption find them again.
 */
export function hostNamesFor(root: string): { bridge: string; nftTable: string; cgroupRoot: string } {
  const id = createHash("sha256").update(resolve(root)).digest("hex").slice(0, 8);
  return { bridge: `peapod${id}`.slice(0, 15), nftTable: `peapod_${id}`, cgroupRoot: `/peapod-${id}` };
}

export class LocalRuntime implements RuntimeService {
  private constructor(
    readonly layout: RuntimeLayout,
    readonly images: ImageStore,
    private readonly sandboxes: SandboxManager,
    private readonly containers: ContainerManager,
    private readonly runcPath: string,
  ) {}

  static async open(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const layout = runtimeLayout(resolve(options.root));
    mkdirSync(layout.root, { recursive: true, mode: 0o700 });
    const names = hostNamesFor(layout.root);
    const network: PodNetworkConfig = {
      bridge: options.network?.bridge ?? names.bridge,
      podCIDR: options.network?.podCIDR ?? defaultPodCIDR,
      nftTable: options.network?.nftTable ?? names.nftTable,
      cniBinDir: options.network?.cniBinDir ?? "/usr/lib/cni",
      ...(options.network?.mtu ? { mtu: options.network.mtu } : {}),
    };
    const runcPath = options.runcPath ?? "runc";
    const containers = await ContainerManager.open({ layout, runcPath, ...(options.conmonPath ? { conmonPath: options.conmonPath } : {}) });
    const [images, sandboxes] = await Promise.all([
      ImageStore.open({ layout, imagesInUse: () => containers.imagesInUse() }),
      SandboxManager.open({ layout, network, cgroupRoot: names.cgroupRoot }),
    ]);
    return new LocalRuntime(layout, images, sandboxes, containers, runcPath);
  }

  async version(): Promise<RuntimeVersion> {
    const { stdout } = await run(this.runcPath, ["--version"]);
    const version = /runc version (\S+)/.exec(stdout)?.[1] ?? "unknown";
    return { runtimeName: "runc", runtimeVersion: version, runtimeApiVersion: "v1" };
  }

  runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const { namespace, name, uid } = config.metadata;
    const logDirectory = config.logDirectory || join(this.layout.podLogs, `${namespace}_${name}_${uid}`);
    return this.sandboxes.run({ ...config, logDirectory });
  }

  async stopPodSandbox(id: string): Promise<void> {
    // CRI: containers go first, so none outlives the network it was given.
    const running = await this.containers.list({ sandboxId: id });
    await Promise.all(running.filter((c) => c.state === "CONTAINER_RUNNING" || c.state === "CONTAINER_CREATED")
      .map((c) => this.containers.stop(c.id, 0)));
    await this.sandboxes.stop(id);
  }

  async removePodSandbox(id: string): Promise<void> {
    const all = await this.containers.list({ sandboxId: id });
    await Promise.all(all.map((c) => this.containers.remove(c.id)));
    await this.sandboxes.remove(id);
  }

  podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    return this.sandboxes.status(id);
  }

  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    return this.sandboxes.list(filter);
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = this.sandboxes.context(sandboxId);
    const stored = await this.images.imageStatus(config.image);
    if (!stored) throw new RuntimeError("NotFound", `image "${config.image}" not present: pull it first`);
    const { image, layerDirs } = await this.images.resolveRootfs(stored.id);
    return this.containers.create(sandbox, config, { id: image.id, reference: config.image, config: image.config, layerDirs });
  }

  startContainer(id: string): Promise<void> {
    return this.containers.start(id);
  }

  stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return this.containers.stop(id, timeoutSeconds);
  }

  removeContainer(id: string): Promise<void> {
    return this.containers.remove(id);
  }

  containerStatus(id: string): Promise<ContainerStatus> {
    return this.containers.status(id);
  }

  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    return this.containers.list(filter);
  }

  onContainerEvent(listener: (event: ContainerEvent) => void): () => void {
    return this.containers.onEvent(listener);
  }

  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return this.containers.execSync(id, cmd, timeoutSeconds);
  }

  exec(id: string, options: ExecOptions): Promise<ExecSession> {
    return this.containers.exec(id, options);
  }

  attach(id: string, options: AttachOptions): Promise<AttachSession> {
    return this.containers.attach(id, options);
  }

  reopenContainerLog(id: string): Promise<void> {
    return this.containers.reopenLog(id);
  }

  portForward(sandboxId: string, port: number): Promise<Duplex> {
    return this.sandboxes.portForward(sandboxId, port);
  }

  async close(): Promise<void> {
    await Promise.all([this.sandboxes.close(), this.containers.close()]);
  }
}

/**
 * Undoes everything a runtime root made on this host: containers (killed and deleted),
 * sandboxes (network, namespaces, mounts), the bridge and the nftables table. Works from
 * what is on disk, with no running runtime, so `peapod reset` can clean up after a crash.
 */
export async function resetRuntime(root: string, options: { runcPath?: string } = {}): Promise<void> {
  const layout = runtimeLayout(resolve(root));
  await resetContainers(layout, options.runcPath);
  await resetSandboxes(layout);
  // Whatever a crash left mounted below the root must go before anyone removes the files.
  await unmountAll(layout.root);
}
