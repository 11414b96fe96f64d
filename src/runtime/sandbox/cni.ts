/**
 * Executes one CNI plugin as the CNI 1.0.0 specification says: the operation and its
 * target in CNI_* environment variables, the network configuration on stdin, the result
 * (or an error object {code, msg, details}) on stdout. Plugins are binaries that come and
 * go with the host's packages, so nothing here knows what a particular plugin does.
 */
import { join } from "node:path";
import { CommandError, run } from "../command.js";
import { RuntimeError } from "../errors.js";

export const cniVersion = "1.0.0";

export type CniCommand = "ADD" | "DEL" | "CHECK";

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniIpConfig {
  /** CIDR notation: the address and its prefix length, e.g. 10.42.0.7/24. */
  address: string;
  gateway?: string;
  /** Index into interfaces. */
  interface?: number;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

/** A plugin's network configuration: name, type and whatever keys the plugin reads. */
export interface CniNetworkConfig {
  cniVersion: string;
  name: string;
  type: string;
  [key: string]: unknown;
}

export interface CniInvocation {
  command: CniCommand;
  containerId: string;
  /** Path of the network namespace; empty on DEL when the namespace is already gone. */
  netns: string;
  ifName: string;
  /** CNI_ARGS pairs, e.g. K8S_POD_NAME. */
  args?: Record<string, string>;
  /** The cached ADD result, handed back on DEL and CHECK. */
  prevResult?: CniResult;
}

const pluginTimeoutMs = 60_000;

/** Runs the plugin named by config.type from binDir; resolves with its result (undefined for DEL). */
export async function execPlugin(binDir: string, config: CniNetworkConfig, call: CniInvocation): Promise<CniResult | undefined> {
  const stdin = call.prevResult ? { ...config, prevResult: call.prevResult } : config;
  const args = Object.entries({ IgnoreUnknown: "1", ...call.args }).map(([k, v]) => `${k}=${v}`).join(";");
  const env: NodeJS.ProcessEnv = {
    CNI_COMMAND: call.command,
    CNI_CONTAINERID: call.containerId,
    CNI_NETNS: call.netns,
    CNI_IFNAME: call.ifName,
    CNI_PATH: binDir,
    CNI_ARGS: args,
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
  };
  let stdout: string;
  try {
    ({ stdout } = await run(join(binDir, config.type), [], { input: JSON.stringify(stdin), env, timeoutMs: pluginTimeoutMs }));
  } catch (e) {
    throw pluginError(config.type, call.command, e);
  }
  if (call.command !== "ADD") return undefined;
  try {
    return JSON.parse(stdout) as CniResult;
  } catch (e) {
    throw new RuntimeError("Internal", `CNI plugin ${config.type} ADD: result is not JSON: ${stdout.slice(0, 200)}`, { cause: e });
  }
}

/** The plugin's own error object names the problem; the exit status alone does not. */
function pluginError(type: string, command: CniCommand, e: unknown): RuntimeError {
  const prefix = `CNI plugin ${type} ${command}`;
  if (e instanceof CommandError) {
    try {
      const err = JSON.parse(e.stdout) as { code?: number; msg?: string; details?: string };
      if (err.msg !== undefined) {
        const details = err.details ? `: ${err.details}` : "";
        return new RuntimeError("Internal", `${prefix}: ${err.msg}${details} (code ${err.code ?? "?"})`, { cause: e });
      }
    } catch {
      // not the spec's error object: fall through to the raw output
    }
  }
  return new RuntimeError("Internal", `${prefix}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/** The pod's addresses in a result, without prefix lengths, in the result's order. */
export function resultIps(result: CniResult | undefined): string[] {
  return (result?.ips ?? []).map((ip) => ip.address.split("/")[0]!);
}
