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
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { systemClock } from "../base/index.js";
import { loadSchema } from "../api/index.js";
import { openStore } from "../store/index.js";
import {
  TokenAuthenticator, authenticateClientCertificate, bearerToken, buildAdminKubeconfig, createApiServer, ensureNodeToken,
  ensurePki, servingTlsOptions, writeKubeconfigAtomically,
} from "../apiserver/index.js";
import { NodeAgent } from "../agent/index.js";
import { ApiClient } from "../client/index.js";
import { LocalRuntime } from "../runtime/index.js";
import { NodeLifecycleController } from "../controllers/index.js";
import { Scheduler } from "../scheduler/index.js";
import { parseFlags, usage, UsageError, type FlagSpec } from "./flags.js";
import { defaultDataDir, prepareDataDir, runtimeRootOf } from "./data-dir.js";
import { firstNodeRange } from "./pod-cidr.js";

const flags: FlagSpec[] = [
  { name: "data-dir", kind: "string", help: "where all state lives", default: defaultDataDir },
  { name: "port", kind: "string", help: "HTTPS port of the API (0 picks a free one)", default: "6443" },
  { name: "bind-address", kind: "string", help: "address the API listens on", default: "127.0.0.1" },
  { name: "datastore-endpoint", kind: "string", help: "sqlite://PATH or etcd://HOST:PORT[,HOST:PORT...] (default: SQLite in the data dir)" },
  { name: "disable-agent", kind: "boolean", help: "run no node agent in this process (no local node)" },
  { name: "node-name", kind: "string", help: "name of the local node (default: the host name)" },
  { name: "pod-cidr", kind: "string", help: "the cluster's pod range; the local node takes its first /24", default: "10.42.0.0/16" },
  { name: "bridge", kind: "string", help: "the local node's pod bridge (default: derived from the data dir)" },
  { name: "disable-scheduler", kind: "boolean", help: "run no scheduler in this process" },
  { name: "disable-controller-manager", kind: "boolean", help: "run no controllers (node lifecycle) in this process" },
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

    const started = performance.now();
    prepareDataDir(dataDir);
    const pki = await ensurePki(dataDir, { hosts: [bindAddress, hostname()] });
    const nodeToken = await ensureNodeToken(dataDir);
    const tokens = await TokenAuthenticator.fromFile(nodeToken.tokenFile);
    const store = await openStore(endpoint);
    const schema = await loadSchema();
    const api = await createApiServer({
      store,
      schema,
      clock: systemClock,
      // A client certificate (admin, kubectl) or a bearer token (node agents joining with the node token).
      authenticate: (req) => {
        const byCertificate = authenticateClientCertificate(req.socket as TLSSocket);
        if (byCertificate) return byCertificate;
        const token = bearerToken(req.headers.authorization);
        return token === undefined ? undefined : tokens.authenticateToken(token);
      },
    });
    const server = createServer({ ...servingTlsOptions(pki.apiserver, pki.ca.certPem) }, api.handler);
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
    // Signals are caught from here on: a SIGTERM during the start of the loops below
    // still shuts down cleanly.
    const shutdown = new Promise<void>((resolveSignal) => {
      const onSignal = (sig: NodeJS.Signals): void => {
        process.stdout.write(`received ${sig}, shutting down\n`);
        resolveSignal();
      };
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    });
    // The control loops reach the API as any client does, over HTTPS with the admin
    // certificate: nothing in them knows they share a process with the server.
    const client = new ApiClient({
      server: url,
      ca: pki.ca.certPem,
      auth: { clientCert: { certPem: pki.admin.certPem, keyPem: pki.admin.keyPem } },
    }, { userAgent: "peapod-controllers" });
    const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
    const controllers: Array<{ start(): Promise<void>; stop(): Promise<void> }> = [];
    if (!f.get("disable-scheduler")) controllers.push(new Scheduler({ client, log }));
    if (!f.get("disable-controller-manager")) controllers.push(new NodeLifecycleController({ client, log }));
    const controllersStarted = Promise.all(controllers.map((c) => c.start()));
    let stopAgent: (() => Promise<void>) | undefined;
    const startAgent = async (): Promise<void> => {
      if (f.get("disable-agent")) return;
      const podCIDR = firstNodeRange(String(f.get("pod-cidr")));
      const nodeName = String(f.get("node-name") ?? hostname()).toLowerCase();
      const bridge = f.get("bridge") as string | undefined;
      const agentDir = join(dataDir, "agent");
      mkdirSync(agentDir, { recursive: true, mode: 0o700 });
      const runtime = await LocalRuntime.open({ root: runtimeRootOf(dataDir), network: { podCIDR, ...(bridge ? { bridge } : {}) } });
      const agent = new NodeAgent({ client, runtime, nodeName, dataDir: agentDir, podCIDR, log });
      // Stopped first at shutdown; its pods keep running, to be adopted at the next start.
      stopAgent = async () => {
        await agent.stop();
        await runtime.close();
      };
      await agent.start();
      process.stdout.write(`Node ${nodeName} is running pods (pod range ${podCIDR}).\n`);
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
    await stopAgent?.();
    await Promise.all(controllers.map((c) => c.stop()));
    client.close();
    server.close();
    for (const s of sockets) s.destroy();
    await api.close();
    await store.close();
    return exitCode;
  },
};

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
}
