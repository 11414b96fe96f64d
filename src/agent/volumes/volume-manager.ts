/**
 * The pod volumes of one node (the kubelet's volume manager and volume plugins, reduced to
 * the sources Peapod supports): each volume of a pod becomes a host directory, and each
 * container's volumeMounts become the runtime's Mounts.
 *
 * Lifecycle, as the pod worker calls it:
 * - `setUp` before the sandbox's first container (init containers included) is created.
 *   Idempotent: the agent may restart at any point, and calling it again for a running pod
 *   neither stacks tmpfs mounts nor rewrites unchanged files.
 * - `mountsFor` when one container instance is created; it may bind-mount subPaths.
 * - `update` whenever a pod's configMaps or secrets (or its labels and annotations) may have
 *   changed; running containers see the new files at once through the `..data` swap.
 * - `tearDown` after every container of the pod has stopped; idempotent.
 * - `orphans` at start and periodically: pod directories that no active pod owns.
 *
 * Gaps, on purpose for now: emptyDir `sizeLimit` on disk is recorded but not enforced (no
 * eviction); `medium: Memory` ignores the pod's memory limit when sizing the tmpfs;
 * `serviceAccountToken` projections and `subPathExpr` are refused with a clear error;
 * fsGroup ownership of volume files is not applied.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readdir, rm } from "node:fs/promises";
import type { Container, Pod, ResourceList, Volume } from "../../api/index.js";
import type { ConfigMap, Secret } from "../../api/index.js";
import type { Mount, MountPropagation } from "../../runtime/index.js";
import { unmountBelow } from "../../runtime/index.js";
import { writeAtomically, type Payload } from "./atomic-writer.js";
import { configMapPayload, defaultVolumeFileMode, secretPayload } from "./config-payload.js";
import { aggregateMessage, downwardAPIPayload } from "./downward-api.js";
import { emptyDirMemorySize, setUpDiskDir, setUpTmpfs } from "./empty-dir.js";
import { checkHostPathType } from "./host-path.js";
import { subPathMountPoint, podContainerDir, podDir, podVolumeDir } from "./volume-layout.js";
import { prepareSubPath } from "./subpath.js";
import { unlessMissing } from "./missing.js";

/** Where configMap and secret volumes get their objects; undefined means not found. */
export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface PodVolume {
  hostPath: string;
  /** configMap, secret, downwardAPI and projected volumes are always mounted read-only. */
  readOnly: boolean;
  /** emptyDir on disk: recorded for a later eviction manager, not enforced. */
  sizeLimit?: string | number;
}

export type PodVolumes = Map<string, PodVolume>;

/** Thrown when one volume cannot be set up; message is the kubelet's FailedMount event text. */
export class VolumeSetUpError extends Error {
  override readonly name = "VolumeSetUpError";
  constructor(
    readonly volumeName: string,
    readonly detail: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volumeName}" : ${detail}`);
  }
}

/** Thrown by setUp and update: every volume that failed, each worth one FailedMount event. */
export class PodVolumesError extends Error {
  override readonly name = "PodVolumesError";
  constructor(readonly failures: VolumeSetUpError[]) {
    super(failures.map((f) => f.message).join("; "));
  }
}

export interface VolumeManagerOptions {
  /** One directory per pod UID below it, as the kubelet's /var/lib/kubelet/pods. */
  podsDir: string;
  /** Sizes memory-backed volumes and fills resourceFieldRef limits a container leaves unset. */
  nodeAllocatable?: ResourceList;
}

export interface VolumeManagerConfig {
  readonly podsDir: string;
  readonly nodeAllocatable: Readonly<ResourceList>;
}

const dataSources = ["configMap", "secret", "downwardAPI", "projected"] as const;
type DataSource = (typeof dataSources)[number];

function isDataSource(source: string | undefined): source is DataSource {
  return (dataSources as readonly (string | undefined)[]).includes(source);
}

const propagations: Record<string, MountPropagation> = {
  None: "private",
  HostToContainer: "rslave",
  Bidirectional: "rshared",
};

const supportedSources = ["emptyDir", "hostPath", ...dataSources] as const;
type SupportedSource = (typeof supportedSources)[number];

/** The source a volume uses; no source at all is `emptyDir: {}` (SetDefaults_Volume). */
function volumeSource(volume: Volume): SupportedSource | undefined {
  const keys = Object.keys(volume).filter((k) => k !== "name" && volume[k] !== undefined && volume[k] !== null);
  if (keys.length === 0) return "emptyDir";
  return supportedSources.find((s) => keys.includes(s));
}

function podUid(pod: Pod): string {
  const uid = pod.metadata?.uid;
  if (!uid) throw new Error("pod has no metadata.uid");
  return uid;
}

export class VolumeManager {
  readonly config: VolumeManagerConfig;

  constructor(options: VolumeManagerOptions) {
    if (typeof options.podsDir !== "string" || options.podsDir === "") throw new TypeError("VolumeManager: podsDir must be a non-empty path");
    this.config = Object.freeze({ podsDir: options.podsDir, nodeAllocatable: Object.freeze({ ...(options.nodeAllocatable ?? {}) }) });
  }

  /** Prepares every volume of the pod; throws PodVolumesError naming each one that failed. */
  async setUp(pod: Pod, sources: VolumeSources): Promise<PodVolumes> {
    const volumes: PodVolumes = new Map();
    const failures: VolumeSetUpError[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      const name = volume.name ?? "";
      try {
        volumes.set(name, await this.setUpVolume(pod, volume, sources));
      } catch (error) {
        failures.push(new VolumeSetUpError(name, (error as Error).message));
      }
    }
    if (failures.length > 0) throw new PodVolumesError(failures);
    return volumes;
  }

  /**
   * Re-renders the configMap, secret, downwardAPI and projected volumes of a pod (setting
   * them up if they are not yet). Returns the names of volumes whose files changed.
   */
  async update(pod: Pod, sources: VolumeSources): Promise<string[]> {
    const changed: string[] = [];
    const failures: VolumeSetUpError[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      const source = volumeSource(volume);
      if (!isDataSource(source)) continue;
      const name = volume.name ?? "";
      try {
        if ((await this.setUpDataVolume(pod, volume, source, sources)).changed) changed.push(name);
      } catch (error) {
        failures.push(new VolumeSetUpError(name, (error as Error).message));
      }
    }
    if (failures.length > 0) throw new PodVolumesError(failures);
    return changed;
  }

  private async setUpVolume(pod: Pod, volume: Volume, sources: VolumeSources): Promise<PodVolume> {
    const source = volumeSource(volume);
    const uid = podUid(pod);
    const name = volume.name ?? "";
    switch (source) {
      case undefined:
        throw new Error("no volume plugin matched");
      case "hostPath": {
        const path = volume.hostPath?.path ?? "";
        await checkHostPathType(path, volume.hostPath?.type);
        return { hostPath: path, readOnly: false };
      }
      case "emptyDir": {
        const dir = podVolumeDir(this.config.podsDir, uid, "emptyDir", name);
        const sizeLimit = volume.emptyDir?.sizeLimit;
        const medium = volume.emptyDir?.medium ?? "";
        if (medium.startsWith("HugePages")) throw new Error("hugepages emptyDir volumes are not supported by this node agent yet");
        if (medium !== "" && medium !== "Memory") throw new Error(`unknown storage medium "${medium}"`);
        if (medium === "Memory") {
          // The tmpfs root stays 1777, as the kubelet's (it chmods the directory before mounting).
          await setUpTmpfs(dir, emptyDirMemorySize(sizeLimit, this.config.nodeAllocatable));
          return { hostPath: dir, readOnly: false };
        }
        await setUpDiskDir(dir);
        return sizeLimit === undefined ? { hostPath: dir, readOnly: false } : { hostPath: dir, readOnly: false, sizeLimit };
      }
      default:
        return (await this.setUpDataVolume(pod, volume, source, sources)).volume;
    }
  }

  /**
   * A configMap, secret, downwardAPI or projected volume: its files fetched and checked
   * first, so that a missing configMap leaves no half-made volume behind, then written.
   */
  private async setUpDataVolume(pod: Pod, volume: Volume, source: DataSource, sources: VolumeSources): Promise<{ volume: PodVolume; changed: boolean }> {
    const payload = await this.payload(pod, volume, source, sources);
    const dir = podVolumeDir(this.config.podsDir, podUid(pod), source, volume.name ?? "");
    // configMaps are not secret and live on disk; the others are kept off disk on a tmpfs.
    if (source === "configMap") await setUpDiskDir(dir);
    else await setUpTmpfs(dir, emptyDirMemorySize(undefined, this.config.nodeAllocatable));
    const changed = await writeAtomically(dir, payload);
    return { volume: { hostPath: dir, readOnly: true }, changed };
  }

  /** The files one data volume should hold now. */
  private async payload(pod: Pod, volume: Volume, source: DataSource, sources: VolumeSources): Promise<Payload> {
    const namespace = pod.metadata?.namespace ?? "";
    const alloc = this.config.nodeAllocatable;
    switch (source) {
      case "configMap": {
        const { name = "", items, defaultMode = defaultVolumeFileMode, optional = false } = volume.configMap ?? {};
        return configMapPayload(items, await getConfigMap(sources, namespace, name, optional), defaultMode, optional);
      }
      case "secret": {
        const { secretName = "", items, defaultMode = defaultVolumeFileMode, optional = false } = volume.secret ?? {};
        return secretPayload(items, await getSecret(sources, namespace, secretName, optional), defaultMode, optional);
      }
      case "downwardAPI":
        return downwardAPIPayload(volume.downwardAPI?.items, pod, volume.downwardAPI?.defaultMode ?? defaultVolumeFileMode, alloc);
      case "projected": {
        // projected.go collectData: later sources overwrite earlier paths; errors are gathered.
        const defaultMode = volume.projected?.defaultMode ?? defaultVolumeFileMode;
        const payload: Payload = new Map();
        const errors: string[] = [];
        for (const projection of volume.projected?.sources ?? []) {
          try {
            let part: Payload;
            if (projection.configMap) {
              const { name = "", items, optional = false } = projection.configMap;
              part = configMapPayload(items, await getConfigMap(sources, namespace, name, optional), defaultMode, optional);
            } else if (projection.secret) {
              const { name = "", items, optional = false } = projection.secret;
              part = secretPayload(items, await getSecret(sources, namespace, name, optional), defaultMode, optional);
            } else if (projection.downwardAPI) {
              part = downwardAPIPayload(projection.downwardAPI.items, pod, defaultMode, alloc);
            } else if (projection.serviceAccountToken) {
              throw new Error("serviceAccountToken projections are not supported by this node agent yet");
            } else {
              throw new Error("unsupported volume projection");
            }
            for (const [path, file] of part) payload.set(path, file);
          } catch (error) {
            errors.push((error as Error).message);
          }
        }
        if (errors.length > 0) throw new Error(aggregateMessage(errors));
        return payload;
      }
    }
  }

  /**
   * The runtime's mounts for one new instance of a container: its volumeMounts in order, then
   * a fresh termination-log file (kuberuntime makeMounts) when terminationMessagePath is set.
   */
  async mountsFor(pod: Pod, container: Container, volumes: PodVolumes): Promise<Mount[]> {
    const uid = podUid(pod);
    const containerName = container.name ?? "";
    const mounts: Mount[] = [];
    for (const [index, volumeMount] of (container.volumeMounts ?? []).entries()) {
      const name = volumeMount.name ?? "";
      const volume = volumes.get(name);
      if (!volume) throw new Error(`cannot find volume "${name}" to mount into container "${containerName}"`);
      if (volumeMount.subPathExpr) throw new Error(`volumeMount "${name}" of container "${containerName}": subPathExpr is not supported by this node agent yet`);
      let hostPath = volume.hostPath;
      if (volumeMount.subPath) {
        hostPath = await prepareSubPath({
          volumePath: volume.hostPath,
          subPath: volumeMount.subPath,
          mountPoint: subPathMountPoint(this.config.podsDir, uid, name, containerName, index),
          volumeMountName: name,
          containerName,
        });
      }
      mounts.push({
        containerPath: volumeMount.mountPath ?? "",
        hostPath,
        readonly: volumeMount.readOnly === true || volume.readOnly,
        propagation: propagations[volumeMount.mountPropagation ?? "None"] ?? "private",
      });
    }
    if (container.terminationMessagePath) {
      const dir = podContainerDir(this.config.podsDir, uid, containerName);
      await mkdir(dir, { recursive: true, mode: 0o750 });
      const file = `${dir}/${randomBytes(4).toString("hex")}`;
      await (await open(file, "wx", 0o666)).close();
      // The container may run as any user and must be able to write its message.
      await chmod(file, 0o666);
      mounts.push({ containerPath: container.terminationMessagePath, hostPath: file, readonly: false });
    }
    return mounts;
  }

  /** Unmounts every tmpfs and subPath bind of the pod, then removes its directory. */
  async tearDown(uid: string): Promise<void> {
    if (!uid || uid.includes("/") || uid === "." || uid === "..") throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
    const dir = podDir(this.config.podsDir, uid);
    // Never remove recursively through a mount that is still there: a subPath bind of a
    // hostPath volume would take host files with it.
    const left = await unmountBelow(dir);
    if (left.length > 0) throw new Error(`pod ${uid}: still mounted after unmount: ${left.join(", ")}`);
    await rm(dir, { recursive: true, force: true });
  }

  /** UIDs that have a pod directory but are not among activeUids. */
  async orphans(activeUids: Iterable<string>): Promise<string[]> {
    const active = new Set(activeUids);
    const entries = (await unlessMissing(readdir(this.config.podsDir, { withFileTypes: true }))) ?? [];
    return entries.filter((e) => e.isDirectory() && !active.has(e.name)).map((e) => e.name).sort();
  }
}

/** The host path of a container instance's termination log among its mounts, if any. */
export function terminationLogHostPath(container: Container, mounts: Mount[]): string | undefined {
  if (!container.terminationMessagePath) return undefined;
  return mounts.findLast((m) => m.containerPath === container.terminationMessagePath)?.hostPath;
}

async function getConfigMap(sources: VolumeSources, namespace: string, name: string, optional: boolean): Promise<ConfigMap> {
  const configMap = await sources.configMap(namespace, name);
  if (configMap) return configMap;
  if (optional) return {};
  throw new Error(`configmap "${name}" not found`);
}

async function getSecret(sources: VolumeSources, namespace: string, name: string, optional: boolean): Promise<Secret> {
  const secret = await sources.secret(namespace, name);
  if (secret) return secret;
  if (optional) return {};
  throw new Error(`secret "${name}" not found`);
}
