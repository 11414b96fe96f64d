/**
 * Trusting a server with nothing but its URL and a join token (k3s's TLS bootstrap): fetch
 * the CA bundle from /cacerts without verifying the connection, and accept it only if its
 * SHA-256 is the hash the token carries. From then on every request verifies the server's
 * certificate against that CA, so a server that cannot prove it holds it gets no secret.
 */
import { request } from "node:https";
import { caHash } from "./join-token.js";

export class ClusterCAMismatchError extends Error {
  override name = "ClusterCAMismatchError";
}

export async function fetchClusterCA(server: string, expectedHash: string, timeoutMs = 10_000): Promise<string> {
  const url = new URL("/cacerts", server);
  if (url.protocol !== "https:") throw new Error(`--server must be an https:// URL, not ${JSON.stringify(server)}`);
  const pem = await new Promise<string>((resolveGet, reject) => {
    // Unverified on purpose: what comes back is checked against the token's hash below.
    const req = request(url, { method: "GET", rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => (res.statusCode === 200 ? resolveGet(body) : reject(new Error(`GET ${url.href}: HTTP ${res.statusCode ?? "?"}`))));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url.href}: no answer in ${timeoutMs} ms`)));
    req.on("error", (e) => reject(new Error(`cannot reach ${server}: ${e.message}`)));
    req.end();
  });
  const got = caHash(pem);
  if (got !== expectedHash) {
    throw new ClusterCAMismatchError(`the CA of ${server} (sha256 ${got}) does not match the hash in the token (${expectedHash}); refusing to join`);
  }
  return pem;
}
