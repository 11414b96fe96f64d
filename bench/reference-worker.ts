/**
 * The reference server's thread: a trivial Node HTTPS server with Peapod's TLS settings
 * that answers every path with a body set in advance (see reference-server.ts).
 */
import { createServer } from "node:https";
import { parentPort, workerData } from "node:worker_threads";

interface ReferenceWorkerData {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
}

const tls = workerData as ReferenceWorkerData;
const bodies = new Map<string, Buffer>();

const server = createServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
  const path = (req.url ?? "/").split("?")[0]!;
  const body = bodies.get(path);
  req.resume();
  if (!body) {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found");
    return;
  }
  // The same framing Peapod's writeJson uses.
  res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length, "Cache-Control": "no-cache, private" });
  res.end(body);
});

parentPort!.on("message", (msg: { path: string; body: Uint8Array } | "close") => {
  if (msg === "close") {
    server.closeAllConnections();
    server.close(() => parentPort!.close());
    return;
  }
  bodies.set(msg.path, Buffer.from(msg.body));
  parentPort!.postMessage({ stored: msg.path });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  parentPort!.postMessage({ port: typeof address === "object" && address ? address.port : 0 });
});
