import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { Container, HTTPGetAction } from "../../api/index.js";
import { httpGetTarget, httpProbe } from "./probe-http.js";

const podIP = "127.0.0.1";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, podIP, resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A port nobody listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, podIP, resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe("http probe against a real server", () => {
  let port = 0;
  let seen: IncomingHttpHeaders = {};
  const app: RequestListener = (req, res) => {
    const path = req.url ?? "";
    if (path.startsWith("/headers")) seen = req.headers;
    if (path === "/ok" || path.startsWith("/headers") || path === "/?q=1") return void res.end("healthy");
    if (path === "/fail") return void res.writeHead(500).end("internal details");
    if (path === "/moved") return void res.writeHead(301, { location: "/ok" }).end();
    if (path === "/elsewhere") return void res.writeHead(302, { location: `http://localhost:${port}/ok` }).end("gone away");
    if (path === "/loop") return void res.writeHead(302, { location: "/loop" }).end();
    if (path === "/big") return void res.end("y".repeat(50_000));
    if (path === "/hang") return; // never answers
    if (path === "/stall-body") {
      res.writeHead(200);
      res.write("partial");
      return; // the body never ends
    }
    res.writeHead(404).end();
  };
  const server = createServer(app);
  before(async () => (port = await listen(server)));
  after(() => close(server));

  const probe = (action: HTTPGetAction, container: Container = {}, timeoutSeconds = 1) =>
    httpProbe(httpGetTarget({ port, scheme: "HTTP", ...action }, container, podIP), timeoutSeconds);

  test("2xx is success with the body as output", async () => {
    assert.deepEqual(await probe({ path: "/ok" }), { result: "success", output: "healthy" });
  });

  test("5xx is failure with the kubelet's text, without the body", async () => {
    assert.deepEqual(await probe({ path: "/fail" }), { result: "failure", output: "HTTP probe failed with statuscode: 500" });
  });

  test("a redirect on the same host is followed", async () => {
    assert.deepEqual(await probe({ path: "/moved" }), { result: "success", output: "healthy" });
  });

  test("a redirect to another host is not followed: a warning, which counts as success", async () => {
    assert.deepEqual(await probe({ path: "/elsewhere" }), { result: "warning", output: "Probe terminated redirects, Response body: gone away" });
  });

  test("redirects stop after 10 requests", async () => {
    assert.deepEqual(await probe({ path: "/loop" }), { result: "failure", output: `Get "/loop": stopped after 10 redirects` });
  });

  test("no answer within the timeout", async () => {
    const started = Date.now();
    assert.deepEqual(await probe({ path: "/hang" }), {
      result: "failure",
      output: `Get "http://127.0.0.1:${port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    assert.ok(Date.now() - started < 1900);
  });

  test("a body that stalls past the timeout makes the probe error", async () => {
    const outcome = await probe({ path: "/stall-body" });
    assert.equal(outcome.error, "context deadline exceeded (Client.Timeout or context cancellation while reading body)");
  });

  test("the body is read up to 10 KiB", async () => {
    const outcome = await probe({ path: "/big" });
    assert.equal(outcome.result, "success");
    assert.equal(outcome.output.length, 10 * 1024);
  });

  test("default headers: kube-probe user agent and Accept */*", async () => {
    await probe({ path: "/headers" });
    assert.equal(seen["user-agent"], "kube-probe/1.32");
    assert.equal(seen["accept"], "*/*");
    assert.equal(seen["connection"], "close");
  });

  test("headers from the probe, overriding and blanking the defaults", async () => {
    await probe({ path: "/headers", httpHeaders: [{ name: "x-custom", value: "a" }, { name: "User-Agent", value: "mine" }, { name: "Accept", value: "" }] });
    assert.equal(seen["x-custom"], "a");
    assert.equal(seen["user-agent"], "mine");
    assert.equal(seen["accept"], undefined);
    await probe({ path: "/headers", httpHeaders: [{ name: "User-Agent", value: "" }] });
    assert.equal(seen["user-agent"], undefined);
  });

  test("a named container port and a query string", async () => {
    const container: Container = { ports: [{ name: "http", containerPort: port }] };
    assert.equal(httpGetTarget({ port: "http", path: "/?q=1" }, container, podIP).url, `http://127.0.0.1:${port}/?q=1`);
    assert.deepEqual(await probe({ port: "http", path: "/?q=1" }, container), { result: "success", output: "healthy" });
  });

  test("the host field replaces the pod IP", async () => {
    const target = httpGetTarget({ host: "localhost", port, path: "/ok" }, {}, "10.0.0.1");
    assert.equal(target.url, `http://localhost:${port}/ok`);
    assert.equal((await httpProbe(target, 1)).result, "success");
  });

  test("a port name the container does not have throws Go's Atoi text", () => {
    assert.throws(() => httpGetTarget({ port: "http" }, {}, podIP), { message: `strconv.Atoi: parsing "http": invalid syntax` });
  });
});

test("http probe: connection refused", async () => {
  const port = await closedPort();
  const outcome = await httpProbe(httpGetTarget({ port, path: "/" }, {}, podIP), 1);
  assert.deepEqual(outcome, { result: "failure", output: `Get "http://127.0.0.1:${port}/": dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test("http probe: HTTPS without certificate verification", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "peapod-probe-tls-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await promisify(execFile)("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=probe-test"]);
  const server = createHttpsServer({ key: await readFile(join(dir, "key.pem")), cert: await readFile(join(dir, "cert.pem")) }, (_req, res) => res.end("secure"));
  const port = await listen(server);
  t.after(() => close(server));
  const outcome = await httpProbe(httpGetTarget({ port, path: "/", scheme: "HTTPS" }, {}, podIP), 2);
  assert.deepEqual(outcome, { result: "success", output: "secure" });
});
