/**
 * What the agent reports about its host in the Node object, read once at start from
 * /proc, /sys and /etc as the kubelet's cadvisor-backed setters do. Anything a container
 * host may lack (a DMI product UUID) is reported empty rather than invented.
 */
import { readFileSync, statfsSync } from "node:fs";
import { arch, cpus, hostname, release } from "node:os";
import { hostIPv4Address } from "../base/index.js";
import type { NodeHostFacts } from "./node-status.js";

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

function memoryBytes(): number {
  const line = readTrimmed("/proc/meminfo").split("\n").find((l) => l.startsWith("MemTotal:"));
  const kib = Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0);
  return kib * 1024;
}

function osImage(): string {
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readTrimmed("/etc/os-release"))?.[1];
  return pretty ?? "Linux";
}

/** Node's arch names to Go's GOARCH, which Kubernetes labels use. */
export function goArch(nodeArch: string): string {
  return ({ x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" } as Record<string, string>)[nodeArch] ?? nodeArch;
}

export function readNodeHostFacts(options: { dataDir: string; runtimeVersion: string; kubeletVersion: string }): NodeHostFacts {
  const fs = statfsSync(options.dataDir);
  return {
    hostname: hostname().toLowerCase(),
    internalIP: hostIPv4Address(),
    cpus: cpus().length,
    memoryBytes: memoryBytes(),
    ephemeralStorageBytes: fs.blocks * fs.bsize,
    machineID: readTrimmed("/etc/machine-id"),
    systemUUID: readTrimmed("/sys/class/dmi/id/product_uuid"),
    bootID: readTrimmed("/proc/sys/kernel/random/boot_id"),
    kernelVersion: release(),
    osImage: osImage(),
    architecture: goArch(arch()),
    containerRuntimeVersion: options.runtimeVersion,
    kubeletVersion: options.kubeletVersion,
  };
}
