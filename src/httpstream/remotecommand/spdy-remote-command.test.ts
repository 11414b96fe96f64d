/**
 * exec over SPDY frame by frame, from a scripted SPDY client: the stream bookkeeping the real
 * kubectl never gets wrong (and so the kubectl tests cannot show): missing streams time out,
 * strangers are reset, and the ending comes in kubectl's order.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import type { Socket } from "node:net";
import { test } from "node:test";
import { waitFor } from "../../../test/harness/wait-for.js";
import { RstStatus } from "../spdy/index.js";
import { SpdyTestPeer } from "../spdy/testing/spdy-test-peer.js";
import { startUpgradeTestServer } from "../testing/upgrade-test-server.js";
import { parseRemoteCommandOptions } from "./options.js";
import type { RunRemoteCommand } from "./run-remote-command.js";
import { serveRemoteCommandOverSpdy } from "./spdy-remote-command.js";

async function spdyExec(
  t: { after(fn: () => Promise<void>): void },
  query: string,
  run: RunRemoteCommand,
  streamCreationMs = 30_000,
): Promise<SpdyTestPeer> {
  const server = await startUpgradeTestServer(t, (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const options = parseRemoteCommandOptions(url);
    if ("error" in options) throw new Error(options.error);
    void serveRemoteCommandOverSpdy(req, socket, head, options, { kind: "exec", command: url.searchParams.getAll("command") }, run, { streamCreationMs });
  });
  const socket = await new Promise<Socket>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: server.port,
      method: "POST",
      path: `/api/v1/namespaces/default/pods/p/exec?${query}`,
      headers: { Connection: "Upgrade", Upgrade: "SPDY/3.1", "X-Stream-Protocol-Version": "v4.channel.k8s.io" },
    });
    req.on("upgrade", (_res, s: Socket) => resolve(s));
    req.on("error", reject);
    req.end();
  });
  const peer = new SpdyTestPeer(socket);
  t.after(async () => peer.close());
  return peer;
}

test("streams arrive, run starts, and the ending is stdout FIN, then the Status on the error stream with FIN", async (t) => {
  const peer = await spdyExec(t, "command=x&stdout=true", async (streams) => {
    streams.stdout!.write("out");
    return { exitCode: 2 };
  });
  await peer.synStream(1, { streamtype: "error" });
  await peer.synStream(3, { streamtype: "stdout" });
  const stdoutFin = await peer.next((f) => f.type === "data" && f.streamId === 3 && f.fin);
  const status = JSON.parse((await peer.readStream(1)).toString());
  assert.equal((await peer.readStream(3)).toString(), "out");
  assert.equal(status.reason, "NonZeroExitCode");
  assert.deepEqual(status.details.causes, [{ reason: "ExitCode", message: "2" }]);
  const errorFin = await peer.next((f) => f.type === "data" && f.streamId === 1 && f.fin);
  assert.ok(peer.frames.indexOf(stdoutFin) < peer.frames.indexOf(errorFin), "stdout ends before the Status");
});

test("a stream type the request did not ask for is reset, and the command waits for the right ones", async (t) => {
  let started = false;
  const peer = await spdyExec(t, "command=x&stdout=true", async () => {
    started = true;
    return { exitCode: 0 };
  });
  await peer.synStream(1, { streamtype: "error" });
  await peer.synStream(3, { streamtype: "stdin" });
  const reset = await peer.next((f) => f.type === "rstStream" && f.streamId === 3);
  assert.equal(reset.type === "rstStream" && reset.status, RstStatus.cancel);
  assert.equal(started, false);
  await peer.synStream(5, { streamtype: "stdout" });
  await waitFor(() => started, { what: "run to start once stdout arrived" });
});

test("a client that never opens all its streams gets the session closed at the deadline, and run never starts", async (t) => {
  let started = false;
  const peer = await spdyExec(
    t,
    "command=x&stdin=true&stdout=true",
    async () => {
      started = true;
      return { exitCode: 0 };
    },
    200,
  );
  await peer.synStream(1, { streamtype: "error" });
  await peer.next((f) => f.type === "goAway", 5000);
  await waitFor(() => peer.ended, { what: "the server to end the connection" });
  assert.equal(started, false);
});
