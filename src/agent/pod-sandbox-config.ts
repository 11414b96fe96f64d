/**
 * A pod's sandbox config for the runtime, as the kubelet builds it for the CRI
 * (pkg/kubelet/kuberuntime kuberuntime_sandbox.go generatePodSandboxConfig, labels.go;
 * pkg/kubelet/kubelet_pods.go GeneratePodHostNameAndDomain; pkg/kubelet/network/dns/dns.go
 * GetPodDNS; pkg/kubelet/util GetNodenameForKernel). Pure: the host's resolv.conf comes in
 * as text.
 */
import type { Pod } from "../api/index.js";
import type { DnsConfig, PodSandboxConfig, PortMapping, Protocol } from "../runtime/index.js";

export const podNameLabel = "io.kubernetes.pod.name";
export const podNamespaceLabel = "io.kubernetes.pod.namespace";
export const podUidLabel = "io.kubernetes.pod.uid";

/** Linux allows 64 bytes with the terminating NUL. */
const hostnameMaxLength = 63;
const fqdnMaxLength = 64;
/** Resolver limits (pkg/apis/core/validation MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars). */
export const maxDnsNameservers = 3;
export const maxDnsSearchPaths = 32;
export const maxDnsSearchListChars = 2048;

export interface SandboxConfigOptions {
  /** Root of pod log directories (the kubelet's /var/log/pods). */
  logRoot: string;
  clusterDomain?: string;
  /** Cluster DNS server IPs; empty: ClusterFirst falls back to Default. */
  clusterDns?: readonly string[];
  /**
   * The host's resolv.conf text, the base of Default (and the search list ClusterFirst
   * extends). Absent: Default without pod dnsConfig leaves the runtime to copy the host's file.
   */
  hostResolvConf?: string;
  /** How many sandboxes the pod had before this one. */
  attempt?: number;
}

/** A Warning event the kubelet records while building the config. */
export interface SandboxConfigWarning {
  reason: "MissingClusterDNS" | "DNSConfigForming";
  message: string;
}

export type SandboxConfigResult = { config: PodSandboxConfig; warnings: SandboxConfigWarning[] } | { error: string };

export const missingClusterDnsMessage =
  `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;

/** `${logRoot}/${namespace}_${name}_${uid}` (upstream BuildPodLogsDirectory). */
export function podLogDirectory(logRoot: string, pod: Pod): string {
  const m = pod.metadata ?? {};
  return `${logRoot.replace(/\/+$/, "")}/${m.namespace ?? ""}_${m.name ?? ""}_${m.uid ?? ""}`;
}

/**
 * The pod's hostname (spec.hostname or the pod name, cut to 63 characters without a
 * trailing '-' or '.') and, with a subdomain, its domain `sub.ns.svc.clusterDomain`.
 */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } | { error: string } {
  const name = pod.metadata?.name ?? "";
  const wanted = pod.spec?.hostname || name;
  let hostname = wanted;
  if (hostname.length > hostnameMaxLength) {
    hostname = hostname.slice(0, hostnameMaxLength).replace(/[-.]+$/, "");
    if (hostname === "") return { error: `hostname for pod ${JSON.stringify(name)} was invalid: ${JSON.stringify(wanted)}` };
  }
  const sub = pod.spec?.subdomain;
  const domain = sub ? `${sub}.${pod.metadata?.namespace ?? ""}.svc.${clusterDomain}` : "";
  return { hostname, domain };
}

/** The resolver settings of a resolv.conf text (upstream parseResolvConf): later `search` lines win. */
export function parseResolvConf(text: string): DnsConfig {
  const servers: string[] = [];
  let searches: string[] = [];
  const options: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.startsWith(";")) continue;
    const fields = line.trim().split(/\s+/).filter((f) => f !== "");
    if (fields.length === 0) continue;
    if (fields[0] === "nameserver" && fields[1]) servers.push(fields[1]);
    if (fields[0] === "search") searches = fields.slice(1).filter((s) => s !== ".").map((s) => s.replace(/\.$/, ""));
    if (fields[0] === "options") {
      for (const opt of fields.slice(1)) {
        const name = opt.split(":")[0];
        const i = options.findIndex((o) => o.split(":")[0] === name);
        if (i >= 0) options.splice(i, 1);
        options.push(opt);
      }
    }
  }
  return { servers, searches, options };
}

const unique = (list: readonly string[]): string[] => [...new Set(list)];

/** Pod dnsConfig options over existing `name[:value]` options; a name keeps its first position. */
function mergeDnsOptions(existing: readonly string[], extra: readonly { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(":");
    byName.set(i === -1 ? op : op.slice(0, i), i === -1 ? "" : op.slice(i + 1));
  }
  for (const op of extra) byName.set(op.name ?? "", op.value ?? "");
  return [...byName].map(([n, v]) => (v === "" ? n : `${n}:${v}`));
}

type PodDnsType = "None" | "Cluster" | "Host";

function podDnsType(pod: Pod): PodDnsType {
  switch (pod.spec?.dnsPolicy) {
    case "None": return "None";
    case "ClusterFirstWithHostNet": return "Cluster";
    case "Default": return "Host";
    case "ClusterFirst":
    default:
      // A host-network pod with ClusterFirst uses the node's resolver.
      return pod.spec?.hostNetwork ? "Host" : "Cluster";
  }
}

/**
 * The pod's resolver settings per dnsPolicy, with spec.dnsConfig merged in and the result
 * cut to the resolver limits. undefined: copy the host's resolv.conf unchanged.
 */
export function podDnsConfig(pod: Pod, options: Omit<SandboxConfigOptions, "logRoot">): { dnsConfig?: DnsConfig; warnings: SandboxConfigWarning[] } {
  const warnings: SandboxConfigWarning[] = [];
  const clusterDomain = options.clusterDomain ?? "cluster.local";
  const clusterDns = options.clusterDns ?? [];
  const host = options.hostResolvConf !== undefined ? parseResolvConf(options.hostResolvConf) : undefined;
  let type = podDnsType(pod);
  if (type === "Cluster" && clusterDns.length === 0) {
    warnings.push({ reason: "MissingClusterDNS", message: missingClusterDnsMessage });
    type = "Host";
  }
  let config: DnsConfig | undefined;
  if (type === "None") {
    config = { servers: [], searches: [], options: [] };
  } else if (type === "Cluster") {
    const ns = pod.metadata?.namespace ?? "";
    const clusterSearch = clusterDomain ? [`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain] : [];
    config = { servers: [...clusterDns], searches: unique([...clusterSearch, ...(host?.searches ?? [])]), options: ["ndots:5"] };
  } else {
    config = host ? { ...host } : undefined;
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    const base = config ?? { servers: [], searches: [], options: [] };
    config = {
      servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...base.searches, ...(extra.searches ?? [])]),
      options: mergeDnsOptions(base.options, extra.options ?? []),
    };
  }
  if (config) config = fitDnsLimits(config, warnings);
  return config ? { dnsConfig: config, warnings } : { warnings };
}

/** Drops nameservers and search paths beyond the limits, as the kubelet does, with its warnings. */
function fitDnsLimits(config: DnsConfig, warnings: SandboxConfigWarning[]): DnsConfig {
  let { servers, searches } = config;
  if (servers.length > maxDnsNameservers) {
    servers = servers.slice(0, maxDnsNameservers);
    warnings.push({
      reason: "DNSConfigForming",
      message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${servers.join(" ")}`,
    });
  }
  // Paths longer than a DNS name make some resolvers (glibc 2.28) abort, so they go too.
  let limited = searches.slice(0, maxDnsSearchPaths).filter((s) => s.length <= 253);
  while (limited.join(" ").length > maxDnsSearchListChars) limited = limited.slice(0, -1);
  if (limited.length < searches.length) {
    searches = limited;
    warnings.push({
      reason: "DNSConfigForming",
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${searches.join(" ")}`,
    });
  }
  return { servers, searches, options: config.options };
}

/** `net/ipv4/conf/eth0.100/rp_filter` → `net.ipv4.conf.eth0/100.rp_filter` (upstream NormalizeName). */
export function normalizeSysctlName(name: string): string {
  const first = name.search(/[./]/);
  if (first === -1 || name[first] === ".") return name;
  return name.replace(/[./]/g, (c) => (c === "." ? "/" : "."));
}

function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      const m: PortMapping = { protocol: (p.protocol ?? "TCP") as Protocol, containerPort: p.containerPort ?? 0, hostPort: p.hostPort };
      if (p.hostIP) m.hostIp = p.hostIP;
      out.push(m);
    }
  }
  return out;
}

/**
 * The sandbox config for `pod`, the Warning events the kubelet would record while building
 * it, or the error that fails sandbox creation (an FQDN hostname too long for the kernel).
 */
export function podSandboxConfig(pod: Pod, options: SandboxConfigOptions): SandboxConfigResult {
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? {};
  const clusterDomain = options.clusterDomain ?? "cluster.local";
  const names = podHostnameAndDomain(pod, clusterDomain);
  if ("error" in names) return names;
  const fqdn = names.domain ? `${names.hostname}.${names.domain}` : undefined;
  let hostname = names.hostname;
  if (spec.setHostnameAsFQDN && fqdn) {
    if (fqdn.length > fqdnMaxLength) {
      return { error: `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${fqdnMaxLength} characters is the max, ${fqdn.length} characters requested)` };
    }
    hostname = fqdn;
  }
  const { dnsConfig, warnings } = podDnsConfig(pod, options);
  const config: PodSandboxConfig = {
    metadata: { name: meta.name ?? "", namespace: meta.namespace ?? "", uid: meta.uid ?? "", attempt: options.attempt ?? 0 },
    hostname,
    logDirectory: podLogDirectory(options.logRoot, pod),
    portMappings: portMappings(pod),
    hostAliases: (spec.hostAliases ?? []).map((a) => ({ ip: a.ip ?? "", hostnames: [...(a.hostnames ?? [])] })),
    hostNetwork: spec.hostNetwork ?? false,
    hostIpc: spec.hostIPC ?? false,
    sharePid: spec.shareProcessNamespace ?? false,
    labels: { ...(meta.labels ?? {}), [podNameLabel]: meta.name ?? "", [podNamespaceLabel]: meta.namespace ?? "", [podUidLabel]: meta.uid ?? "" },
    annotations: { ...(meta.annotations ?? {}) },
  };
  if (fqdn) config.fqdn = fqdn;
  if (dnsConfig) config.dnsConfig = dnsConfig;
  const sysctls = spec.securityContext?.sysctls ?? [];
  if (sysctls.length > 0) config.sysctls = Object.fromEntries(sysctls.map((s) => [normalizeSysctlName(s.name ?? ""), s.value ?? ""]));
  return { config, warnings };
}
