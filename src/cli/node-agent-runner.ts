/**
 * Starting a node agent on this host, the same for `peapod server` (embedded) and
 * `peapod agent` (alone): the pod range (given, or awaited from the node IPAM controller),
 * then the runtime on it, then the agent. The runtime opens only once the range is known,
 * because its bridge network is built from it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { NodeAgent, awaitNodePodCIDR, validateContainerLogPolicy, type NodeAgentOptions } from "../agent/index.js";
import { quantityValue, tryParseQuantity } from "../api/index.js";
import { parseGoDuration } from "../base/index.js";
import type { ApiClient } from "../client/index.js";
import { LocalRuntime } from "../runtime/index.js";
import { runtimeRootOf } from "./data-dir.js";
import { durationFlag, UsageError, type FlagSpec } from "./flags.js";

/** `peapod server` and `peapod agent` alike: the kubelet's flag, with its default. */
export const streamingConnectionIdleTimeoutFlag: FlagSpec = {
  name: "streaming-connection-idle-timeout",
  kind: "string",
  valueName: "duration",
  help: "close an exec, attach or port-forward connection idle this long (0: never)",
  default: "4h0m0s",
};

/** The kubelet's containerLogMaxSize and containerLogMaxFiles, with their defaults. */
export const containerLogMaxSizeFlag: FlagSpec = {
  name: "container-log-max-size",
  kind: "string",
  valueName: "quantity",
  help: "rotate a container's log file once it reaches this size (a quantity like 10Mi)",
  default: "10Mi",
};
export const containerLogMaxFilesFlag: FlagSpec = {
  name: "container-log-max-files",
  kind: "string",
  valueName: "int",
  help: "log files kept per container, the current one included (at least 2)",
  default: "5",
};

export const containerLogMonitorIntervalFlag: FlagSpec = {
  name: "container-log-monitor-interval",
  kind: "string",
  valueName: "duration",
  help: "how often container log files are checked for rotation (at least 3s)",
  default: "10s",
};

/** The least containerLogMonitorInterval the kubelet's configuration validation accepts. */
const minContainerLogMonitorIntervalMs = 3000;

/** The log rotation flags as agent options; a bad value is a UsageError. */
export function containerLogFlags(flags: ReadonlyMap<string, string | boolean>): Required<ContainerLogOptions> {
  const sizeText = String(flags.get(containerLogMaxSizeFlag.name) ?? containerLogMaxSizeFlag.default);
  const { quantity, error } = tryParseQuantity(sizeText);
  if (!quantity) throw new UsageError(`failed to parse container log max size ${JSON.stringify(sizeText)}: ${error}`);
  const filesText = String(flags.get(containerLogMaxFilesFlag.name) ?? containerLogMaxFilesFlag.default);
  const maxFiles = /^-?\d+$/.test(filesText) ? Number(filesText) : Number.NaN;
  if (Number.isNaN(maxFiles)) throw new UsageError(`invalid argument ${JSON.stringify(filesText)} for "--${containerLogMaxFilesFlag.name}" flag: strconv.ParseInt: parsing ${JSON.stringify(filesText)}: invalid syntax`);
  const policy = { maxSize: Number(quantityValue(quantity)), maxFiles };
  const errors = validateContainerLogPolicy(policy);
  if (errors.length > 0) throw new UsageError(errors.join("; "));
  const intervalMs = durationFlag(flags, containerLogMonitorIntervalFlag.name) ?? parseGoDuration(String(containerLogMonitorIntervalFlag.default))!;
  if (intervalMs < minContainerLogMonitorIntervalMs) {
    throw new UsageError("invalid configuration: containerLogMonitorInterval must be a positive time duration greater than or equal to 3s");
  }
  return { containerLogMaxSize: policy.maxSize, containerLogMaxFiles: policy.maxFiles, containerLogMonitorIntervalMs: intervalMs };
}

type ContainerLogOptions = Pick<NodeAgentOptions, "containerLogMaxSize" | "containerLogMaxFiles" | "containerLogMonitorIntervalMs">;

/** The agent's flags that `peapod server` and `peapod agent` share. */
export const nodeAgentFlags: readonly FlagSpec[] = [
  streamingConnectionIdleTimeoutFlag, containerLogMaxSizeFlag, containerLogMaxFilesFlag, containerLogMonitorIntervalFlag,
];

/** What nodeAgentFlags say, read before anything starts; a bad value is a UsageError. */
export interface NodeAgentSettings {
  readonly streamingConnectionIdleTimeoutMs?: number;
  readonly containerLogs: ContainerLogOptions;
}

export function nodeAgentSettings(flags: ReadonlyMap<string, string | boolean>): NodeAgentSettings {
  const idleTimeoutMs = durationFlag(flags, streamingConnectionIdleTimeoutFlag.name);
  return {
    ...(idleTimeoutMs !== undefined ? { streamingConnectionIdleTimeoutMs: idleTimeoutMs } : {}),
    containerLogs: containerLogFlags(flags),
  };
}

export interface NodeAgentRunOptions {
  readonly client: ApiClient;
  readonly nodeName: string;
  /** The data dir: the runtime under DATA/runtime, the agent's pods and logs under DATA/agent. */
  readonly dataDir: string;
  /** The node's pod range; absent: the one the node IPAM controller assigns. */
  readonly podCIDR?: string;
  readonly bridge?: string;
  /** Aborted at shutdown: ends a wait for the pod range. */
  readonly signal?: AbortSignal;
  readonly log: (message: string) => void;
  /** The kubelet API server (logs, exec, attach, port-forward): port, bind address, TLS. */
  readonly server?: NodeAgentOptions["server"];
  /** Log rotation (containerLogFlags); absent: the kubelet's defaults. */
  readonly containerLogs?: ContainerLogOptions;
}

export interface RunningNodeAgent {
  readonly podCIDR: string;
  /** Stops the agent and closes the runtime; the pods keep running, to be adopted at the next start. */
  stop(): Promise<void>;
}

export async function startNodeAgent(o: NodeAgentRunOptions): Promise<RunningNodeAgent> {
  const { client, nodeName, log } = o;
  const podCIDR = o.podCIDR ?? (await awaitNodePodCIDR({ client, nodeName, log, ...(o.signal ? { signal: o.signal } : {}) }));
  const agentDir = join(o.dataDir, "agent");
  mkdirSync(agentDir, { recursive: true, mode: 0o700 });
  const runtime = await LocalRuntime.open({ root: runtimeRootOf(o.dataDir), network: { podCIDR, ...(o.bridge ? { bridge: o.bridge } : {}) } });
  const agent = new NodeAgent({ client, runtime, nodeName, dataDir: agentDir, podCIDR, log, ...o.containerLogs, ...(o.server ? { server: o.server } : {}) });
  const stop = async (): Promise<void> => {
    await agent.stop();
    await runtime.close();
  };
  try {
    await agent.start();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { podCIDR, stop };
}
