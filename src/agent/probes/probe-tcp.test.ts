import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect, createServer, type AddressInfo } from "node:net";
import { test } from "node:test";
import { tcpProbe } from "./probe-tcp.js";

const host = "127.0.0.1";

test("tcp probe: success even when the server closes the connection at once", async (t) => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  assert.deepEqual(await tcpProbe(host, port, 1), { result: "success", output: "" });
});

test("tcp probe: connection refused, in Go's words", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  assert.deepEqual(await tcpProbe(host, port, 1), { result: "failure", output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test("tcp probe: a connect that does not finish within the timeout", async (t) => {
  // A listener that never accepts (its process blocks right after listening), with its
  // backlog taken (Linux queues backlog + 1 connections): the kernel drops further SYNs, so the next connect hangs.
  const listener = spawn(process.execPath, ["-e", [
    "const s = require('node:net').createServer();",
    "s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {",
    "  console.log(s.address().port);",
    "  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);",
    "});",
  ].join("\n")], { stdio: ["ignore", "pipe", "inherit"] });
  t.after(() => listener.kill("SIGKILL"));
  const port = Number(await new Promise<string>((resolve) => listener.stdout.once("data", (d: Buffer) => resolve(d.toString()))));
  for (let i = 0; i < 2; i++) {
    const filler = connect({ host, port });
    t.after(() => filler.destroy());
    await new Promise((resolve) => filler.once("connect", resolve));
  }
  const started = Date.now();
  assert.deepEqual(await tcpProbe(host, port, 1), { result: "failure", output: `dial tcp 127.0.0.1:${port}: i/o timeout` });
  assert.ok(Date.now() - started >= 950);
});
