/**
 * Small network helpers every harness and end-to-end test shares: a port the kernel just
 * handed out, and a plain HTTP GET with a deadline (pods and host ports are plain HTTP).
 */
import { createServer } from "node:net";

/** A port that was free a moment ago on `address` (the kernel picks it). */
export function freePort(address = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, address, () => {
      const bound = server.address();
      server.close(() => (typeof bound === "object" && bound ? resolve(bound.port) : reject(new Error("no port"))));
    });
  });
}

/** The body of GET url; fails after 5 s rather than hang a test. */
export async function httpGet(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.text();
}
