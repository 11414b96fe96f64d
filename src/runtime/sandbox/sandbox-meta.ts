/**
 * A sandbox on disk: its directory's layout and meta.json, the record adoption reads after
 * a restart. meta.json is replaced atomically and durably (base/atomic-file.ts), so a reader
 * sees the old record or the new one, never half of either; a sandbox whose record is missing
 * or not complete was interrupted during setup and is torn down rather than trusted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomically } from "../../base/index.js";
import type { PodSandboxConfig, PodSandboxState, Protocol } from "../runtime.js";
import type { CniResult } from "./cni.js";

export interface SandboxPaths {
  dir: string;
  meta: string;
  /** Namespace files, each a bind mount of the namespace once it exists. */
  net: string;
  ipc: string;
  uts: string;
  pid: string;
  shm: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
}

export function sandboxPaths(sandboxesDir: string, id: string): SandboxPaths {
  const dir = join(sandboxesDir, id);
  const ns = join(dir, "ns");
  return {
    dir,
    meta: join(dir, "meta.json"),
    net: join(ns, "net"),
    ipc: join(ns, "ipc"),
    uts: join(ns, "uts"),
    pid: join(ns, "pid"),
    shm: join(dir, "shm"),
    hosts: join(dir, "hosts"),
    hostname: join(dir, "hostname"),
    resolvConf: join(dir, "resolv.conf"),
  };
}

/** One published port: traffic to hostIp:hostPort (any local address when hostIp is absent) goes to podIp:containerPort. */
export interface HostPortRule {
  protocol: Protocol;
  hostPort: number;
  hostIp?: string;
  podIp: string;
  containerPort: number;
}

export interface SandboxMeta {
  id: string;
  config: PodSandboxConfig;
  createdAt: number;
  /** False while run() is under way: such a sandbox is torn down, not adopted. */
  complete: boolean;
  state: PodSandboxState;
  ips: string[];
  /** The bridge plugin's ADD result, handed to DEL as prevResult; absent once the network is down. */
  cniResult?: CniResult;
  hostPorts: HostPortRule[];
  /** Process group of the PID namespace's holder (shareProcessNamespace); absent once killed. */
  holderPid?: number;
}

export function readMeta(path: string): SandboxMeta | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as SandboxMeta;
  } catch {
    return undefined;
  }
}

export function writeMeta(paths: SandboxPaths, meta: SandboxMeta): Promise<void> {
  return writeFileAtomically(paths.meta, JSON.stringify(meta));
}
