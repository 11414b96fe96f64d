import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Server, createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { after, before, describe, test } from "node:test";
import { authenticateClientCertificate, servingTlsOptions } from "./client-cert-authenticator.js";
import { type Pki, ensurePki } from "./pki.js";

interface Seen {
  readonly authorized: boolean;
  readonly user: unknown;
}

describe("authenticateClientCertificate over a real TLS connection", () => {
  const dataDirs: string[] = [];
  let pki: Pki;
  let foreign: Pki;
  let server: Server;
  let port: number;

  before(async () => {
    for (let i = 0; i < 2; i++) dataDirs.push(await mkdtemp(join(tmpdir(), "peapod-tls-")));
    pki = await ensurePki(dataDirs[0]!, { hosts: [] });
    foreign = await ensurePki(dataDirs[1]!, { hosts: [] });
    server = await listen("127.0.0.1");
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  // Answers with what the server concluded about the peer.
  async function listen(host: string): Promise<Server> {
    const https = createServer(servingTlsOptions(pki.apiserver, pki.ca.certPem), (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket as TLSSocket;
      const seen: Seen = { authorized: socket.authorized, user: authenticateClientCertificate(socket) ?? null };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(seen));
    });
    await new Promise<void>((resolve) => https.listen(0, host, resolve));
    return https;
  }

  // The client checks the serving certificate against our CA and the IP it dialled.
  function get(host: string, client?: { certPem: string; keyPem: string }, toPort = port): Promise<Seen> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host, port: toPort, path: "/healthz", ca: pki.ca.certPem, cert: client?.certPem, key: client?.keyPem, agent: false },
        (res: IncomingMessage) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve(JSON.parse(body) as Seen));
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  test("the admin client certificate authenticates as admin in system:masters", async () => {
    assert.deepEqual(await get("127.0.0.1", pki.admin), {
      authorized: true,
      user: { username: "admin", groups: ["system:masters", "system:authenticated"] },
    });
  });

  test("a connection without a client certificate is served but not authenticated", async () => {
    assert.deepEqual(await get("127.0.0.1"), { authorized: false, user: null });
  });

  test("a client certificate from another CA is not authenticated", async () => {
    assert.deepEqual(await get("127.0.0.1", foreign.admin), { authorized: false, user: null });
  });

  test("the serving certificate cannot be used as a client certificate", async () => {
    assert.deepEqual(await get("127.0.0.1", pki.apiserver), { authorized: false, user: null });
  });

  test("the serving certificate is valid for the IPv6 loopback too", async (t) => {
    const ipv6 = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(0, "::1", () => probe.close(() => resolve(true)));
    });
    if (!ipv6) return t.skip("no IPv6 loopback on this host");
    const server6 = await listen("::1");
    try {
      const seen = await get("::1", pki.admin, (server6.address() as AddressInfo).port);
      assert.equal(seen.authorized, true);
    } finally {
      server6.closeAllConnections();
      await new Promise<void>((resolve) => server6.close(() => resolve()));
    }
  });
});
