/**
 * The runtime's contract, shaped like the Kubernetes CRI (RuntimeService and ImageService in
 * k8s.io/cri-api) so that a CRI backend such as containerd could stand behind it later.
 * The agent builds these configs from a pod, as the kubelet does for the CRI; nothing here
 * knows of API objects, the store or HTTP.
 */
import type { Duplex, Readable, Writable } from "node:stream";

// ---------------------------------------------------------------------------------------------
// Pod sandboxes

export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
}

export type Protocol = "TCP" | "UDP" | "SCTP";

export interface PortMapping {
  protocol: Protocol;
  containerPort: number;
  /** 0 or absent: not published on the host. */
  hostPort?: number;
  /** Host address the port is published on; empty means every local address. */
  hostIp?: string;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface HostAlias {
  ip: string;
  hostnames: string[];
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  /** The pod's hostname (pod.spec.hostname, or the pod name), set in its UTS namespace. */
  hostname: string;
  /** hostname.subdomain.namespace.svc.cluster-domain when the pod has a subdomain. */
  fqdn?: string;
  /**
   * Directory for this pod's container logs (the kubelet uses /var/log/pods/NS_NAME_UID);
   * empty: NS_NAME_UID under the runtime's root.
   */
  logDirectory: string;
  /** Absent: copy the host's /etc/resolv.conf, as dnsPolicy Default does. */
  dnsConfig?: DnsConfig;
  portMappings: PortMapping[];
  hostAliases: HostAlias[];
  /** Share the host's network, IPC and UTS namespaces (hostNetwork/hostIPC). */
  hostNetwork: boolean;
  hostIpc?: boolean;
  /** One PID namespace for every container of the pod (shareProcessNamespace). */
  sharePid: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Namespaced sysctls to set in the pod's namespaces (net.*, kernel.shm*, ...). */
  sysctls?: Record<string, string>;
}

export type PodSandboxState = "SANDBOX_READY" | "SANDBOX_NOTREADY";

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The pod's IPs, first one primary; empty for a host-network pod or a stopped sandbox. */
  ips: string[];
  hostNetwork: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  logDirectory: string;
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  labelSelector?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Containers

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export type MountPropagation = "private" | "rslave" | "rshared";

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  propagation?: MountPropagation;
}

export interface Capabilities {
  /** Names as Kubernetes writes them: NET_ADMIN, or ALL. */
  add: string[];
  drop: string[];
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capabilities;
  privileged?: boolean;
  runAsUser?: number;
  /** A name from the image's /etc/passwd (the image's USER when it is not numeric). */
  runAsUsername?: string;
  runAsGroup?: number;
  supplementalGroups?: number[];
  readonlyRootfs?: boolean;
  noNewPrivs?: boolean;
  /** Override the default masked/read-only paths (procMount: Unmasked passes []). */
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  /** A reference or an image id; the image must already be pulled. */
  image: string;
  /** Kubernetes semantics: command replaces the image's Entrypoint, args its Cmd. */
  command: string[];
  args: string[];
  workingDir?: string;
  envs: KeyValue[];
  mounts: Mount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Relative to the sandbox's logDirectory, e.g. "web/0.log". */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export type ContainerState = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  /** Milliseconds since the epoch; 0 when it has not happened. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  /** "Completed", "Error" or "OOMKilled" once exited, as CRI runtimes report it. */
  reason: string;
  message: string;
  /** The reference the container was created from, and the image id (config digest). */
  image: string;
  imageRef: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Absolute path of its CRI-format log file. */
  logPath: string;
  /** Host PID of the container's init process while it runs, else 0. */
  pid: number;
}

export interface ContainerFilter {
  id?: string;
  sandboxId?: string;
  state?: ContainerState;
  labelSelector?: Record<string, string>;
}

export type ContainerEventType = "CONTAINER_CREATED_EVENT" | "CONTAINER_STARTED_EVENT" | "CONTAINER_STOPPED_EVENT" | "CONTAINER_DELETED_EVENT";

export interface ContainerEvent {
  type: ContainerEventType;
  containerId: string;
  sandboxId: string;
  /** Milliseconds since the epoch. */
  at: number;
}

// ---------------------------------------------------------------------------------------------
// Exec and port-forward

export interface ExecOptions {
  cmd: string[];
  tty: boolean;
  /** Pipe stdin into the process; its end closes the process's stdin. */
  stdin?: Readable;
  stdout?: Writable;
  /** Ignored with a TTY: the terminal carries both streams on stdout. */
  stderr?: Writable;
  /** Initial terminal size. */
  size?: TerminalSize;
}

export interface TerminalSize {
  width: number;
  height: number;
}

export interface ExecSession {
  /**
   * Resolves with the exit code once the process has ended and its output is flushed;
   * rejects when the runtime could not start it (e.g. the binary is missing).
   */
  readonly exit: Promise<number>;
  resize(size: TerminalSize): void;
  /** Kill the exec'd process (the client went away). */
  kill(): void;
}

/** Which of the container's own streams to join; the container must run with `stdin` for input. */
export interface AttachOptions {
  /** Its end is the client's end of input: the container's stdin closes then only with stdinOnce. */
  stdin?: Readable;
  stdout?: Writable;
  /** Ignored with a TTY: the terminal carries both streams on stdout. */
  stderr?: Writable;
  /** Whether the container runs on a terminal (its config's tty, which cannot change now). */
  tty: boolean;
  /** Initial terminal size. */
  size?: TerminalSize;
}

export interface AttachSession {
  /** Resolves once the container's output has ended (it exited) or the session was detached. */
  readonly done: Promise<void>;
  resize(size: TerminalSize): void;
  /** Leave the container running and release the session (the client went away). */
  detach(): void;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
  /** True when the timeout ended it (the exit code is then meaningless). */
  timedOut: boolean;
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface RuntimeService {
  version(): Promise<RuntimeVersion>;

  /** Creates the pod's namespaces, network and files; returns the sandbox id. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox and tears its network down. Idempotent. */
  stopPodSandbox(id: string): Promise<void>;
  /** Stops if needed and removes the sandbox, its containers and files. Idempotent. */
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]>;

  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (or the image's StopSignal), then SIGKILL after timeoutSeconds. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;
  /** Container lifecycle events, as CRI GetContainerEvents streams them. Returns unsubscribe. */
  onContainerEvent(listener: (event: ContainerEvent) => void): () => void;

  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  exec(id: string, options: ExecOptions): Promise<ExecSession>;
  /** Joins the streams of a running container's main process, as CRI Attach does. */
  attach(id: string, options: AttachOptions): Promise<AttachSession>;
  /**
   * CRI ReopenContainerLog: the runtime starts writing a new file at the container's log path
   * (the old one was renamed by log rotation); resolves once the new file is there. Fails with
   * FailedPrecondition for a container that is not running.
   */
  reopenContainerLog(id: string): Promise<void>;
  /** A stream connected to localhost:port inside the sandbox's network namespace. */
  portForward(sandboxId: string, port: number): Promise<Duplex>;

  /** Stops watching; containers keep running and are adopted by the next process. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Images

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** base64("user:password") as in a docker config's "auth". */
  auth?: string;
  identityToken?: string;
  registryToken?: string;
}

/** The image's config as the OCI image spec writes it (the "config" object). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface Image {
  /** The config digest, sha256:…, as Docker and CRI image ids are. */
  id: string;
  /** Normalised references: docker.io/library/busybox:latest. */
  repoTags: string[];
  /** name@sha256:… of the manifest each tag was pulled as. */
  repoDigests: string[];
  /** Bytes of the compressed layers plus config, as registries report it. */
  size: number;
  config: ImageRuntimeConfig;
  os: string;
  architecture: string;
}

export interface LayerProgress {
  digest: string;
  total: number;
  done: number;
  state: "waiting" | "downloading" | "verifying" | "extracting" | "done" | "exists";
}

export interface PullOptions {
  auth?: RegistryAuth;
  onProgress?: (layers: readonly LayerProgress[]) => void;
  signal?: AbortSignal;
}

export interface ImageGcResult {
  removedBlobs: number;
  removedLayers: number;
  freedBytes: number;
}

export interface ImageService {
  /** Pulls (or finds) the image; concurrent pulls of one image share one download. */
  pullImage(reference: string, options?: PullOptions): Promise<Image>;
  /** The image a reference or id names, or undefined when it is not stored. */
  imageStatus(reference: string): Promise<Image | undefined>;
  listImages(): Promise<Image[]>;
  /** Removes a tag, digest reference or id; the content goes at the next garbage collection. */
  removeImage(reference: string): Promise<void>;
  /** Loads a `docker save` tarball (docker-archive) or an OCI archive. */
  importImages(file: string): Promise<Image[]>;
  /** Removes blobs and unpacked layers that no image or container uses. */
  garbageCollect(): Promise<ImageGcResult>;
}
