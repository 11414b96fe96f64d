/**
 * The streaming connection idle timeout with a short timeout (200 ms): the timer itself, an
 * idle SPDY session (reset streams, GOAWAY, transport ended), a SPDY session kept busy, and an
 * exec over WebSocket that goes quiet (close 1000, the command's signal aborted) or keeps talking.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { WebSocket } from "ws";
import { waitFor } from "../../test/harness/wait-for.js";
import { IdleTimer } from "./idle-timer.js";
import { serveRemoteCommand, type RunRemoteCommand } from "./remotecommand/index.js";
import { SpdySession } from "./spdy/index.js";
import { socketPair, SpdyTestPeer } from "./spdy/testing/spdy-test-peer.js";
import { startUpgradeTestServer } from "./testing/upgrade-test-server.js";

const idleMs = 200;

test("IdleTimer fires once after the timeout without touch(), never after stop(), and 0 disables it", async () => {
  const fired: string[] = [];
  const started = performance.now();
  let firedAt = 0;
  new IdleTimer(idleMs, () => {
    fired.push("idle");
    firedAt = performance.now() - started;
  });
  const stopped = new IdleTimer(idleMs, () => fired.push("stopped"));
  stopped.stop();
  new IdleTimer(0, () => fired.push("disabled"));
  const touched = new IdleTimer(idleMs, () => fired.push("touched"));
  for (let i = 0; i < 5; i++) {
    await sleep(idleMs / 2);
    touched.touch();
  }
  touched.stop();
  await sleep(idleMs);
  assert.deepEqual(fired, ["idle"]);
  assert.ok(firedAt >= idleMs - 5 && firedAt < idleMs * 3, `fired after ${firedAt} ms`);
});

async function spdySession(t: { after(fn: () => Promise<void> | void): void }): Promise<{ session: SpdySession; peer: SpdyTestPeer; closed: Promise<number> }> {
  const { server, client } = await socketPair();
  const started = performance.now();
  const session = new SpdySession(server, { idleTimeoutMs: idleMs, closeTimeoutMs: 1000 });
  const peer = new SpdyTestPeer(client);
  t.after(() => {
    session.close();
    peer.close();
    server.destroy();
  });
  const closed = new Promise<number>((resolve) => session.once("close", () => resolve(performance.now() - started)));
  return { session, peer, closed };
}

test("an idle SPDY session resets its streams, says GOAWAY and ends the transport after the idle timeout", async (t) => {
  const { session, peer, closed } = await spdySession(t);
  const streams: string[] = [];
  session.on("stream", (s) => {
    streams.push(String(s.id));
    s.resume();
    s.on("error", () => undefined);
  });
  await peer.synStream(1, { streamtype: "error" });
  await peer.next((f) => f.type === "synReply" && f.streamId === 1);
  const elapsed = await closed;
  t.diagnostic(`closed after ${Math.round(elapsed)} ms`);
  assert.ok(elapsed >= idleMs && elapsed < idleMs * 4, `closed after ${elapsed} ms`);
  assert.deepEqual(streams, ["1"]);
  await peer.next((f) => f.type === "rstStream" && f.streamId === 1, 1000);
  await peer.next((f) => f.type === "goAway", 1000);
  const at = peer.frames.findIndex((f) => f.type === "rstStream");
  assert.ok(at < peer.frames.findIndex((f) => f.type === "goAway"), "streams are reset before GOAWAY");
  await waitFor(() => peer.ended, { what: "the transport to end", timeoutMs: 1000, intervalMs: 10 });
});

test("a SPDY session with a frame every 100 ms stays open past twice the idle timeout, then closes once quiet", async (t) => {
  const { session, peer, closed } = await spdySession(t);
  session.on("stream", (s) => s.resume());
  await peer.synStream(1, { streamtype: "data" });
  const busyUntil = performance.now() + idleMs * 2.5;
  while (performance.now() < busyUntil) {
    peer.data(1, "x");
    await sleep(idleMs / 2);
  }
  assert.equal(session.isClosed, false, "still open after 500 ms of traffic");
  assert.equal(session.streamCount, 1);
  const quietFrom = performance.now();
  await closed;
  const quiet = performance.now() - quietFrom;
  assert.ok(quiet < idleMs * 4, `closed ${quiet} ms after the traffic stopped`);
});

interface WebSocketExec {
  readonly client: WebSocket;
  readonly closed: Promise<{ code: number; afterMs: number }>;
  /** Resolves when the command's signal aborted (the client went or was cut). */
  readonly aborted: Promise<void>;
}

async function webSocketExec(t: { after(fn: () => Promise<void>): void }): Promise<WebSocketExec> {
  let abortedResolve!: () => void;
  const aborted = new Promise<void>((resolve) => (abortedResolve = resolve));
  // A command that prints nothing and reads stdin until the connection goes.
  const run: RunRemoteCommand = async (streams) => {
    streams.stdin!.resume();
    await new Promise<void>((resolve) => streams.signal.addEventListener("abort", () => resolve(), { once: true }));
    abortedResolve();
    return { exitCode: 137 };
  };
  const server = await startUpgradeTestServer(t, (req, socket, head) => serveRemoteCommand(req, socket, head, run, { idleTimeoutMs: idleMs }));
  const client = new WebSocket(`${server.wsUrl}/api/v1/namespaces/default/pods/p/exec?command=sleep&stdin=true&stdout=true`, ["v5.channel.k8s.io"]);
  t.after(async () => client.terminate());
  const started = performance.now();
  const closed = new Promise<{ code: number; afterMs: number }>((resolve) =>
    client.once("close", (code) => resolve({ code, afterMs: performance.now() - started })),
  );
  await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
  return { client, closed, aborted };
}

test("an exec over WebSocket with no message either way is closed (1000) after the idle timeout, and its command stopped", async (t) => {
  const exec = await webSocketExec(t);
  const { code, afterMs } = await exec.closed;
  t.diagnostic(`closed with ${code} after ${Math.round(afterMs)} ms`);
  assert.equal(code, 1000);
  assert.ok(afterMs >= idleMs - 5 && afterMs < idleMs * 4, `closed after ${afterMs} ms`);
  await exec.aborted;
});

test("an exec over WebSocket whose client sends stdin every 100 ms stays open past twice the idle timeout", async (t) => {
  const exec = await webSocketExec(t);
  let closedEarly = false;
  void exec.closed.then(() => (closedEarly = true));
  const busyUntil = performance.now() + idleMs * 2.5;
  while (performance.now() < busyUntil) {
    exec.client.send(Buffer.from([0, ...Buffer.from("x")]));
    await sleep(idleMs / 2);
  }
  assert.equal(closedEarly, false, "still open after 500 ms of stdin");
  assert.equal(exec.client.readyState, WebSocket.OPEN);
  const { code } = await exec.closed;
  assert.equal(code, 1000, "and closed once quiet");
});
