/** Attaching through conmon's SEQPACKET socket, against a stand-in server with conmon's framing. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { SeqpacketServer, type SeqpacketSocket } from "node-unix-socket";
import { attachThroughConmon } from "./attach.js";

test("a burst of attaches beyond the socket's backlog all connect, each getting the output", async (t) => {
  // Short: unix socket paths are limited to 108 bytes.
  const bundle = mkdtempSync(join(tmpdir(), "att-"));
  t.after(() => rmSync(bundle, { recursive: true, force: true }));
  const server = new SeqpacketServer();
  const accepted: SeqpacketSocket[] = [];
  server.on("connection", (socket: SeqpacketSocket) => {
    accepted.push(socket);
    // conmon's framing: one byte naming the pipe (2: stdout), then the bytes read.
    socket.write(Buffer.from("\x02hello"));
  });
  // A backlog of 2 where conmon has 10: the connects below, made in one tick, overflow it.
  server.listen(join(bundle, "attach"), 2);
  t.after(() => {
    for (const s of accepted) s.destroy();
    server.close();
  });
  const outputs = Array.from({ length: 20 }, () => new PassThrough());
  const sessions = await Promise.all(outputs.map((stdout) => attachThroughConmon(bundle, { tty: false, stdout })));
  for (const out of outputs) {
    const first = await new Promise<Buffer>((resolve) => out.once("data", resolve));
    assert.equal(first.toString(), "hello");
  }
  for (const s of sessions) s.detach();
});

test("no attach socket: fails at once", async (t) => {
  const bundle = mkdtempSync(join(tmpdir(), "att-"));
  t.after(() => rmSync(bundle, { recursive: true, force: true }));
  const t0 = Date.now();
  await assert.rejects(attachThroughConmon(bundle, { tty: false }), /cannot attach: conmon's attach socket/);
  assert.ok(Date.now() - t0 < 500, `failed after ${Date.now() - t0} ms`);
});
