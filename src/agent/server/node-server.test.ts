import assert from "node:assert/strict";
import { request } from "node:https";
import { connect } from "node:tls";
import { after, before, describe, test } from "node:test";
import { createCertificateAuthority, issueCertificate, subjectAltNamesFor, type CertificateAndKey } from "../../apiserver/index.js";
import { NodeServer, kubeletClientCommonName, kubeletClientGroup } from "./node-server.js";

interface Reply {
  code: number;
  body: string;
}

function get(port: number, path: string, client?: CertificateAndKey, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, rejectUnauthorized: false, agent: false, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("error", () => undefined);
      // close, not end: a response cut short by the server ends without `end`.
      res.on("close", () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A raw upgrade request; resolves with the first line of the reply. */
function upgrade(port: number, path: string, client?: CertificateAndKey): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: node\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    });
    let data = "";
    socket.on("data", (c: Buffer) => {
      data += c.toString();
      if (data.includes("\r\n")) {
        resolve(data.split("\r\n")[0]!);
        socket.destroy();
      }
    });
    socket.on("error", reject);
  });
}

describe("NodeServer", () => {
  let ca: CertificateAndKey;
  let kubeletClient: CertificateAndKey;
  let admin: CertificateAndKey;
  let stranger: CertificateAndKey;
  let server: NodeServer;
  let port: number;

  before(async () => {
    const now = new Date();
    ca = await createCertificateAuthority("test-ca", 1, now);
    const otherCa = await createCertificateAuthority("other-ca", 1, now);
    const serving = await issueCertificate(ca, { commonName: "node", usage: "serverAuth", subjectAltNames: subjectAltNamesFor([]), validityDays: 1 }, now);
    kubeletClient = await issueCertificate(ca, { commonName: kubeletClientCommonName, organizations: [kubeletClientGroup], usage: "clientAuth", validityDays: 1 }, now);
    admin = await issueCertificate(ca, { commonName: "admin", organizations: ["system:masters"], usage: "clientAuth", validityDays: 1 }, now);
    stranger = await issueCertificate(otherCa, { commonName: kubeletClientCommonName, organizations: [kubeletClientGroup], usage: "clientAuth", validityDays: 1 }, now);
    server = new NodeServer({ port: 0, bindAddress: "127.0.0.1", tls: { ...serving, caPem: ca.certPem }, log: () => undefined });
    server.route("/containerLogs/:namespace/:pod/:container", (_req, res, params) => {
      res.end(JSON.stringify(params));
    });
    server.route("/boom", () => {
      throw new Error("kaput");
    });
    server.routeUpgrade("/exec/:namespace/:pod/:container", (_req, socket, _head, params) => {
      socket.end(`HTTP/1.1 101 Switching Protocols\r\nX-Params: ${JSON.stringify(params)}\r\n\r\n`);
    });
    port = await server.start();
  });
  after(() => server.stop());

  test("a free port when 0 is asked", () => {
    assert.ok(port > 0);
    assert.equal(server.port, port);
  });

  test("/healthz needs no certificate", async () => {
    assert.deepEqual(await get(port, "/healthz"), { code: 200, body: "ok" });
  });

  test("routes match with decoded parameters", async () => {
    const r = await get(port, "/containerLogs/default/web%2Dpod/app?follow=true", kubeletClient);
    assert.equal(r.code, 200);
    assert.deepEqual(JSON.parse(r.body), { namespace: "default", pod: "web-pod", container: "app" });
  });

  const refusals: { name: string; client: () => CertificateAndKey | undefined; code: number; message: RegExp }[] = [
    { name: "no client certificate: 401", client: () => undefined, code: 401, message: /^Unauthorized$/ },
    { name: "a certificate of another CA: 401", client: () => stranger, code: 401, message: /^Unauthorized$/ },
    { name: "the cluster's admin is not the API server: 403", client: () => admin, code: 403, message: /^Forbidden \(user=admin, verb=get, resource=nodes, subresource=proxy\)$/ },
  ];
  for (const c of refusals) {
    test(c.name, async () => {
      const r = await get(port, "/containerLogs/default/p/c", c.client());
      assert.equal(r.code, c.code);
      const status = JSON.parse(r.body) as { kind: string; code: number; message: string };
      assert.equal(status.kind, "Status");
      assert.equal(status.code, c.code);
      assert.match(status.message, c.message);
    });
    test(`${c.name} (upgrade)`, async () => {
      assert.match(await upgrade(port, "/exec/default/p/c", c.client()), new RegExp(`^HTTP/1.1 ${c.code} `));
    });
  }

  test("an unknown path is a 404 Status; a failing handler a 500 Status", async () => {
    const missing = await get(port, "/nothing/here", kubeletClient);
    assert.equal(missing.code, 404);
    assert.equal((JSON.parse(missing.body) as { reason: string }).reason, "NotFound");
    const boom = await get(port, "/boom", kubeletClient);
    assert.equal(boom.code, 500);
    assert.match((JSON.parse(boom.body) as { message: string }).message, /kaput/);
  });

  test("upgrades reach their handler with parameters", async () => {
    assert.equal(await upgrade(port, "/exec/ns/pod/ctr?command=ls", kubeletClient), "HTTP/1.1 101 Switching Protocols");
    assert.match(await upgrade(port, "/attach/ns/pod/ctr", kubeletClient), /^HTTP\/1.1 404 /);
  });

  test("stop() closes open connections", async () => {
    const extra = new NodeServer({ port: 0, bindAddress: "127.0.0.1", tls: { ...(await issueCertificate(ca, { commonName: "n", usage: "serverAuth", validityDays: 1 }, new Date())), caPem: ca.certPem } });
    let opened!: () => void;
    const hanging = new Promise<void>((r) => (opened = r));
    extra.route("/hang", (_req, res) => {
      res.writeHead(200);
      res.flushHeaders();
      opened();
    });
    const p = await extra.start();
    const reply = get(p, "/hang", kubeletClient).catch((e: Error) => e);
    await hanging;
    assert.equal(extra.openConnections > 0, true);
    await extra.stop();
    const r = await reply;
    assert.ok(r instanceof Error || r.code === 200);
    assert.equal(extra.openConnections, 0);
  });
});

test("NodeServer: the streaming connection idle timeout is the kubelet's 4h0m0s unless given", () => {
  const tls = { certPem: "", keyPem: "", caPem: "" };
  assert.equal(new NodeServer({ port: 0, bindAddress: "127.0.0.1", tls }).streamingConnectionIdleTimeoutMs, 4 * 60 * 60 * 1000);
  assert.equal(new NodeServer({ port: 0, bindAddress: "127.0.0.1", tls, streamingConnectionIdleTimeoutMs: 0 }).streamingConnectionIdleTimeoutMs, 0);
});
