/**
 * The registry client against real docker-registry processes set up the ways the shared
 * harness does not: token auth (the registry verifies JWTs that a token server in this test
 * signs, as Docker Hub's auth service does), a front that redirects blob GETs elsewhere (as
 * registries backed by object storage do), and TLS on a non-loopback address.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createSign, randomBytes, X509Certificate } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupFor, type Cleanup } from "../../../test/harness/cleanup.js";
import { testImageSet, testImages } from "../../../test/harness/test-images.js";
import { waitFor } from "../../../test/harness/wait-for.js";
import { run } from "../command.js";
import { isRuntimeError } from "../errors.js";
import { runtimeLayout } from "../layout.js";
import { ImageStore } from "./image-store.js";
import { isLoopbackRegistry, parseChallenge, registryBaseUrl } from "./registry-client.js";
import { freePort } from "../../../test/harness/ports.js";

describe("registry client units", () => {
  test("loopback registries use plain HTTP, all others HTTPS; docker.io goes to its API host", () => {
    for (const host of ["localhost", "localhost:5000", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000"]) assert.ok(isLoopbackRegistry(host), host);
    for (const host of ["registry.example.com", "10.0.0.1:5000", "192.0.2.2", "[fd00::2]:5000", "localhost.example.com"]) {
      assert.ok(!isLoopbackRegistry(host), host);
    }
    assert.equal(registryBaseUrl("127.0.0.1:5000"), "http://127.0.0.1:5000");
    assert.equal(registryBaseUrl("quay.io"), "https://quay.io");
    assert.equal(registryBaseUrl("docker.io"), "https://registry-1.docker.io");
  });

  test("WWW-Authenticate challenges", () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'), {
      scheme: "bearer",
      params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/nginx:pull" },
    });
    assert.deepEqual(parseChallenge('Basic realm="peapod test"'), { scheme: "basic", params: { realm: "peapod test" } });
    assert.deepEqual(parseChallenge("Bearer realm=http://x/token, service=reg"), { scheme: "bearer", params: { realm: "http://x/token", service: "reg" } });
  });
});

interface SpawnedRegistry {
  host: string;
  port: number;
}

/** docker-registry with the given auth/tls config on addr, killed and removed when the suite ends. */
async function spawnRegistry(cleanup: Cleanup, dir: string, address: string, extra: Record<string, unknown>, scheme: "http" | "https"): Promise<SpawnedRegistry> {
  const port = await freePort(address);
  const config = join(dir, "config.yml");
  writeFileSync(config, JSON.stringify({
    version: 0.1,
    log: { level: "info", formatter: "text" },
    storage: { filesystem: { rootdirectory: join(dir, "storage") } },
    http: { addr: `${address}:${port}`, ...(extra.tls ? { tls: extra.tls } : {}) },
    ...(extra.auth ? { auth: extra.auth } : {}),
  }));
  const log = openSync(join(dir, "registry.log"), "a");
  const child = spawn("/usr/bin/docker-registry", ["serve", config], { stdio: ["ignore", log, log] });
  closeSync(log);
  const pid = child.pid;
  assert.ok(pid, "docker-registry started");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanup.add(`kill registry ${pid}`, async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
    await exited;
  });
  const host = `${address}:${port}`;
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const answered = (res: http.IncomingMessage) => {
          res.resume();
          resolve(res.statusCode === 200 || res.statusCode === 401);
        };
        const url = `${scheme}://${host}/v2/`;
        // The test's own self-signed certificate: only the client under test must refuse it.
        const req = scheme === "http" ? http.get(url, answered) : https.get(url, { rejectUnauthorized: false }, answered);
        req.on("error", () => resolve(false));
      }),
    { what: `registry on ${host}`, timeoutMs: 15_000 },
  );
  return { host, port };
}



function listen(cleanup: Cleanup, handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      cleanup.add("close test server", () => new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }));
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

describe("token auth as Docker Hub does it, with a real registry", () => {
  const cleanup = cleanupFor(after);
  const service = "peapod-test-registry";
  const issuer = "peapod-test-issuer";
  const user = { username: "tokenuser", password: randomBytes(6).toString("hex") };
  let registry: SpawnedRegistry;
  const tokenRequests: Array<{ scope: string; user: string | undefined }> = [];
  let root: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "peapod-token-registry-"));
    cleanup.add(`remove ${root}`, () => rmSync(root, { recursive: true, force: true }));
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "key.pem"), "-out", join(root, "cert.pem"), "-days", "1", "-subj", "/CN=peapod-test-token-issuer"]);
    const key = readFileSync(join(root, "key.pem"), "utf8");
    const certDer = new X509Certificate(readFileSync(join(root, "cert.pem"))).raw;

    // The token service: anyone may pull public/*; private/* and pushes need the user's password.
    const tokenPort = await listen(cleanup, (req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const scopes = url.searchParams.getAll("scope");
      let who: string | undefined;
      const header = req.headers.authorization;
      if (header?.startsWith("Basic ")) {
        const [u, ...p] = Buffer.from(header.slice(6), "base64").toString().split(":");
        if (u !== user.username || p.join(":") !== user.password) {
          res.writeHead(401, { "content-type": "application/json" }).end('{"details":"incorrect username or password"}');
          return;
        }
        who = u;
      }
      tokenRequests.push({ scope: scopes.join(" "), user: who });
      const access = scopes.map((s) => {
        const [type, name, actions] = s.split(":");
        const allowed = (actions ?? "").split(",").filter((a) => who !== undefined || (a === "pull" && name!.startsWith("public/")));
        return { type, name, actions: allowed };
      });
      const now = Math.floor(Date.now() / 1000);
      const head = b64url(JSON.stringify({ typ: "JWT", alg: "RS256", x5c: [certDer.toString("base64")] }));
      const claims = b64url(JSON.stringify({ iss: issuer, sub: who ?? "", aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access }));
      const signature = createSign("RSA-SHA256").update(`${head}.${claims}`).sign(key);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: `${head}.${claims}.${b64url(signature)}`, expires_in: 300 }));
    });
    registry = await spawnRegistry(cleanup, root, "127.0.0.1", {
      auth: { token: { realm: `http://127.0.0.1:${tokenPort}/token`, service, issuer, rootcertbundle: join(root, "cert.pem") } },
    }, "http");
    const images = await testImageSet();
    for (const repo of ["public/busybox:1", "private/busybox:1"]) {
      await run("skopeo", ["copy", "--insecure-policy", "--dest-tls-verify=false", "--dest-creds", `${user.username}:${user.password}`, images.ociRef("busybox"), `docker://${registry.host}/${repo}`]);
    }
  });

  async function store(t: { after: (fn: () => void) => void }): Promise<ImageStore> {
    const dir = mkdtempSync(join(tmpdir(), "peapod-images-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return ImageStore.open({ layout: runtimeLayout(dir) });
  }

  test("an anonymous token from the realm the registry names", async (t) => {
    tokenRequests.length = 0;
    const image = await (await store(t)).pullImage(`${registry.host}/public/busybox:1`);
    assert.deepEqual(image.repoTags, [`${registry.host}/public/busybox:1`]);
    assert.ok(tokenRequests.length >= 1);
    assert.deepEqual(tokenRequests[0], { scope: "repository:public/busybox:pull", user: undefined });
  });

  test("credentials go to the token service, not the registry", async (t) => {
    tokenRequests.length = 0;
    await (await store(t)).pullImage(`${registry.host}/private/busybox:1`, { auth: user });
    assert.deepEqual(tokenRequests[0], { scope: "repository:private/busybox:pull", user: user.username });
  });

  test("a token without pull access, and a refused password, are ErrImagePull", async (t) => {
    const s = await store(t);
    const ref = `${registry.host}/private/busybox:1`;
    await assert.rejects(s.pullImage(ref), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
      assert.match(e.message, /unexpected status from HEAD request to .*\/v2\/private\/busybox\/manifests\/1: 401 Unauthorized$/);
      return true;
    });
    await assert.rejects(s.pullImage(ref, { auth: { username: user.username, password: "wrong" } }), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
      assert.match(e.message, /failed to fetch oauth token: unexpected status from GET request to http:\/\/127\.0\.0\.1:\d+\/token\?.*: 401 Unauthorized$/);
      return true;
    });
  });
});

describe("blob redirects and TLS, with a real registry", () => {
  const cleanup = cleanupFor(after);
  let registry: SpawnedRegistry;
  let root: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "peapod-plain-registry-"));
    cleanup.add(`remove ${root}`, () => rmSync(root, { recursive: true, force: true }));
    registry = await spawnRegistry(cleanup, root, "127.0.0.1", {}, "http");
    const images = await testImageSet();
    await run("skopeo", ["copy", "--insecure-policy", "--dest-tls-verify=false", images.ociRef("busybox"), `docker://${registry.host}/${testImages.busybox}`]);
  });

  test("blob GETs follow redirects to another origin, without the registry's credentials", async (t) => {
    const redirected: string[] = [];
    const leakedAuth: string[] = [];
    // A front for the registry that sends blob reads elsewhere, as object-storage-backed registries do.
    const storagePort = await listen(cleanup, (req, res) => {
      if (req.headers.authorization) leakedAuth.push(req.url ?? "");
      http.get(`http://${registry.host}${req.url}`, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
    });
    const frontPort = await listen(cleanup, (req, res) => {
      if (/\/blobs\/sha256:/.test(req.url ?? "")) {
        redirected.push(req.url!);
        res.writeHead(307, { location: `http://127.0.0.1:${storagePort}${req.url}` }).end();
        return;
      }
      if (!req.headers.authorization) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="front"' }).end();
        return;
      }
      const up = http.request(`http://${registry.host}${req.url}`, { method: req.method, headers: { accept: req.headers.accept ?? "*/*" } }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.end();
    });
    const dir = mkdtempSync(join(tmpdir(), "peapod-images-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const s = await ImageStore.open({ layout: runtimeLayout(dir) });
    const images = await testImageSet();
    const image = await s.pullImage(`127.0.0.1:${frontPort}/${testImages.busybox}`, { auth: { username: "u", password: "p" } });
    assert.equal(image.id, images.images.busybox.configDigest);
    assert.equal(redirected.length, 1 + images.images.busybox.layerDigests.length, "config and layers were redirected");
    assert.deepEqual(leakedAuth, [], "no Authorization header sent to the other origin");
  });

  test("a registry off loopback is spoken to over HTTPS, and its certificate is checked", async (t) => {
    const address = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    if (!address) {
      t.skip("no non-loopback IPv4 address on this host");
      return;
    }
    const tlsRoot = mkdtempSync(join(tmpdir(), "peapod-tls-registry-"));
    cleanup.add(`remove ${tlsRoot}`, () => rmSync(tlsRoot, { recursive: true, force: true }));
    await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(tlsRoot, "tls.key"), "-out", join(tlsRoot, "tls.crt"), "-days", "1", "-subj", `/CN=${address}`, "-addext", `subjectAltName=IP:${address}`]);
    const tls = await spawnRegistry(cleanup, tlsRoot, address, { tls: { certificate: join(tlsRoot, "tls.crt"), key: join(tlsRoot, "tls.key") } }, "https");
    const dir = mkdtempSync(join(tmpdir(), "peapod-images-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const s = await ImageStore.open({ layout: runtimeLayout(dir) });
    const ref = `${tls.host}/team/app:1`;
    await assert.rejects(s.pullImage(ref), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
      assert.equal(e.message, `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": failed to do request: Head "https://${tls.host}/v2/team/app/manifests/1": self-signed certificate`);
      return true;
    });
  });
});
