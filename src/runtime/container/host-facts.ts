/**
 * The host limits an OCI spec must respect, read once from /proc: this process's hard
 * RLIMIT_NOFILE, its capabilities and its oom_score_adj. runc runs with our privileges, so
 * asking it for more than we hold (without CAP_SYS_RESOURCE, a higher rlimit or a lower
 * oom_score_adj) makes container creation fail with EPERM.
 */
import { readFileSync } from "node:fs";
import type { HostFacts } from "./oci-spec.js";

/** Capability names by bit number (linux/capability.h). */
const capabilityNames = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

/** Names of the capabilities set in a /proc/<pid>/status mask such as "000001fffeffffff". */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return capabilityNames.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** The hard limit of one line of /proc/self/limits, e.g. "Max open files". */
export function hardLimit(limits: string, name: string): number {
  const line = limits.split("\n").find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  if (hard === undefined || hard === "unlimited") return Number.MAX_SAFE_INTEGER;
  return Number(hard);
}

export function readHostFacts(swapLimit: boolean): HostFacts {
  const status = readFileSync("/proc/self/status", "utf8");
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? "0";
  const capabilities = capabilitiesFromMask(capEff);
  const ownOomScoreAdj = Number(readFileSync("/proc/self/oom_score_adj", "utf8").trim());
  return {
    nofileHardLimit: hardLimit(readFileSync("/proc/self/limits", "utf8"), "Max open files"),
    capabilities,
    swapLimit,
    minOomScoreAdj: capabilities.includes("CAP_SYS_RESOURCE") ? -1000 : ownOomScoreAdj,
  };
}
