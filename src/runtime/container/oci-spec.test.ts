import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isRuntimeError } from "../errors.js";
import type { ContainerConfig, ImageRuntimeConfig } from "../runtime.js";
import type { SandboxContext } from "../sandbox-context.js";
import {
  buildSpec,
  capabilitySet,
  defaultCapabilities,
  defaultMaskedPaths,
  defaultPath,
  defaultReadonlyPaths,
  processArgs,
  processEnv,
  type HostFacts,
  type OciSpec,
  type SpecInput,
} from "./oci-spec.js";

const id = "a".repeat(64);

const sandbox: SandboxContext = {
  id: "b".repeat(64),
  hostname: "web-0",
  hostNetwork: false,
  namespaces: { network: "/run/ns/net", ipc: "/run/ns/ipc", uts: "/run/ns/uts" },
  etcHosts: "/sb/hosts",
  etcHostname: "/sb/hostname",
  resolvConf: "/sb/resolv.conf",
  shm: "/sb/shm",
  logDirectory: "/logs",
  cgroupParent: "/peapod-1/pod-b",
  sysctls: { "net.ipv4.ip_unprivileged_port_start": "0" },
};

const host: HostFacts = {
  nofileHardLimit: 20000,
  capabilities: [...defaultCapabilities, "CAP_SYS_ADMIN", "CAP_NET_ADMIN"],
  swapLimit: true,
  minOomScoreAdj: 0,
};

function config(over: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name: "app", attempt: 0 },
    image: "busybox",
    command: [],
    args: [],
    envs: [],
    mounts: [],
    labels: {},
    annotations: {},
    logPath: "app/0.log",
    stdin: false,
    stdinOnce: false,
    tty: false,
    ...over,
  };
}

function spec(over: Partial<SpecInput> = {}, cfg: Partial<ContainerConfig> = {}, image: ImageRuntimeConfig = { Cmd: ["sh"] }): OciSpec {
  return buildSpec({
    id,
    config: config(cfg),
    image,
    imageName: "docker.io/library/busybox:latest",
    sandbox,
    user: { uid: 0, gid: 0, additionalGids: [0] },
    host,
    ...over,
  });
}

describe("processArgs follows Kubernetes command/args semantics", () => {
  const image: ImageRuntimeConfig = { Entrypoint: ["/entry"], Cmd: ["--default"] };
  const cases: Array<{ name: string; command: string[]; args: string[]; image: ImageRuntimeConfig; want: string[] | "error" }> = [
    { name: "image defaults", command: [], args: [], image, want: ["/entry", "--default"] },
    { name: "args replace Cmd", command: [], args: ["--x"], image, want: ["/entry", "--x"] },
    { name: "command replaces Entrypoint and drops Cmd", command: ["/bin/sh"], args: [], image, want: ["/bin/sh"] },
    { name: "command and args", command: ["/bin/sh"], args: ["-c", "true"], image, want: ["/bin/sh", "-c", "true"] },
    { name: "empty-string entrypoint means none", command: [], args: [], image: { Entrypoint: [""], Cmd: ["sh"] }, want: ["sh"] },
    { name: "null entrypoint and cmd", command: [], args: [], image: { Entrypoint: null, Cmd: null }, want: "error" },
    { name: "nothing at all", command: [], args: [], image: {}, want: "error" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.want === "error") {
        assert.throws(
          () => processArgs({ command: c.command, args: c.args }, c.image),
          (e) => isRuntimeError(e, "InvalidArgument") && /no command specified/.test(e.message),
        );
      } else {
        assert.deepEqual(processArgs({ command: c.command, args: c.args }, c.image), c.want);
      }
    });
  }
});

describe("processEnv", () => {
  const cases: Array<{ name: string; image: string[]; envs: Array<[string, string]>; want: string[] }> = [
    { name: "defaults", image: [], envs: [], want: [`PATH=${defaultPath}`, "HOSTNAME=web-0"] },
    {
      name: "image PATH replaces the default in place",
      image: ["PATH=/bin", "A=1"],
      envs: [],
      want: ["PATH=/bin", "HOSTNAME=web-0", "A=1"],
    },
    {
      name: "config overrides image by key",
      image: ["A=1", "B=2"],
      envs: [["B", "3"], ["C", "x=y"]],
      want: [`PATH=${defaultPath}`, "HOSTNAME=web-0", "A=1", "B=3", "C=x=y"],
    },
    { name: "config may set HOSTNAME", image: [], envs: [["HOSTNAME", "h"]], want: [`PATH=${defaultPath}`, "HOSTNAME=h"] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const envs = c.envs.map(([key, value]) => ({ key, value }));
      assert.deepEqual(processEnv({ envs }, { Env: c.image }, "web-0"), c.want);
    });
  }
});

describe("capabilitySet", () => {
  const all = host.capabilities;
  const cases: Array<{ name: string; add: string[]; drop: string[]; privileged?: boolean; want: string[] }> = [
    { name: "containerd defaults", add: [], drop: [], want: [...defaultCapabilities] },
    { name: "add without prefix", add: ["NET_ADMIN"], drop: [], want: [...defaultCapabilities, "CAP_NET_ADMIN"] },
    { name: "drop one", add: [], drop: ["CHOWN", "cap_kill"], want: defaultCapabilities.filter((c) => c !== "CAP_CHOWN" && c !== "CAP_KILL") },
    { name: "drop ALL then add one", add: ["NET_BIND_SERVICE"], drop: ["ALL"], want: ["CAP_NET_BIND_SERVICE"] },
    { name: "add ALL then drop one", add: ["ALL"], drop: ["SYS_ADMIN"], want: all.filter((c) => c !== "CAP_SYS_ADMIN") },
    { name: "drop ALL", add: [], drop: ["all"], want: [] },
    { name: "privileged gets what the host has", add: [], drop: ["ALL"], privileged: true, want: [...all] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(capabilitySet({ add: c.add, drop: c.drop }, c.privileged ?? false, all), c.want);
    });
  }
});

describe("buildSpec", () => {
  test("process: user, cwd, terminal, caps, rlimit clamped to the host's hard limit", () => {
    const s = spec({ user: { uid: 1000, gid: 1000, additionalGids: [1000, 10] } }, { tty: true, workingDir: "/work" }, { Cmd: ["sh"], WorkingDir: "/img" });
    assert.deepEqual(s.process.user, { uid: 1000, gid: 1000, additionalGids: [1000, 10] });
    assert.equal(s.process.cwd, "/work");
    assert.equal(s.process.terminal, true);
    assert.deepEqual(s.process.capabilities.bounding, [...defaultCapabilities]);
    assert.deepEqual(s.process.capabilities.effective, [...defaultCapabilities]);
    assert.deepEqual(s.process.capabilities.permitted, [...defaultCapabilities]);
    assert.equal((s.process.capabilities as unknown as Record<string, unknown>).inheritable, undefined);
    assert.deepEqual(s.process.rlimits, [{ type: "RLIMIT_NOFILE", hard: 20000, soft: 20000 }]);
    assert.equal(s.process.noNewPrivileges, false);
  });

  test("rlimit is containerd's 1048576 when the host allows it", () => {
    const s = spec({ host: { ...host, nofileHardLimit: 4_000_000 } });
    assert.deepEqual(s.process.rlimits, [{ type: "RLIMIT_NOFILE", hard: 1048576, soft: 1048576 }]);
  });

  const cwdCases: Array<[string | undefined, string | undefined, string]> = [
    [undefined, undefined, "/"],
    [undefined, "/img", "/img"],
    ["", "/img", "/img"],
    ["/c", "/img", "/c"],
  ];
  for (const [workingDir, imageDir, want] of cwdCases) {
    test(`cwd ${String(workingDir)} over image ${String(imageDir)} is ${want}`, () => {
      const cfg: Partial<ContainerConfig> = workingDir === undefined ? {} : { workingDir };
      const image: ImageRuntimeConfig = imageDir === undefined ? { Cmd: ["sh"] } : { Cmd: ["sh"], WorkingDir: imageDir };
      assert.equal(spec({}, cfg, image).process.cwd, want);
    });
  }

  test("namespaces: mount, new pid, pod ipc/uts/net by path, new cgroup", () => {
    assert.deepEqual(spec().linux.namespaces, [
      { type: "mount" },
      { type: "pid" },
      { type: "ipc", path: "/run/ns/ipc" },
      { type: "uts", path: "/run/ns/uts" },
      { type: "network", path: "/run/ns/net" },
      { type: "cgroup" },
    ]);
  });

  test("namespaces: shared pid by path; host namespaces left out", () => {
    const s = spec({ sandbox: { ...sandbox, hostNetwork: true, namespaces: { pid: "/run/ns/pid" } } });
    assert.deepEqual(s.linux.namespaces, [{ type: "mount" }, { type: "pid", path: "/run/ns/pid" }, { type: "cgroup" }]);
  });

  test("mounts: system mounts, pod files, shm, then config mounts parents first", () => {
    const s = spec({}, {
      mounts: [
        { containerPath: "/data/logs", hostPath: "/h/logs", readonly: false },
        { containerPath: "/data", hostPath: "/h/data", readonly: true, propagation: "rslave" },
      ],
    });
    assert.deepEqual(
      s.mounts.map((m) => [m.destination, m.type, m.source]),
      [
        ["/proc", "proc", "proc"],
        ["/dev", "tmpfs", "tmpfs"],
        ["/dev/pts", "devpts", "devpts"],
        ["/dev/mqueue", "mqueue", "mqueue"],
        ["/sys", "sysfs", "sysfs"],
        ["/sys/fs/cgroup", "cgroup", "cgroup"],
        ["/data", "bind", "/h/data"],
        ["/etc/hostname", "bind", "/sb/hostname"],
        ["/etc/hosts", "bind", "/sb/hosts"],
        ["/etc/resolv.conf", "bind", "/sb/resolv.conf"],
        ["/dev/shm", "bind", "/sb/shm"],
        ["/data/logs", "bind", "/h/logs"],
      ],
    );
    const byDest = new Map(s.mounts.map((m) => [m.destination, m]));
    assert.deepEqual(byDest.get("/data")!.options, ["rbind", "rslave", "ro"]);
    assert.deepEqual(byDest.get("/data/logs")!.options, ["rbind", "rprivate", "rw"]);
    assert.deepEqual(byDest.get("/etc/hosts")!.options, ["rbind", "rprivate", "rw"]);
    assert.ok(byDest.get("/sys")!.options.includes("ro"));
    assert.ok(byDest.get("/sys/fs/cgroup")!.options.includes("ro"));
    assert.equal(s.linux.rootfsPropagation, "rslave");
  });

  test("mounts: a config mount replaces the pod's file and the default at its path", () => {
    const s = spec({}, { mounts: [{ containerPath: "/etc/hosts", hostPath: "/kubelet/hosts", readonly: false }] });
    const hosts = s.mounts.filter((m) => m.destination === "/etc/hosts");
    assert.deepEqual(hosts.map((m) => m.source), ["/kubelet/hosts"]);
  });

  test("mounts: relative paths are rejected", () => {
    assert.throws(
      () => spec({}, { mounts: [{ containerPath: "data", hostPath: "/h", readonly: false }] }),
      (e) => isRuntimeError(e, "InvalidArgument"),
    );
  });

  test("readonlyRootfs makes the root and the pod files read-only, not /dev/shm", () => {
    const s = spec({}, { securityContext: { readonlyRootfs: true } });
    assert.equal(s.root.readonly, true);
    const byDest = new Map(s.mounts.map((m) => [m.destination, m]));
    for (const f of ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"]) assert.ok(byDest.get(f)!.options.includes("ro"), f);
    assert.ok(byDest.get("/dev/shm")!.options.includes("rw"));
  });

  test("masked and read-only paths: containerd's defaults, or the config's", () => {
    const s = spec();
    assert.deepEqual(s.linux.maskedPaths, [...defaultMaskedPaths]);
    assert.deepEqual(s.linux.readonlyPaths, [...defaultReadonlyPaths]);
    const unmasked = spec({}, { securityContext: { maskedPaths: [], readonlyPaths: [] } });
    assert.deepEqual(unmasked.linux.maskedPaths, []);
    assert.deepEqual(unmasked.linux.readonlyPaths, []);
  });

  test("privileged: host capabilities, no masked paths, rw /sys, all devices", () => {
    const s = spec({}, { securityContext: { privileged: true } });
    assert.deepEqual(s.process.capabilities.bounding, host.capabilities);
    assert.deepEqual(s.linux.maskedPaths, []);
    assert.deepEqual(s.linux.readonlyPaths, []);
    assert.ok(!s.mounts.find((m) => m.destination === "/sys")!.options.includes("ro"));
    assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: "rwm" }]);
  });

  test("devices: deny all, then runc's default allow list", () => {
    const d = spec().linux.resources.devices;
    assert.deepEqual(d[0], { allow: false, access: "rwm" });
    for (const [major, minor] of [[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 2]]) {
      assert.ok(d.some((r) => r.allow && r.type === "c" && r.major === major && r.minor === minor), `${major}:${minor}`);
    }
    assert.ok(d.some((r) => r.allow && r.major === 136 && r.minor === undefined));
  });

  const resourceCases: Array<{ name: string; swap: boolean; resources: ContainerConfig["resources"]; want: object }> = [
    { name: "none", swap: true, resources: undefined, want: {} },
    { name: "memory with swap = limit", swap: true, resources: { memoryLimitInBytes: 32 << 20 }, want: { memory: { limit: 32 << 20, swap: 32 << 20 } } },
    { name: "memory without swap accounting", swap: false, resources: { memoryLimitInBytes: 1 << 20 }, want: { memory: { limit: 1 << 20 } } },
    {
      name: "cpu",
      swap: true,
      resources: { cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000 },
      want: { cpu: { shares: 512, quota: 50000, period: 100000 } },
    },
  ];
  for (const c of resourceCases) {
    test(`resources: ${c.name}`, () => {
      const s = spec({ host: { ...host, swapLimit: c.swap } }, c.resources ? { resources: c.resources } : {});
      const { devices: _devices, ...rest } = s.linux.resources;
      assert.deepEqual(rest, c.want);
    });
  }

  test("cgroupsPath, sysctls, no-new-privileges, oomScoreAdj clamped to what we may set", () => {
    const s = spec({}, { resources: { oomScoreAdj: -997 }, securityContext: { noNewPrivs: true } });
    assert.equal(s.linux.cgroupsPath, `/peapod-1/pod-b/${id}`);
    assert.deepEqual(s.linux.sysctl, sandbox.sysctls);
    assert.equal(s.process.noNewPrivileges, true);
    assert.equal(s.process.oomScoreAdj, 0);
    assert.equal(spec({}, { resources: { oomScoreAdj: 1000 } }).process.oomScoreAdj, 1000);
    assert.equal(spec().process.oomScoreAdj, undefined);
  });

  test("no hostname in the spec: the pod's UTS namespace already has it", () => {
    assert.equal((spec() as unknown as Record<string, unknown>).hostname, undefined);
    assert.ok(spec().process.env.includes("HOSTNAME=web-0"));
  });
});
