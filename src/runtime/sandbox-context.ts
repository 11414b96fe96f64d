/**
 * What a container needs from its pod sandbox: the namespaces to join, the per-pod files to
 * mount, and where its logs and cgroup go. The sandbox manager produces it; the container
 * manager consumes it; neither reaches into the other.
 */
export interface SandboxNamespaces {
  /** Paths of bind-mounted namespace files; absent means the host's namespace. */
  network?: string;
  ipc?: string;
  uts?: string;
  /** Present only when the pod shares one PID namespace (shareProcessNamespace). */
  pid?: string;
}

export interface SandboxContext {
  id: string;
  hostname: string;
  hostNetwork: boolean;
  namespaces: SandboxNamespaces;
  /** Files written per pod and bind-mounted into every container. */
  etcHosts: string;
  etcHostname: string;
  resolvConf: string;
  /** A tmpfs mounted per pod; every container gets it at /dev/shm (shared IPC). */
  shm: string;
  logDirectory: string;
  /** cgroupsPath prefix for the pod's containers, e.g. /peapod-1a2b3c/pod-<sandbox id>. */
  cgroupParent: string;
  sysctls: Record<string, string>;
}
