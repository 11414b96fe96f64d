/**
 * `peapod server`: the API server on HTTPS with its store, in one process.
 *
 * Start-up order: data dir -> PKI -> store -> API server -> listen -> kubeconfig. The
 * kubeconfig is written only once the API answers, with the port actually bound, so
 * whoever waits for the file can use it at once.
 */
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import type { Socket } from "node:net";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { hostIPv4Address, systemClock, writeFileAtomically } from "../base/index.js";
import { loadSchema } from "../api/index.js";
import { openStore } from "../store/index.js";
import {
  TokenAuthenticator, authenticateClientCertificate, bearerToken, buildAdminKubeconfig, createApiServer, ensureNodeToken,
  ensurePki, servingTlsOptions, tokenFilePath, writeKubeconfigAtomically,
} from "../apiserver/index.js";
import { ApiClient } from "../client/index.js";
import { NodeIpamController, NodeLifecycleController } from "../controllers/index.js";
import { Scheduler } from "../scheduler/index.js";
import { parseFlags, usage, UsageError, type FlagSpec } from "./flags.js";
import { defaultDataDir, prepareDataDir } from "./data-dir.js";
import { formatJoinToken } from "./join-token.js";
import {
  nodeAgentFlags, nodeAgentSettings, startNodeAgent, type RunningNodeAgent,
} from "./node-agent-runner.js";
import { nodePortFlag, nodeServingCertificate } from "./node-serving-cert.js";
import { onShutdownSignal } from "./shutdown-signal.js";
import { firstNodeRange, validClusterCIDR } from "./pod-cidr.js";

const flags: FlagSpec[] = [
  { name: "data-dir", kind: "string", help: "where all state lives", default: defaultDataDir },
  { name: "port", kind: "string", help: "HTTPS port of the API (0 picks a free one)", default: "6443" },
  { name: "bind-address", kind: "string", help: "address the API listens on", default: "127.0.0.1" },
  { name: "tls-san", kind: "string", help: "more names or IPs for the serving certificate, comma-separated (with 0.0.0.0, the host's addresses are in it already)" },
  { name: "datastore-endpoint", kind: "string", help: "sqlite://PATH or etcd://HOST:PORT[,HOST:PORT...] (default: SQLite in the data dir)" },
  { name: "disable-agent", kind: "boolean", help: "run no node agent in this process (no local node)" },
  { name: "node-name", kind: "string", help: "name of the local node (default: the host name)" },
  { name: "pod-cidr", kind: "string", help: "the cluster's pod range; each node gets a /24 of it", default: "10.42.0.0/16" },
  { name: "bridge", kind: "string", help: "the local node's pod bridge (default: derived from the data dir)" },
  { name: "node-port", kind: "string", help: "HTTPS port of the local node agent's kubelet API (0 picks a free one)", default: "10250" },
  ...nodeAgentFlags,
  { name: "disable-scheduler", kind: "boolean", help: "run no scheduler in this process" },
  { name: "disable-controller-manager", kind: "boolean", help: "run no controllers (node lifecycle, node IPAM) in this process" },
  { name: "help", kind: "boolean", help: "show this help" },
];

export const serverCommand = {
  summary: "run the API server with its store, the scheduler, the node lifecycle controller and a node agent",
  async run(args: string[]): Promise<number> {
    const f = parseFlags(args, flags);
    if (f.get("help")) {
      process.stdout.write(usage("server", serverCommand.summary, flags));
      return 0;
    }
    const dataDir = resolve(String(f.get("data-dir")));
    const port = Number(f.get("port"));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not ${String(f.get("port"))}`);
    const bindAddress = String(f.get("bind-address"));
    const endpoint = (f.get("datastore-endpoint") as string | undefined) ?? `sqlite://${join(dataDir, "state.db")}`;
    const clusterCIDR = validClusterCIDR(String(f.get("pod-cidr")));
    let nodePort: number;
    try {
      nodePort = nodePortFlag(f.get("node-port"));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { streamingConnectionIdleTimeoutMs, containerLogs } = nodeAgentSettings(f);

    const started = performance.now();
    prepareDataDir(dataDir);
    const pki = await ensurePki(dataDir, { hosts: servingHosts(bindAddress, f.get("tls-san") as string | undefined) });
    const nodeToken = await ensureNodeToken(dataDir);
    const tokens = await TokenAuthenticator.fromFile(nodeToken.tokenFile);
    // What `peapod agent --token-file` reads: the secret with the hash of the CA that proves this server.
    const joinTokenFile = join(dirname(tokenFilePath(dataDir)), "node-token");
    await writeFileAtomically(joinTokenFile, `${formatJoinToken(pki.ca.certPem, nodeToken.token)}\n`, { mode: 0o600 });
    const store = await openStore(endpoint);
    const schema = await loadSchema();
    const api = await createApiServer({
      store,
      schema,
      clock: systemClock,
      caBundle: pki.ca.certPem,
      kubeletClient: pki.kubeletClient,
      // A client certificate (admin, kubectl) or a bearer token (node agents joining with the node token).
      authenticate: (req) => {
        const byCertificate = authenticateClientCertificate(req.socket as TLSSocket);
        if (byCertificate) return byCertificate;
        const token = bearerToken(req.headers.authorization);
        return token === undefined ? undefined : tokens.authenticateToken(token);
      },
    });
    const server = createServer({ ...servingTlsOptions(pki.apiserver, pki.ca.certPem) }, api.handler);
    server.on("upgrade", api.upgrade);
    const sockets = new Set<Socket>();
    server.on("connection", (s: Socket) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await listen(server, port, bindAddress);
    const address = server.address();
    const actualPort = typeof address === "object" && address ? address.port : port;
    const host = bindAddress === "0.0.0.0" || bindAddress === "::" ? "127.0.0.1" : bindAddress;
    const url = `https://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
    const kubeconfigPath = join(dataDir, "kubeconfig.yaml");
    await writeKubeconfigAtomically(kubeconfigPath, buildAdminKubeconfig({
      serverUrl: url,
      caPem: pki.ca.certPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
    }));
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`Peapod API server listening on ${url} (ready in ${ms} ms, store ${endpoint.split("://")[0]})\n`);
    process.stdout.write(`Admin kubeconfig: ${kubeconfigPath}\n`);
    process.stdout.write(`  export KUBECONFIG=${kubeconfigPath}\n`);
    // Other machines dial the host's address when the API listens on every address.
    const joinUrl = bindAddress === "0.0.0.0" || bindAddress === "::" ? `https://${hostIPv4Address()}:${actualPort}` : url;
    process.stdout.write(`To add a node: peapod agent --server ${joinUrl} --token-file ${joinTokenFile}\n`);
    // Signals are caught from here on: a SIGTERM during the start of the loops below
    // still shuts down cleanly.
    const { shutdown, signal: stopping } = onShutdownSignal((sig) => `received ${sig}, shutting down`);
    // The control loops reach the API as any client does, over HTTPS with the admin
    // certificate: nothing in them knows they share a process with the server.
    const client = new ApiClient({
      server: url,
      ca: pki.ca.certPem,
      auth: { clientCert: { certPem: pki.admin.certPem, keyPem: pki.admin.keyPem } },
    }, { userAgent: "peapod-controllers" });
    const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
    const controllers: Array<{ start(): Promise<void>; stop(): Promise<void> }> = [];
    const controllerManager = !f.get("disable-controller-manager");
    // The IPAM controller first: the local agent waits for its range, the others wait for nothing.
    if (controllerManager) controllers.push(new NodeIpamController({ client, clusterCIDR, log }), new NodeLifecycleController({ client, log }));
    if (!f.get("disable-scheduler")) controllers.push(new Scheduler({ client, log }));
    const controllersStarted = Promise.all(controllers.map((c) => c.start()));
    let agent: RunningNodeAgent | undefined;
    const startAgent = async (): Promise<void> => {
      if (f.get("disable-agent")) return;
      const nodeName = String(f.get("node-name") ?? hostname()).toLowerCase();
      const bridge = f.get("bridge") as string | undefined;
      const serving = await nodeServingCertificate(pki.ca);
      const nodeServer = {
        port: nodePort, bindAddress: "0.0.0.0", tls: { ...serving, caPem: pki.ca.certPem },
        ...(streamingConnectionIdleTimeoutMs !== undefined ? { streamingConnectionIdleTimeoutMs } : {}),
      };
      // With the node IPAM controller running, the local node takes the range it assigns, as
      // joined nodes do, so the two never collide; without it, the range it would assign first.
      agent = await startNodeAgent({
        client, nodeName, dataDir, log, signal: stopping, server: nodeServer, containerLogs,
        ...(controllerManager ? {} : { podCIDR: firstNodeRange(clusterCIDR) }),
        ...(bridge ? { bridge } : {}),
      });
      process.stdout.write(`Node ${nodeName} is running pods (pod range ${agent.podCIDR}).\n`);
    };
    const loopsStarted = Promise.all([controllersStarted, startAgent()]);

    let exitCode = 0;
    try {
      await Promise.race([shutdown, loopsStarted.then(() => shutdown)]);
    } catch (e) {
      process.stderr.write(`peapod server: the control loops could not start: ${e instanceof Error ? e.message : String(e)}\n`);
      exitCode = 1;
    }
    await loopsStarted.catch(() => undefined);
    // Stopped first; its pods keep running, to be adopted at the next start.
    await agent?.stop();
    await Promise.all(controllers.map((c) => c.stop()));
    client.close();
    server.close();
    for (const s of sockets) s.destroy();
    await api.close();
    await store.close();
    return exitCode;
  },
};

/**
 * Who may dial the API: the bind address, the host name, --tls-san; on a wildcard bind also
 * the host's address, so an agent on another machine can verify the server by IP.
 */
function servingHosts(bindAddress: string, tlsSans: string | undefined): string[] {
  const extra = (tlsSans ?? "").split(",").map((h) => h.trim()).filter((h) => h !== "");
  const wildcard = bindAddress === "0.0.0.0" || bindAddress === "::";
  return [bindAddress, hostname(), ...extra, ...(wildcard ? [hostIPv4Address()] : [])];
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
}
