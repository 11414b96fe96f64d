/**
 * What the agent reports about its host in the Node object, read once at start from
 * /proc, /sys and /etc as the kubelet's cadvisor-backed setters do. Anything a container
 * host may lack (a DMI product UUID) is reported empty rather than invented.
 */
import { readFileSync, statfsSync } from "node:fs";
import { arch, cpus, hostname, networkInterfaces, release } from "node:os";
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

/**
 * The address other nodes reach this one on: the first IPv4 address of an interface that
 * is not loopback and not one of the pod bridges or veths a runtime made.
 */
export function internalIP(ignoreInterface: (name: string) => boolean = () => false): string {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (ignoreInterface(name) || name.startsWith("veth")) continue;
    const v4 = addresses?.find((a) => a.family === "IPv4" && !a.internal);
    if (v4) return v4.address;
  }
  return "127.0.0.1";
}

export function readNodeHostFacts(options: { dataDir: string; runtimeVersion: string; kubeletVersion: string; ignoreInterface?: (name: string) => boolean }): NodeHostFacts {
  const fs = statfsSync(options.dataDir);
  return {
    hostname: hostname().toLowerCase(),
    internalIP: internalIP(options.ignoreInterface),
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
