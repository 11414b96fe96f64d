/**
 * A real LocalRuntime for a test: its own root, bridge, nftables table and pod CIDR, so
 * test files running at once never meet, and a reset registered the moment it exists, so
 * nothing outlives the test even when it fails. Sandbox and container configs are built by
 * option functions, as containerd's CRI integration tests build theirs.
 */
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LocalRuntime, resetRuntime, type ContainerConfig, type PodSandboxConfig,
} from "../../src/runtime/index.js";
import type { Cleanup } from "./cleanup.js";

export interface TestNetwork {
  bridge: string;
  podCIDR: string;
  nftTable: string;
}

/**
 * A /24 (or /23) in 10.250.0.0/16 that no interface on this host uses, with a bridge name and a
 * table name nobody else has. Random, so concurrent test processes do not pick the same.
 */
export function freeTestNetwork(options: { prefixLength?: 23 | 24 } = {}): TestNetwork {
  // A /23 (a cluster range for two nodes' /24s) starts at an even third octet, both halves free.
  const width = options.prefixLength === 23 ? 2 : 1;
  const used = execFileSync("ip", ["-o", "-4", "addr", "show"]).toString();
  for (let attempt = 0; attempt < 50; attempt++) {
    const third = width * Math.floor((1 + Math.random() * (254 - width)) / width);
    if (third === 0 || Array.from({ length: width }, (_, k) => third + k).some((o) => used.includes(` 10.250.${o}.`))) continue;
    const id = randomBytes(3).toString("hex");
    return { bridge: `ppt-${id}`, podCIDR: `10.250.${third}.0/${width === 2 ? 23 : 24}`, nftTable: `peapod_test_${id}` };
  }
  throw new Error("no free range in 10.250.0.0/16");
}

export interface TestRuntime {
  runtime: LocalRuntime;
  root: string;
  network: TestNetwork;
}

export async function openTestRuntime(cleanup: Cleanup, options: { root?: string; network?: TestNetwork } = {}): Promise<TestRuntime> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), "peapod-runtime-"));
  const network = options.network ?? freeTestNetwork();
  if (!options.root) cleanup.add(`remove ${root}`, () => rmSync(root, { recursive: true, force: true }));
  cleanup.add(`reset runtime ${root}`, () => resetRuntime(root));
  const runtime = await LocalRuntime.open({ root, network });
  cleanup.add(`close runtime ${root}`, () => runtime.close());
  return { runtime, root, network };
}

type Option<T> = (t: T) => void;

export function podSandboxConfig(name: string, ...options: Option<PodSandboxConfig>[]): PodSandboxConfig {
  const config: PodSandboxConfig = {
    metadata: { name, namespace: "default", uid: randomBytes(8).toString("hex"), attempt: 0 },
    hostname: name,
    logDirectory: "",
    portMappings: [],
    hostAliases: [],
    hostNetwork: false,
    sharePid: false,
    labels: {},
    annotations: {},
  };
  for (const o of options) o(config);
  return config;
}

export const withHostPort = (containerPort: number, hostPort: number): Option<PodSandboxConfig> => (c) => {
  c.portMappings.push({ protocol: "TCP", containerPort, hostPort, hostIp: "127.0.0.1" });
};

export const withLogDirectory = (dir: string): Option<PodSandboxConfig> => (c) => {
  c.logDirectory = dir;
};

export function containerConfig(name: string, image: string, ...options: Option<ContainerConfig>[]): ContainerConfig {
  const config: ContainerConfig = {
    metadata: { name, attempt: 0 },
    image,
    command: [],
    args: [],
    envs: [],
    mounts: [],
    labels: {},
    annotations: {},
    logPath: `${name}/0.log`,
    stdin: false,
    stdinOnce: false,
    tty: false,
  };
  for (const o of options) o(config);
  return config;
}

export const withCommand = (...command: string[]): Option<ContainerConfig> => (c) => {
  c.command = command;
};

export const withMemoryLimit = (bytes: number): Option<ContainerConfig> => (c) => {
  c.resources = { ...c.resources, memoryLimitInBytes: bytes };
};
