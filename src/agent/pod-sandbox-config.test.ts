import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, PodSpec } from "../api/index.js";
import type { PodSandboxConfig } from "../runtime/index.js";
import {
  missingClusterDnsMessage, normalizeSysctlName, parseResolvConf, podDnsConfig, podHostnameAndDomain, podLogDirectory, podSandboxConfig,
  type SandboxConfigOptions,
} from "./pod-sandbox-config.js";

const podOf = (spec: PodSpec, name = "web"): Pod => ({ metadata: { name, namespace: "prod", uid: "u-1" }, spec: { containers: [{ name: "c" }], ...spec } });

const hostResolv = "# generated\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch home.lan corp.example. .\noptions ndots:1 timeout:2\n; comment\noptions ndots:3\n";

test("parseResolvConf reads nameservers, the last search line and options", () => {
  assert.deepEqual(parseResolvConf(hostResolv), { servers: ["192.168.1.1", "192.168.1.2"], searches: ["home.lan", "corp.example"], options: ["timeout:2", "ndots:3"] });
  assert.deepEqual(parseResolvConf("search a b\nsearch c\nnameserver\n"), { servers: [], searches: ["c"], options: [] });
  assert.deepEqual(parseResolvConf(""), { servers: [], searches: [], options: [] });
});

test("podHostnameAndDomain (GeneratePodHostNameAndDomain, truncatePodHostnameIfNeeded)", () => {
  const long63 = "a".repeat(63);
  const cases: [string, PodSpec, string, { hostname: string; domain: string }][] = [
    ["pod name", {}, "web", { hostname: "web", domain: "" }],
    ["spec.hostname", { hostname: "h1" }, "web", { hostname: "h1", domain: "" }],
    ["subdomain", { hostname: "h1", subdomain: "sub" }, "web", { hostname: "h1", domain: "sub.prod.svc.cluster.local" }],
    ["exactly 63", {}, long63, { hostname: long63, domain: "" }],
    ["truncated to 63", {}, "b".repeat(70), { hostname: "b".repeat(63), domain: "" }],
    ["truncated without trailing - or .", {}, `${"c".repeat(61)}.-d`, { hostname: "c".repeat(61), domain: "" }],
  ];
  for (const [name, spec, podName, want] of cases) assert.deepEqual(podHostnameAndDomain(podOf(spec, podName), "cluster.local"), want, name);
});

test("podDnsConfig per dnsPolicy (network/dns GetPodDNS)", () => {
  const clusterSearch = ["prod.svc.cluster.local", "svc.cluster.local", "cluster.local"];
  const base: Omit<SandboxConfigOptions, "logRoot"> = { clusterDns: ["10.43.0.10"], hostResolvConf: hostResolv };
  const cases: [string, PodSpec, Omit<SandboxConfigOptions, "logRoot">, object | undefined, string[]][] = [
    ["ClusterFirst", { dnsPolicy: "ClusterFirst" }, base, { servers: ["10.43.0.10"], searches: [...clusterSearch, "home.lan", "corp.example"], options: ["ndots:5"] }, []],
    ["ClusterFirst without host resolv.conf", { dnsPolicy: "ClusterFirst" }, { clusterDns: ["10.43.0.10"] }, { servers: ["10.43.0.10"], searches: clusterSearch, options: ["ndots:5"] }, []],
    ["ClusterFirst, other domain", { dnsPolicy: "ClusterFirst" }, { clusterDns: ["10.43.0.10"], clusterDomain: "k.test" }, { servers: ["10.43.0.10"], searches: ["prod.svc.k.test", "svc.k.test", "k.test"], options: ["ndots:5"] }, []],
    ["ClusterFirst without cluster DNS falls back to Default", { dnsPolicy: "ClusterFirst" }, { hostResolvConf: hostResolv }, { servers: ["192.168.1.1", "192.168.1.2"], searches: ["home.lan", "corp.example"], options: ["timeout:2", "ndots:3"] }, [missingClusterDnsMessage]],
    ["ClusterFirst without cluster DNS nor resolv.conf: the runtime copies the host's", { dnsPolicy: "ClusterFirst" }, {}, undefined, [missingClusterDnsMessage]],
    ["ClusterFirst on host network is Default", { dnsPolicy: "ClusterFirst", hostNetwork: true }, base, { servers: ["192.168.1.1", "192.168.1.2"], searches: ["home.lan", "corp.example"], options: ["timeout:2", "ndots:3"] }, []],
    ["ClusterFirstWithHostNet", { dnsPolicy: "ClusterFirstWithHostNet", hostNetwork: true }, base, { servers: ["10.43.0.10"], searches: [...clusterSearch, "home.lan", "corp.example"], options: ["ndots:5"] }, []],
    ["Default", { dnsPolicy: "Default" }, base, { servers: ["192.168.1.1", "192.168.1.2"], searches: ["home.lan", "corp.example"], options: ["timeout:2", "ndots:3"] }, []],
    ["Default without resolv.conf", { dnsPolicy: "Default" }, { clusterDns: ["10.43.0.10"] }, undefined, []],
    ["None", { dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"], searches: ["x.test"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] } }, base, { servers: ["1.1.1.1"], searches: ["x.test"], options: ["ndots:2", "edns0"] }, []],
    [
      "ClusterFirst merged with dnsConfig",
      { dnsPolicy: "ClusterFirst", dnsConfig: { nameservers: ["10.43.0.10", "8.8.8.8"], searches: ["cluster.local", "extra.test"], options: [{ name: "ndots", value: "2" }, { name: "single-request" }] } },
      { clusterDns: ["10.43.0.10"] },
      { servers: ["10.43.0.10", "8.8.8.8"], searches: [...clusterSearch, "extra.test"], options: ["ndots:2", "single-request"] },
      [],
    ],
    ["Default merged, no resolv.conf", { dnsPolicy: "Default", dnsConfig: { searches: ["a.test"] } }, {}, { servers: [], searches: ["a.test"], options: [] }, []],
    [
      "too many nameservers",
      { dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"] } },
      {},
      { servers: ["1.1.1.1", "2.2.2.2", "3.3.3.3"], searches: [], options: [] },
      ["Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3"],
    ],
  ];
  for (const [name, spec, options, want, warnings] of cases) {
    const got = podDnsConfig(podOf(spec), options);
    assert.deepEqual(got.dnsConfig, want, name);
    assert.deepEqual(got.warnings.map((w) => w.message), warnings, name);
    if (warnings[0] === missingClusterDnsMessage) assert.equal(got.warnings[0]!.reason, "MissingClusterDNS");
  }
  assert.equal(missingClusterDnsMessage, `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`);

  const many = Array.from({ length: 40 }, (_, i) => `d${i}.test`);
  const got = podDnsConfig(podOf({ dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"], searches: many } }), {});
  assert.deepEqual(got.dnsConfig?.searches, many.slice(0, 32));
  assert.equal(got.warnings[0]?.message, `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${many.slice(0, 32).join(" ")}`);
  const long = Array.from({ length: 10 }, (_, i) => `${String(i).repeat(240)}.test`);
  assert.equal(podDnsConfig(podOf({ dnsPolicy: "None", dnsConfig: { searches: long } }), {}).dnsConfig?.searches.length, 8);
});

test("normalizeSysctlName swaps '/' and '.' when '/' comes first", () => {
  const cases: [string, string][] = [
    ["net.ipv4.ip_forward", "net.ipv4.ip_forward"],
    ["net/ipv4/ip_forward", "net.ipv4.ip_forward"],
    ["net/ipv4/conf/eno2.100/rp_filter", "net.ipv4.conf.eno2/100.rp_filter"],
    ["net.ipv4.conf.eno2/100.rp_filter", "net.ipv4.conf.eno2/100.rp_filter"],
    ["kernel", "kernel"],
    ["", ""],
  ];
  for (const [input, want] of cases) assert.equal(normalizeSysctlName(input), want, input);
});

test("podSandboxConfig builds the whole sandbox config", () => {
  const pod: Pod = {
    metadata: { name: "web", namespace: "prod", uid: "u-1", labels: { app: "web" }, annotations: { note: "x" } },
    spec: {
      hostname: "h1",
      subdomain: "sub",
      dnsPolicy: "ClusterFirst",
      shareProcessNamespace: true,
      hostIPC: true,
      hostAliases: [{ ip: "10.1.1.1", hostnames: ["foo.local", "bar.local"] }],
      securityContext: { sysctls: [{ name: "net.core.somaxconn", value: "1024" }, { name: "kernel/shm_rmid_forced", value: "1" }] },
      initContainers: [{ name: "init", ports: [{ containerPort: 9, hostPort: 9 }] }],
      containers: [
        { name: "a", ports: [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }, { containerPort: 81, protocol: "TCP" }] },
        { name: "b", ports: [{ containerPort: 53, hostPort: 5353, protocol: "UDP", hostIP: "127.0.0.1" }] },
      ],
    },
  };
  const got = podSandboxConfig(pod, { logRoot: "/var/log/pods/", clusterDns: ["10.43.0.10"], attempt: 2 });
  const want: PodSandboxConfig = {
    metadata: { name: "web", namespace: "prod", uid: "u-1", attempt: 2 },
    hostname: "h1",
    fqdn: "h1.sub.prod.svc.cluster.local",
    logDirectory: "/var/log/pods/prod_web_u-1",
    dnsConfig: { servers: ["10.43.0.10"], searches: ["prod.svc.cluster.local", "svc.cluster.local", "cluster.local"], options: ["ndots:5"] },
    portMappings: [
      { protocol: "TCP", containerPort: 80, hostPort: 8080 },
      { protocol: "UDP", containerPort: 53, hostPort: 5353, hostIp: "127.0.0.1" },
    ],
    hostAliases: [{ ip: "10.1.1.1", hostnames: ["foo.local", "bar.local"] }],
    hostNetwork: false,
    hostIpc: true,
    sharePid: true,
    labels: { app: "web", "io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "prod", "io.kubernetes.pod.uid": "u-1" },
    annotations: { note: "x" },
    sysctls: { "net.core.somaxconn": "1024", "kernel.shm_rmid_forced": "1" },
  };
  assert.deepEqual(got, { config: want, warnings: [] });

  const minimal = podSandboxConfig(podOf({ dnsPolicy: "Default", hostNetwork: true }), { logRoot: "/logs" });
  assert.ok("config" in minimal);
  assert.deepEqual(minimal.config, {
    metadata: { name: "web", namespace: "prod", uid: "u-1", attempt: 0 },
    hostname: "web",
    logDirectory: "/logs/prod_web_u-1",
    portMappings: [],
    hostAliases: [],
    hostNetwork: true,
    hostIpc: false,
    sharePid: false,
    labels: { "io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "prod", "io.kubernetes.pod.uid": "u-1" },
    annotations: {},
  });
  assert.equal(podLogDirectory("/a/b", podOf({})), "/a/b/prod_web_u-1");
});

test("setHostnameAsFQDN makes the kernel hostname the FQDN, which must fit in 64 characters", () => {
  const ok = podSandboxConfig(podOf({ subdomain: "sub", setHostnameAsFQDN: true, dnsPolicy: "Default" }), { logRoot: "/l" });
  assert.ok("config" in ok);
  assert.equal(ok.config.hostname, "web.sub.prod.svc.cluster.local");
  const noSub = podSandboxConfig(podOf({ setHostnameAsFQDN: true, dnsPolicy: "Default" }), { logRoot: "/l" });
  assert.ok("config" in noSub && noSub.config.hostname === "web");
  const longName = "n".repeat(40);
  const fqdn = `${longName}.sub.prod.svc.cluster.local`;
  assert.deepEqual(podSandboxConfig(podOf({ subdomain: "sub", setHostnameAsFQDN: true }, longName), { logRoot: "/l" }), {
    error: `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`,
  });
});
