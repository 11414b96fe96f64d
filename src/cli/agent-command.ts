/**
 * `peapod agent`: a node agent alone on this host, joining a server with its join token.
 *
 * Start-up order: token -> the server's CA (fetched from /cacerts and checked against the
 * token's hash, or --ca-file) -> data dir -> the node's pod range from the node IPAM
 * controller -> runtime -> agent. It reaches the server only through the API, as the
 * embedded agent does. SIGTERM/SIGINT stop the agent; its pods keep running.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { ApiClient, ApiError, nodesResource } from "../client/index.js";
import { caHash, parseJoinToken, type JoinToken } from "./join-token.js";
import { fetchClusterCA } from "./cluster-ca.js";
import { prepareDataDir } from "./data-dir.js";
import { parseFlags, usage, UsageError, type FlagSpec } from "./flags.js";
import {
  nodeAgentFlags, nodeAgentSettings, startNodeAgent, type RunningNodeAgent,
} from "./node-agent-runner.js";
import { nodePortFlag, nodeServingCertificate } from "./node-serving-cert.js";
import { onShutdownSignal } from "./shutdown-signal.js";

export const defaultAgentDataDir = "/var/lib/peapod-agent";

const flags: FlagSpec[] = [
  { name: "server", kind: "string", help: "the API server to join, https://HOST:PORT" },
  { name: "token", kind: "string", help: "the join token (the server's DATA/pki/node-token)" },
  { name: "token-file", kind: "string", help: "a file holding the join token" },
  { name: "ca-file", kind: "string", help: "the cluster CA (PEM); needed when the token is a bare secret without the K10 CA hash" },
  { name: "node-name", kind: "string", help: "name of this node (default: the host name)" },
  { name: "data-dir", kind: "string", help: "where the agent's state lives", default: defaultAgentDataDir },
  { name: "bridge", kind: "string", help: "the node's pod bridge (default: derived from the data dir)" },
  { name: "node-port", kind: "string", help: "HTTPS port of the kubelet API the server reaches for logs, exec and port-forward (0 picks a free one)", default: "10250" },
  ...nodeAgentFlags,
  { name: "help", kind: "boolean", help: "show this help" },
];

export const agentCommand = {
  summary: "run a node agent alone, joining a server with its node token",
  async run(args: string[]): Promise<number> {
    const f = parseFlags(args, flags);
    if (f.get("help")) {
      process.stdout.write(usage("agent", agentCommand.summary, flags));
      return 0;
    }
    const server = serverUrl(f.get("server") as string | undefined);
    const token = joinToken(f.get("token") as string | undefined, f.get("token-file") as string | undefined);
    const caFile = f.get("ca-file") as string | undefined;
    if (!token.caHash && !caFile) {
      throw new UsageError("the token is a bare secret without the K10<CA hash> prefix: give --ca-file too, or use the full token from the server's DATA/pki/node-token");
    }
    const nodeName = String(f.get("node-name") ?? hostname()).toLowerCase();
    const dataDir = resolve(String(f.get("data-dir")));
    const bridge = f.get("bridge") as string | undefined;
    let nodePort: number;
    try {
      nodePort = nodePortFlag(f.get("node-port"));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { streamingConnectionIdleTimeoutMs, containerLogs } = nodeAgentSettings(f);

    const ca = caFile ? readCAFile(caFile, token) : await fetchClusterCA(server, token.caHash!);
    const client = new ApiClient({ server, ca, auth: { bearerToken: token.secret } }, { userAgent: "peapod-agent" });
    try {
      // The credentials first, so a wrong token leaves nothing behind on this host.
      await client.resource(nodesResource).list(undefined, { limit: 1 });
    } catch (e) {
      client.close();
      if (e instanceof ApiError && e.code === 401) throw new Error(`${server} refused the token (401 Unauthorized): is it this server's node token?`);
      throw e;
    }
    prepareDataDir(dataDir);
    const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
    const { shutdown, signal: stopping } = onShutdownSignal((sig) => `received ${sig}, stopping the agent (pods keep running)`);
    let agent: RunningNodeAgent | undefined;
    try {
      // Self-signed serving certificate (the API server does not verify it, as upstream's
      // default); the cluster CA from the join step verifies the API server's client certificate.
      const serving = await nodeServingCertificate();
      const nodeServer = {
        port: nodePort, bindAddress: "0.0.0.0", tls: { ...serving, caPem: ca },
        ...(streamingConnectionIdleTimeoutMs !== undefined ? { streamingConnectionIdleTimeoutMs } : {}),
      };
      agent = await startNodeAgent({ client, nodeName, dataDir, log, signal: stopping, server: nodeServer, containerLogs, ...(bridge ? { bridge } : {}) });
      process.stdout.write(`Node ${nodeName} joined ${server} (pod range ${agent.podCIDR})\n`);
      await shutdown;
      return 0;
    } catch (e) {
      if (stopping.aborted) return 0;
      throw e;
    } finally {
      await agent?.stop();
      client.close();
    }
  },
};

function serverUrl(server: string | undefined): string {
  if (!server) throw new UsageError("--server is required: the URL of the API server to join");
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL like https://HOST:6443, not ${JSON.stringify(server)}`);
  }
  if (url.protocol !== "https:") throw new UsageError(`--server must be an https:// URL, not ${JSON.stringify(server)}`);
  return url.origin;
}

function joinToken(token: string | undefined, tokenFile: string | undefined): JoinToken {
  if (token !== undefined && tokenFile !== undefined) throw new UsageError("give --token or --token-file, not both");
  if (token === undefined && tokenFile === undefined) throw new UsageError("a join token is required: --token TOKEN or --token-file PATH");
  let text = token ?? "";
  if (tokenFile !== undefined) {
    try {
      text = readFileSync(tokenFile, "utf8");
    } catch (e) {
      throw new UsageError(`--token-file: cannot read ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  try {
    return parseJoinToken(text);
  } catch (e) {
    throw new UsageError(`${tokenFile !== undefined ? "--token-file" : "--token"}: ${(e as Error).message}`);
  }
}

/** The CA given by file; with a full token, it must also be the CA the token names. */
function readCAFile(path: string, token: JoinToken): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`--ca-file: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (token.caHash && caHash(pem) !== token.caHash) throw new Error(`--ca-file ${path} is not the CA the token names (sha256 ${caHash(pem)}, token ${token.caHash})`);
  return pem;
}
