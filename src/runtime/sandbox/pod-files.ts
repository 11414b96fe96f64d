/**
 * The files every container of a pod mounts: /etc/hosts, /etc/hostname and
 * /etc/resolv.conf, written once per pod in the layout the kubelet and CRI runtimes give
 * them, so that programs (and people) inside a Peapod pod see what they would see in a
 * Kubernetes pod.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { DnsConfig, HostAlias, PodSandboxConfig } from "../runtime.js";
import type { SandboxPaths } from "./sandbox-meta.js";

const hostsHeader = "# Kubernetes-managed hosts file.\n";
const hostNetworkHostsHeader = "# Kubernetes-managed hosts file (host network).\n";
const localhostEntries = [
  "127.0.0.1\tlocalhost",
  "::1\tlocalhost ip6-localhost ip6-loopback",
  "fe00::0\tip6-localnet",
  "fe00::0\tip6-mcastprefix",
  "fe00::1\tip6-allnodes",
  "fe00::2\tip6-allrouters",
];

function hostAliasEntries(aliases: readonly HostAlias[]): string {
  if (aliases.length === 0) return "";
  return "\n# Entries added by HostAliases.\n" + aliases.map((a) => `${a.ip}\t${a.hostnames.join("\t")}\n`).join("");
}

/** A pod's own /etc/hosts: localhost, then the pod's names on each of its IPs, then its hostAliases. */
export function podHostsFile(config: Pick<PodSandboxConfig, "hostname" | "fqdn" | "hostAliases">, ips: readonly string[]): string {
  const names = config.fqdn ? `${config.fqdn}\t${config.hostname}` : config.hostname;
  const own = ips.map((ip) => `${ip}\t${names}\n`).join("");
  return hostsHeader + localhostEntries.join("\n") + "\n" + own + hostAliasEntries(config.hostAliases);
}

/** A host-network pod sees the node's names, plus its own hostAliases. */
export function hostNetworkHostsFile(hostContent: string, aliases: readonly HostAlias[]): string {
  return hostNetworkHostsHeader + hostContent + hostAliasEntries(aliases);
}

/** resolv.conf as CRI runtimes write it from the kubelet's DNS config. */
export function resolvConfFile(dns: DnsConfig): string {
  let out = "";
  if (dns.searches.length > 0) out += `search ${dns.searches.join(" ")}\n`;
  for (const server of dns.servers) out += `nameserver ${server}\n`;
  if (dns.options.length > 0) out += `options ${dns.options.join(" ")}\n`;
  return out;
}

export async function writePodFiles(paths: SandboxPaths, config: PodSandboxConfig, ips: readonly string[]): Promise<void> {
  const hosts = config.hostNetwork ? hostNetworkHostsFile(readHostFile("/etc/hosts"), config.hostAliases) : podHostsFile(config, ips);
  // A host-network pod has the node's hostname, so /etc/hostname says so too.
  const hostname = config.hostNetwork ? nodeHostname() : config.hostname;
  await Promise.all([
    writeFile(paths.hosts, hosts, { mode: 0o644 }),
    writeFile(paths.hostname, `${hostname}\n`, { mode: 0o644 }),
    writeFile(paths.resolvConf, config.dnsConfig ? resolvConfFile(config.dnsConfig) : readHostFile("/etc/resolv.conf"), { mode: 0o644 }),
  ]);
}

export function nodeHostname(): string {
  return readHostFile("/proc/sys/kernel/hostname").trim();
}

function readHostFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
