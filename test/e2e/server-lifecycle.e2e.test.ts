/**
 * `peapod server` as a process: health endpoints without credentials, 401 without a
 * client certificate, clean shutdown on SIGTERM, data and revisions that survive a
 * restart and a kill -9, `peapod reset`, and the etcd backend chosen by flag.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupFor } from "../harness/cleanup.js";
import { ApiClient } from "../harness/api-request.js";
import { Kubectl, peapodBin, startPeapod } from "../harness/peapod.js";
import { startEtcd } from "../harness/etcd.js";

const configMap = (name: string): object => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: name } });

describe("peapod server lifecycle", () => {
  it("answers health and version checks without credentials and 401 to anything else", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const server = await startPeapod(cleanup);
    const anon = new ApiClient(server, { anonymous: true });
    cleanup.add("close client", () => anon.close());
    for (const path of ["/readyz", "/livez", "/healthz"]) {
      const r = await anon.request("GET", path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, "ok");
    }
    const v = await anon.json("GET", "/version");
    assert.equal(v.body["minor"], "32");
    const denied = await anon.json("GET", "/api/v1/namespaces");
    assert.equal(denied.status, 401);
    assert.equal(denied.body["reason"], "Unauthorized");
  });

  it("puts --tls-san names in its serving certificate", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const server = await startPeapod(cleanup, { extraArgs: ["--tls-san", "api.example.test, 192.0.2.77"] });
    const names = new X509Certificate(readFileSync(join(server.dataDir, "pki", "apiserver.crt"))).subjectAltName ?? "";
    for (const name of ["DNS:api.example.test", "IP Address:192.0.2.77", "DNS:localhost", "IP Address:127.0.0.1"]) assert.ok(names.includes(name), `${name} in ${names}`);
  });

  it("shuts down cleanly on SIGTERM and keeps data and revisions across restarts", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const dataDir = mkdtempSync(join(tmpdir(), "peapod-restart-"));
    cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    let server = await startPeapod(cleanup, { dataDir });
    let api = new ApiClient(server);
    const first = await api.json("POST", "/api/v1/namespaces/default/configmaps", configMap("before"));
    assert.equal(first.status, 201);
    api.close();
    assert.equal(await server.stop("SIGTERM"), 0, `exit code after SIGTERM; output:\n${server.output()}`);

    server = await startPeapod(cleanup, { dataDir });
    api = new ApiClient(server);
    cleanup.add("close client", () => api.close());
    const kept = await api.json("GET", "/api/v1/namespaces/default/configmaps/before");
    assert.equal(kept.status, 200);
    const second = await api.json("POST", "/api/v1/namespaces/default/configmaps", configMap("after"));
    const rv = (o: Record<string, unknown>): number => Number((o["metadata"] as { resourceVersion: string }).resourceVersion);
    assert.ok(rv(second.body) > rv(first.body), "revisions keep growing after a restart");
  });

  it("keeps every acknowledged write when killed with SIGKILL", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const dataDir = mkdtempSync(join(tmpdir(), "peapod-kill9-"));
    cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    let server = await startPeapod(cleanup, { dataDir });
    let api = new ApiClient(server);
    const acknowledged: string[] = [];
    const writes = Array.from({ length: 200 }, async (_, i) => {
      const r = await api.json("POST", "/api/v1/namespaces/default/configmaps", configMap(`cm-${i}`)).catch(() => undefined);
      if (r?.status === 201) acknowledged.push(`cm-${i}`);
    });
    await new Promise((r) => setTimeout(r, 30));
    server.process.kill("SIGKILL");
    await Promise.all(writes);
    await server.stop();
    api.close();
    server = await startPeapod(cleanup, { dataDir });
    api = new ApiClient(server);
    cleanup.add("close client", () => api.close());
    const list = await api.json("GET", "/api/v1/namespaces/default/configmaps");
    const names = new Set((list.body["items"] as { metadata: { name: string } }[]).map((i) => i.metadata.name));
    for (const name of acknowledged) assert.ok(names.has(name), `acknowledged ${name} survived kill -9`);
    t.diagnostic(`${acknowledged.length} writes acknowledged before the kill, all present after restart`);
  });

  it("refuses bodies over 3 MiB with 413 and keeps serving", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const server = await startPeapod(cleanup);
    const api = new ApiClient(server);
    cleanup.add("close client", () => api.close());
    const huge = JSON.stringify({ ...configMap("huge"), data: { k: "x".repeat(4 * 1024 * 1024) } });
    const r = await api.request("POST", "/api/v1/namespaces/default/configmaps", huge);
    assert.equal(r.status, 413);
    assert.equal((await api.request("GET", "/api/v1/namespaces/default")).status, 200);
  });

  it("peapod reset removes what the server created", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const dataDir = mkdtempSync(join(tmpdir(), "peapod-reset-"));
    cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    const server = await startPeapod(cleanup, { dataDir });
    await server.stop();
    const r = spawnSync(process.execPath, [peapodBin, "reset", "--data-dir", dataDir], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(dataDir), false);
  });

  it("stores its state in etcd when given --datastore-endpoint", async (t) => {
    const cleanup = cleanupFor((fn) => t.after(fn));
    const etcd = await startEtcd();
    cleanup.add("stop etcd", () => etcd.stop());
    const server = await startPeapod(cleanup, { datastore: `etcd://${etcd.endpoints.join(",")}` });
    const k = new Kubectl(server, cleanup);
    assert.equal(await k.ok(["create", "configmap", "in-etcd", "--from-literal=a=b"]), "configmap/in-etcd created\n");
    assert.equal(await k.ok(["get", "configmap", "in-etcd", "-o", "jsonpath={.data.a}"]), "b");
    const etcdctl = spawnSync("etcdctl", ["--endpoints", etcd.endpoints.join(","), "get", "--prefix", "--keys-only", "/registry/configmaps/default/in-etcd"], {
      encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" },
    });
    assert.match(etcdctl.stdout, /\/registry\/configmaps\/default\/in-etcd/);
  });
});
