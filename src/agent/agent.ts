/**
 * The node agent (the kubelet's job): registers the node and keeps its heartbeats, watches
 * the pods bound to it and runs them on the runtime through one pod worker per pod.
 * Workers are woken by pod changes, runtime container events and probe results.
 *
 * On start it adopts what the runtime already runs: the workers observe the runtime first,
 * so a running container of a live pod is kept, not restarted; sandboxes (and volume
 * directories) of pods that no longer exist are stopped and removed. stop() leaves every
 * pod running for the next agent to adopt.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock, type Clock } from "../base/index.js";
import { EventRecorder, Informer, podsResource, type ApiClient } from "../client/index.js";
import type { ImageService, RuntimeService } from "../runtime/index.js";
import { ConfigSourceWatch } from "./config-source-watch.js";
import { ContainerLogManager, defaultContainerLogMaxFiles, defaultContainerLogMaxSize } from "./container-log-manager.js";
import { CrashLoopBackOff, type CrashLoopBackOffOptions } from "./crash-loop-backoff.js";
import { ImagePuller } from "./image-puller.js";
import { NodeHeartbeat } from "./node-heartbeat.js";
import { readNodeHostFacts } from "./node-host-facts.js";
import { buildNodeStatus } from "./node-status.js";
import { podUidLabel } from "./pod-sandbox-config.js";
import { PodWorkers, type PodObject } from "./pod-worker.js";
import { Prober } from "./probes/index.js";
import { VolumeManager } from "./volumes/index.js";
import { NodeServer, type NodeServerTls } from "./server/node-server.js";
import { PodLookup } from "./server/pod-lookup.js";
import { registerContainerLogs } from "./server/container-logs.js";
import { registerExec } from "./server/exec.js";
import { registerAttach } from "./server/attach.js";
import { registerPortForward } from "./server/port-forward.js";
import { kubernetesVersion } from "../base/index.js";

/** The Kubernetes version the agent reports as its kubelet version. */
export const agentKubeletVersion = kubernetesVersion.gitVersion;

export interface NodeAgentOptions {
  client: ApiClient;
  runtime: RuntimeService & { images: ImageService };
  nodeName: string;
  /** The agent's data: pods/ (volumes, one directory per pod UID) and logs/ (container logs). */
  dataDir: string;
  podCIDR?: string;
  clock?: Clock;
  /** Cluster DNS server IPs for dnsPolicy ClusterFirst; none: pods fall back to the host's resolver. */
  clusterDns?: string[];
  clusterDomain?: string;
  log?: (message: string) => void;
  /** The CrashLoopBackOff delays (default 10 s doubling to 5 min); tests shorten them. */
  crashLoopBackOff?: Pick<CrashLoopBackOffOptions, "initialMs" | "maxMs">;
  /** The kubelet API (logs, exec, attach, port-forward) on HTTPS; absent: no server. */
  server?: { port: number; bindAddress: string; tls: NodeServerTls; streamingConnectionIdleTimeoutMs?: number };
  /** Log rotation (the kubelet's containerLogMaxSize, bytes; default 10 MiB). */
  containerLogMaxSize?: number;
  /** Log files kept per container, the current one included (default 5, at least 2). */
  containerLogMaxFiles?: number;
  /** How often container logs are checked for rotation (default 10 s). */
  containerLogMonitorIntervalMs?: number;
}

export class NodeAgent {
  readonly #o: NodeAgentOptions;
  readonly #clock: Clock;
  readonly #log: (message: string) => void;
  #heartbeat: NodeHeartbeat | undefined;
  #informer: Informer<PodObject> | undefined;
  #recorder: EventRecorder | undefined;
  #prober: Prober | undefined;
  #workers: PodWorkers | undefined;
  #configSources: ConfigSourceWatch | undefined;
  #unsubscribe: (() => void) | undefined;
  /** Which pod each sandbox belongs to, for runtime container events. */
  readonly #sandboxPods = new Map<string, string>();
  #server: NodeServer | undefined;
  #podLookup: PodLookup | undefined;
  readonly #logManager: ContainerLogManager;

  constructor(options: NodeAgentOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? ((m) => console.error(m));
    // Built here, so a bad policy fails before anything starts.
    this.#logManager = new ContainerLogManager({
      runtime: options.runtime,
      maxSize: options.containerLogMaxSize ?? defaultContainerLogMaxSize,
      maxFiles: options.containerLogMaxFiles ?? defaultContainerLogMaxFiles,
      ...(options.containerLogMonitorIntervalMs !== undefined ? { monitorIntervalMs: options.containerLogMonitorIntervalMs } : {}),
      clock: this.#clock,
      log: this.#log,
    });
  }

  get podsDir(): string {
    return join(this.#o.dataDir, "pods");
  }

  get logsDir(): string {
    return join(this.#o.dataDir, "logs");
  }

  /** The kubelet API server once started (its routes are where streams are served). */
  get server(): NodeServer | undefined {
    return this.#server;
  }

  /** Pods and containers of this node by name, for the kubelet API's handlers. */
  get podLookup(): PodLookup {
    return (this.#podLookup ??= new PodLookup({ pods: () => this.#informer?.list() ?? [], runtime: this.#o.runtime }));
  }

  async start(): Promise<void> {
    const { client, runtime, nodeName } = this.#o;
    const version = await runtime.version();
    // The server first: the Node reports the port it got (daemonEndpoints).
    const kubeletPort = await this.#startServer();
    const facts = {
      ...readNodeHostFacts({ dataDir: this.#o.dataDir, runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}`, kubeletVersion: agentKubeletVersion }),
      ...(kubeletPort !== undefined ? { kubeletPort } : {}),
    };
    this.#heartbeat = new NodeHeartbeat({
      client,
      nodeName,
      facts,
      clock: this.#clock,
      ...(this.#o.podCIDR ? { podCIDR: this.#o.podCIDR } : {}),
      onError: (what, e) => this.#log(`node ${nodeName}: cannot ${what}: ${String(e)}`),
    });
    await this.#heartbeat.start();

    const recorder = (this.#recorder = new EventRecorder({ client, component: "kubelet", host: nodeName, clock: this.#clock, log: this.#log }));
    const workersRef: { current?: PodWorkers } = {};
    const prober = (this.#prober = new Prober({
      clock: this.#clock,
      execSync: (id, command, timeout) => runtime.execSync(id, command, timeout),
      onResult: (u) => workersRef.current?.wake(u.podUID),
      onEvent: (e) => {
        const pod = this.#podByUid(e.podUID);
        if (!pod) return;
        const init = (pod.spec?.initContainers ?? []).some((c) => c.name === e.containerName);
        recorder.event(
          { kind: "Pod", namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "", uid: e.podUID, apiVersion: "v1", fieldPath: `spec.${init ? "initContainers" : "containers"}{${e.containerName}}` },
          e.type,
          e.reason,
          e.message,
        );
      },
    }));

    // configMaps and secrets for volumes and env; a change of one a volume uses wakes its pods.
    const sources = (this.#configSources = new ConfigSourceWatch({ client, onChange: (uid) => workersRef.current?.wake(uid), clock: this.#clock, log: this.#log }));
    const allocatable = buildNodeStatus(facts, this.#clock.now()).allocatable ?? {};
    const workers = (this.#workers = workersRef.current = new PodWorkers({
      pods: client.resource<PodObject>(podsResource),
      runtime,
      images: new ImagePuller(runtime.images, this.#clock),
      volumes: new VolumeManager({ podsDir: this.podsDir, nodeAllocatable: allocatable }),
      sources,
      recorder,
      prober,
      crashLoop: new CrashLoopBackOff({ ...this.#o.crashLoopBackOff, clock: this.#clock }),
      clock: this.#clock,
      sandboxOptions: {
        logRoot: this.logsDir,
        ...(this.#o.clusterDns ? { clusterDns: this.#o.clusterDns } : {}),
        ...(this.#o.clusterDomain ? { clusterDomain: this.#o.clusterDomain } : {}),
        ...hostResolvConf(),
      },
      node: { hostIPs: [facts.internalIP], allocatable, memoryCapacity: facts.memoryBytes },
      log: this.#log,
    }));

    this.#unsubscribe = runtime.onContainerEvent((event) => void this.#onContainerEvent(event.sandboxId));

    const informer = (this.#informer = new Informer<PodObject>(client.resource<PodObject>(podsResource), {
      fieldSelector: `spec.nodeName=${nodeName}`,
      clock: this.#clock,
      log: this.#log,
    }));
    informer.on("add", (pod) => {
      sources.registerPod(pod);
      workers.update(pod);
    });
    informer.on("update", (_old, pod) => {
      sources.registerPod(pod);
      workers.update(pod);
    });
    informer.on("delete", (pod) => {
      sources.unregisterPod(pod.metadata.uid);
      workers.remove(pod);
      for (const [sandbox, uid] of this.#sandboxPods) if (uid === pod.metadata.uid) this.#sandboxPods.delete(sandbox);
    });
    informer.start();
    await informer.whenSynced();
    await this.#removeOrphans();
    this.#logManager.start();
  }

  async #startServer(): Promise<number | undefined> {
    const o = this.#o.server;
    if (!o) return undefined;
    const server = new NodeServer({ ...o, log: this.#log });
    registerContainerLogs(server, { lookup: this.podLookup, runtime: this.#o.runtime, clock: this.#clock });
    registerExec(server, { lookup: this.podLookup, runtime: this.#o.runtime });
    registerAttach(server, { lookup: this.podLookup, runtime: this.#o.runtime });
    registerPortForward(server, { lookup: this.podLookup, runtime: this.#o.runtime, log: this.#log });
    this.#server = server;
    return server.start();
  }

  /** Stops watching and syncing; pods keep running. */
  async stop(): Promise<void> {
    await this.#server?.stop();
    await this.#logManager.stop();
    this.#unsubscribe?.();
    await this.#informer?.stop();
    await this.#workers?.stop();
    await this.#configSources?.stop();
    await this.#prober?.stop();
    await this.#heartbeat?.stop();
    await this.#recorder?.flush();
    await this.#recorder?.stop();
  }

  #podByUid(uid: string): PodObject | undefined {
    return this.#informer?.list().find((p) => p.metadata.uid === uid);
  }

  async #onContainerEvent(sandboxId: string): Promise<void> {
    let uid = this.#sandboxPods.get(sandboxId);
    if (uid === undefined) {
      try {
        uid = (await this.#o.runtime.podSandboxStatus(sandboxId)).labels[podUidLabel];
      } catch {
        return; // removed meanwhile
      }
      if (uid === undefined) return;
      this.#sandboxPods.set(sandboxId, uid);
    }
    this.#workers?.wake(uid);
  }

  /** Sandboxes and pod directories whose pod no longer exists (kubelet's orphan cleanup). */
  async #removeOrphans(): Promise<void> {
    const live = new Set((this.#informer?.list() ?? []).map((p) => p.metadata.uid ?? ""));
    for (const sandbox of await this.#o.runtime.listPodSandboxes()) {
      const uid = sandbox.labels[podUidLabel];
      if (uid === undefined || live.has(uid) || this.#workers?.has(uid)) continue;
      try {
        await this.#o.runtime.stopPodSandbox(sandbox.id);
        await this.#o.runtime.removePodSandbox(sandbox.id);
      } catch (e) {
        this.#log(`cannot remove orphaned sandbox ${sandbox.id} of pod ${uid}: ${String(e)}`);
      }
    }
    const volumes = new VolumeManager({ podsDir: this.podsDir });
    for (const uid of await volumes.orphans(live)) {
      if (this.#workers?.has(uid)) continue;
      try {
        await volumes.tearDown(uid);
      } catch (e) {
        this.#log(`cannot remove orphaned volumes of pod ${uid}: ${String(e)}`);
      }
    }
  }
}

/** The host's resolv.conf, the base of dnsPolicy Default; absent: the runtime copies the file. */
function hostResolvConf(): { hostResolvConf?: string } {
  try {
    return { hostResolvConf: readFileSync("/etc/resolv.conf", "utf8") };
  } catch {
    return {};
  }
}
