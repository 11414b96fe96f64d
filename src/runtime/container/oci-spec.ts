/**
 * The OCI runtime spec (config.json) for one container, built the way containerd's CRI
 * plugin builds it: the process from the container config over the image config, the
 * default mounts plus the pod's files and the agent's mounts, the pod's namespaces by path,
 * containerd's default capabilities and masked paths, and cgroup limits. Pure: everything it
 * needs from the host (hard limits, capabilities, swap accounting) comes in as HostFacts, so
 * every rule here is checked by a table-driven unit test.
 */
import { posix } from "node:path";
import { RuntimeError } from "../errors.js";
import type { ContainerConfig, ImageRuntimeConfig, Mount } from "../runtime.js";
import type { SandboxContext } from "../sandbox-context.js";

// ---------------------------------------------------------------------------------------------
// The parts of the OCI runtime spec (opencontainers/runtime-spec config.md) that we write.

export interface OciUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
}

export interface OciRlimit {
  type: string;
  hard: number;
  soft: number;
}

export interface OciProcess {
  terminal: boolean;
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities: OciCapabilities;
  rlimits: OciRlimit[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export type OciNamespaceType = "pid" | "network" | "mount" | "ipc" | "uts" | "user" | "cgroup";

export interface OciNamespace {
  type: OciNamespaceType;
  path?: string;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: "a" | "c" | "b";
  major?: number;
  minor?: number;
  access: string;
}

export interface OciResources {
  devices: OciDeviceRule[];
  memory?: { limit: number; swap?: number };
  cpu?: { shares?: number; quota?: number; period?: number };
}

export interface OciLinux {
  namespaces: OciNamespace[];
  maskedPaths: string[];
  readonlyPaths: string[];
  resources: OciResources;
  cgroupsPath: string;
  sysctl: Record<string, string>;
  rootfsPropagation?: string;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  mounts: OciMount[];
  annotations: Record<string, string>;
  linux: OciLinux;
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** What the spec needs to know about the host it will run on. */
export interface HostFacts {
  /** The hard RLIMIT_NOFILE of this process: without CAP_SYS_RESOURCE runc cannot raise it. */
  nofileHardLimit: number;
  /** Capabilities this process holds (CAP_ names): what a privileged container can get. */
  capabilities: string[];
  /** Whether the memory cgroup accounts swap (v1 memory.memsw.*); otherwise no swap limit. */
  swapLimit: boolean;
  /** The lowest oom_score_adj runc may set: without CAP_SYS_RESOURCE it cannot go below ours. */
  minOomScoreAdj: number;
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

export interface SpecInput {
  id: string;
  config: ContainerConfig;
  image: ImageRuntimeConfig;
  /** The image reference, recorded as an annotation as containerd does. */
  imageName: string;
  sandbox: SandboxContext;
  user: ResolvedUser;
  host: HostFacts;
}

// ---------------------------------------------------------------------------------------------
// containerd's defaults

export const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** containerd's default set (oci/spec.go): what a container gets without capabilities.add. */
export const defaultCapabilities: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

export const defaultMaskedPaths: readonly string[] = [
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
  "/sys/devices/virtual/powercap",
];

export const defaultReadonlyPaths: readonly string[] = [
  "/proc/asound",
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/** RLIMIT_NOFILE containerd gives containers, before clamping to the host's hard limit. */
export const defaultNofile = 1048576;

/**
 * The device cgroup: deny everything, then allow the devices runc's own spec allows
 * (mknod of any node, and /dev/null, zero, full, random, urandom, tty, ptmx, pts/*).
 */
export const defaultDeviceRules: readonly OciDeviceRule[] = [
  { allow: false, access: "rwm" },
  { allow: true, type: "c", access: "m" },
  { allow: true, type: "b", access: "m" },
  { allow: true, type: "c", major: 1, minor: 3, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 5, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 7, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 8, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 9, access: "rwm" },
  { allow: true, type: "c", major: 5, minor: 0, access: "rwm" },
  { allow: true, type: "c", major: 5, minor: 2, access: "rwm" },
  { allow: true, type: "c", major: 136, access: "rwm" },
];

function systemMounts(): OciMount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
    { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"] },
  ];
}

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * Kubernetes semantics: command replaces the Entrypoint and args replace the Cmd; a command
 * given without args drops the image's Cmd as well, since it belonged to the old Entrypoint.
 */
export function processArgs(config: Pick<ContainerConfig, "command" | "args">, image: ImageRuntimeConfig): string[] {
  let command = config.command;
  let args = config.args;
  if (command.length === 0) {
    if (args.length === 0) args = image.Cmd ?? [];
    // An Entrypoint of [""] is how an image says "no entrypoint".
    const entrypoint = image.Entrypoint ?? [];
    command = entrypoint.length === 1 && entrypoint[0] === "" ? [] : entrypoint;
  }
  const all = [...command, ...args];
  if (all.length === 0) throw new RuntimeError("InvalidArgument", "no command specified");
  return all;
}

function envKey(entry: string): string {
  const i = entry.indexOf("=");
  return i < 0 ? entry : entry.slice(0, i);
}

/** Later entries replace earlier ones with the same key, keeping the first one's position. */
function mergeEnv(layers: string[][]): string[] {
  const out: string[] = [];
  const index = new Map<string, number>();
  for (const layer of layers) {
    for (const entry of layer) {
      const key = envKey(entry);
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, out.length);
        out.push(entry);
      } else {
        out[at] = entry;
      }
    }
  }
  return out;
}

export function processEnv(config: Pick<ContainerConfig, "envs">, image: ImageRuntimeConfig, hostname: string): string[] {
  return mergeEnv([
    [`PATH=${defaultPath}`, `HOSTNAME=${hostname}`],
    image.Env ?? [],
    config.envs.map((e) => `${e.key}=${e.value}`),
  ]);
}

function capName(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
}

/**
 * The container's capability set: containerd's defaults, then "ALL" in add or drop applied
 * first so that individual names still refine it (add ALL, drop CHOWN), then the rest.
 */
export function capabilitySet(
  caps: { add: string[]; drop: string[] } | undefined,
  privileged: boolean,
  hostCapabilities: readonly string[],
): string[] {
  if (privileged) return [...hostCapabilities];
  let set = [...defaultCapabilities];
  if (!caps) return set;
  const isAll = (c: string): boolean => c.toUpperCase() === "ALL";
  if (caps.add.some(isAll)) set = [...hostCapabilities];
  if (caps.drop.some(isAll)) set = [];
  for (const c of caps.add.filter((c) => !isAll(c)).map(capName)) if (!set.includes(c)) set.push(c);
  const drop = new Set(caps.drop.filter((c) => !isAll(c)).map(capName));
  return set.filter((c) => !drop.has(c));
}

function pathDepth(p: string): number {
  return posix.normalize(p).split("/").filter(Boolean).length;
}

function bindMount(m: Mount): OciMount {
  const propagation = m.propagation === "rslave" ? "rslave" : m.propagation === "rshared" ? "rshared" : "rprivate";
  return {
    destination: posix.normalize(m.containerPath),
    type: "bind",
    source: m.hostPath,
    options: ["rbind", propagation, m.readonly ? "ro" : "rw"],
  };
}

/**
 * The pod's files and /dev/shm, unless the agent mounts its own at the same place (the
 * kubelet does for /etc/hosts). Read-only when the root filesystem is, as containerd does.
 */
function sandboxMounts(sandbox: SandboxContext, readonlyRootfs: boolean, taken: Set<string>): Mount[] {
  const out: Mount[] = [];
  const add = (containerPath: string, hostPath: string, readonly: boolean): void => {
    if (!taken.has(containerPath)) out.push({ containerPath, hostPath, readonly });
  };
  add("/etc/hostname", sandbox.etcHostname, readonlyRootfs);
  add("/etc/hosts", sandbox.etcHosts, readonlyRootfs);
  add("/etc/resolv.conf", sandbox.resolvConf, readonlyRootfs);
  add("/dev/shm", sandbox.shm, false);
  return out;
}

function validateMounts(mounts: Mount[]): void {
  for (const m of mounts) {
    if (!posix.isAbsolute(m.containerPath)) {
      throw new RuntimeError("InvalidArgument", `mount container path ${JSON.stringify(m.containerPath)} is not absolute`);
    }
    if (!posix.isAbsolute(m.hostPath)) {
      throw new RuntimeError("InvalidArgument", `mount host path ${JSON.stringify(m.hostPath)} is not absolute`);
    }
  }
}

function mounts(config: ContainerConfig, sandbox: SandboxContext, privileged: boolean): { mounts: OciMount[]; rootfsPropagation?: string } {
  validateMounts(config.mounts);
  const readonlyRootfs = config.securityContext?.readonlyRootfs ?? false;
  const taken = new Set(config.mounts.map((m) => posix.normalize(m.containerPath)));
  const extra = [...sandboxMounts(sandbox, readonlyRootfs, taken), ...config.mounts];
  const destinations = new Set(extra.map((m) => posix.normalize(m.containerPath)));
  const system = systemMounts()
    .filter((m) => !destinations.has(m.destination))
    .filter((m) => !(destinations.has("/dev") && m.destination.startsWith("/dev/")))
    .map((m) =>
      // A privileged container may write /sys and its cgroups, as with Docker and containerd.
      privileged && (m.type === "sysfs" || m.type === "cgroup") ? { ...m, options: m.options.filter((o) => o !== "ro") } : m,
    );
  // Parents before children, so a mount at /data/logs lands on top of one at /data.
  const ordered = extra.map((m, i) => ({ m, i })).sort((a, b) => pathDepth(a.m.containerPath) - pathDepth(b.m.containerPath) || a.i - b.i);
  let rootfsPropagation: string | undefined;
  for (const { m } of ordered) {
    // A shared or slave mount needs the container's root to propagate that way as well.
    if (m.propagation === "rshared") rootfsPropagation = "rshared";
    else if (m.propagation === "rslave" && rootfsPropagation !== "rshared") rootfsPropagation = "rslave";
  }
  const result: { mounts: OciMount[]; rootfsPropagation?: string } = { mounts: [...system, ...ordered.map(({ m }) => bindMount(m))] };
  if (rootfsPropagation) result.rootfsPropagation = rootfsPropagation;
  return result;
}

function namespaces(sandbox: SandboxContext): OciNamespace[] {
  const ns = sandbox.namespaces;
  const out: OciNamespace[] = [{ type: "mount" }];
  out.push(ns.pid ? { type: "pid", path: ns.pid } : { type: "pid" });
  // No path means the host's namespace (hostNetwork, hostIPC): leave the entry out.
  if (ns.ipc) out.push({ type: "ipc", path: ns.ipc });
  if (ns.uts) out.push({ type: "uts", path: ns.uts });
  if (ns.network) out.push({ type: "network", path: ns.network });
  out.push({ type: "cgroup" });
  return out;
}

function resources(config: ContainerConfig, privileged: boolean, host: HostFacts): OciResources {
  const r = config.resources ?? {};
  const out: OciResources = {
    devices: privileged ? [{ allow: true, access: "rwm" }] : defaultDeviceRules.map((d) => ({ ...d })),
  };
  if (r.memoryLimitInBytes) {
    out.memory = { limit: r.memoryLimitInBytes };
    // Swap limited to the memory limit means no swap at all, as the kubelet expects.
    if (host.swapLimit) out.memory.swap = r.memoryLimitInBytes;
  }
  const cpu: NonNullable<OciResources["cpu"]> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  return out;
}

export function buildSpec(input: SpecInput): OciSpec {
  const { config, image, sandbox, user, host } = input;
  const sc = config.securityContext ?? {};
  const privileged = sc.privileged ?? false;
  const caps = capabilitySet(sc.capabilities, privileged, host.capabilities);
  const nofile = Math.min(defaultNofile, host.nofileHardLimit);
  const process: OciProcess = {
    terminal: config.tty,
    user: { uid: user.uid, gid: user.gid, additionalGids: [...user.additionalGids] },
    args: processArgs(config, image),
    env: processEnv(config, image, sandbox.hostname),
    cwd: config.workingDir || image.WorkingDir || "/",
    capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
    rlimits: [{ type: "RLIMIT_NOFILE", hard: nofile, soft: nofile }],
    noNewPrivileges: sc.noNewPrivs ?? false,
  };
  const oomScoreAdj = config.resources?.oomScoreAdj;
  if (oomScoreAdj !== undefined) process.oomScoreAdj = Math.min(1000, Math.max(oomScoreAdj, host.minOomScoreAdj));
  const m = mounts(config, sandbox, privileged);
  const linux: OciLinux = {
    namespaces: namespaces(sandbox),
    maskedPaths: privileged ? [] : [...(sc.maskedPaths ?? defaultMaskedPaths)],
    readonlyPaths: privileged ? [] : [...(sc.readonlyPaths ?? defaultReadonlyPaths)],
    resources: resources(config, privileged, host),
    cgroupsPath: `${sandbox.cgroupParent.replace(/\/+$/, "")}/${input.id}`,
    sysctl: { ...sandbox.sysctls },
  };
  if (m.rootfsPropagation) linux.rootfsPropagation = m.rootfsPropagation;
  return {
    ociVersion: "1.0.2-dev",
    process,
    root: { path: "rootfs", readonly: sc.readonlyRootfs ?? false },
    mounts: m.mounts,
    annotations: {
      ...config.annotations,
      "io.kubernetes.cri.container-type": "container",
      "io.kubernetes.cri.container-name": config.metadata.name,
      "io.kubernetes.cri.sandbox-id": sandbox.id,
      "io.kubernetes.cri.image-name": input.imageName,
    },
    linux,
  };
}
