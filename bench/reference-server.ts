/**
 * The reference the ratios are taken against: a Node HTTPS server that does nothing but
 * send a body prepared in advance, with the same certificate, the same client-certificate
 * handshake and the same keep-alive client as Peapod gets. It runs on a worker thread of
 * the benchmark process, so it has an event loop of its own (as Peapod, in its own
 * process, has) and the client's work does not queue behind it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { Cleanup } from "../test/harness/cleanup.js";
import { spawnUntilReady, type ReadyProcess } from "./server-process.js";

export interface ReferenceServer {
  readonly url: URL;
  /** Serves `body` at `path` from now on; resolves once the worker has it. */
  setBody(path: string, body: Buffer): Promise<void>;
}

/** Starts the reference server with the serving certificate of a Peapod data dir. */
export async function startReferenceServer(cleanup: Cleanup, dataDir: string): Promise<ReferenceServer> {
  const pki = join(dataDir, "pki");
  const worker = new Worker(new URL("./reference-worker.js", import.meta.url), {
    workerData: {
      key: readFileSync(join(pki, "apiserver.key"), "utf8"),
      cert: readFileSync(join(pki, "apiserver.crt"), "utf8"),
      ca: readFileSync(join(pki, "ca.crt"), "utf8"),
    },
  });
  cleanup.add("stop reference server worker", async () => {
    worker.postMessage("close");
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await once(worker, "exit");
    clearTimeout(timer);
  });
  const [first] = (await once(worker, "message")) as [{ port: number }];
  return {
    url: new URL(`https://127.0.0.1:${first.port}`),
    async setBody(path, body) {
      const stored = once(worker, "message");
      worker.postMessage({ path, body: new Uint8Array(body) });
      await stored;
    },
  };
}

// The smallest process that can answer /readyz over the same TLS: Node's own start-up
// cost, which every Peapod start pays too.
const readyzOnlyScript = `
const { createServer } = require("node:https");
const { readFileSync } = require("node:fs");
const pki = process.env.PEAPOD_BENCH_PKI;
const file = (name) => readFileSync(pki + "/" + name);
const server = createServer({ key: file("apiserver.key"), cert: file("apiserver.crt"), ca: file("ca.crt"),
  requestCert: true, rejectUnauthorized: false }, (req, res) => { res.writeHead(200); res.end("ok"); });
server.listen(0, "127.0.0.1", () => console.log("listening on https://127.0.0.1:" + server.address().port + " (ready in 0 ms)"));
process.once("SIGTERM", () => process.exit(0));
`;

/** Spawns a bare Node HTTPS process with a data dir's serving certificate and waits for its /readyz. */
export function startReferenceProcess(cleanup: Cleanup, dataDir: string): Promise<ReadyProcess> {
  return spawnUntilReady(cleanup, ["-e", readyzOnlyScript], { ...process.env, PEAPOD_BENCH_PKI: join(dataDir, "pki") });
}
