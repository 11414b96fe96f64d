/**
 * The exec/attach channel protocol message by message, from a `ws` client: what kubectl's
 * and the JavaScript client's readers rely on (spec §7.2, §7.3).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Duplex } from "node:stream";
import { test } from "node:test";
import { WebSocket } from "ws";
import { waitFor } from "../../../test/harness/wait-for.js";
import { startUpgradeTestServer } from "../testing/upgrade-test-server.js";
import { serveRemoteCommand, type RemoteCommandStreams, type RunRemoteCommand } from "./index.js";

interface Session {
  readonly client: WebSocket;
  /** Every message the client received, as [channel, payload text]. */
  readonly messages: Array<[number, string]>;
  readonly closed: Promise<{ code: number }>;
}

async function open(t: { after(fn: () => Promise<void>): void }, query: string, protocols: string[], run: RunRemoteCommand): Promise<Session> {
  const server = await startUpgradeTestServer(t, (req, socket, head) => serveRemoteCommand(req, socket, head, run));
  const client = new WebSocket(`${server.wsUrl}/api/v1/namespaces/default/pods/p/exec?${query}`, protocols);
  t.after(async () => client.terminate());
  const messages: Array<[number, string]> = [];
  client.on("message", (d: Buffer) => messages.push([d[0]!, d.subarray(1).toString()]));
  const closed = new Promise<{ code: number }>((resolve) => client.once("close", (code) => resolve({ code })));
  await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
  return { client, messages, closed };
}

/** Upper-cases stdin to stdout until stdin ends, then exits 3. */
const shout: RunRemoteCommand = async (streams: RemoteCommandStreams) => {
  for await (const chunk of streams.stdin!) streams.stdout!.write(String(chunk).toUpperCase());
  return { exitCode: 3 };
};

const exit3 =
  '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [shout], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}';

test("v5: empty first frame, output, FF 00 ends stdin, then the Status and close 1000", async (t) => {
  const s = await open(t, "command=shout&stdin=true&stdout=true&stderr=true", ["v5.channel.k8s.io"], shout);
  assert.equal(s.client.protocol, "v5.channel.k8s.io");
  s.client.send(Buffer.from([0, ...Buffer.from("hello ")]));
  s.client.send(Buffer.from([0, ...Buffer.from("world")]));
  s.client.send(Buffer.from([0xff, 0]));
  assert.equal((await s.closed).code, 1000);
  assert.deepEqual(s.messages[0], [1, ""], "upstream's connected signal on stdout");
  assert.equal(
    s.messages
      .filter(([c]) => c === 1)
      .map(([, p]) => p)
      .join(""),
    "HELLO WORLD",
  );
  assert.deepEqual(s.messages.at(-1), [3, exit3], "the Status comes last");
});

test("v4 (the JavaScript client's fallback): same channels, stdin ends with the connection", async (t) => {
  let stdinEnded = false;
  const s = await open(t, "command=shout&stdin=true&stdout=true", ["v4.channel.k8s.io"], async (streams) => {
    for await (const chunk of streams.stdin!) streams.stdout!.write(chunk);
    stdinEnded = true;
    return { exitCode: 0 };
  });
  assert.equal(s.client.protocol, "v4.channel.k8s.io");
  s.client.send(Buffer.from([0, 0x61]));
  s.client.send(Buffer.from([0xff, 0])); // channel 255 in v4: ignored, stdin stays open
  s.client.send(Buffer.from([0, 0x62]));
  const stdout = (): string => s.messages.map(([c, p]) => (c === 1 ? p : `<${c}>`)).join("");
  await waitFor(() => stdout() === "ab", { what: "both stdin bytes echoed" });
  assert.equal(stdinEnded, false);
  s.client.close(1000);
  await s.closed;
  await waitFor(() => stdinEnded, { what: "stdin to end with the connection" });
});

test("a stderr-only session sends the connected signal on stderr, the lowest writable channel", async (t) => {
  const stderrOnly = await open(t, "command=x&stderr=true", ["v5.channel.k8s.io"], async (streams) => {
    streams.stderr!.write("oops");
    return { exitCode: 0 };
  });
  await stderrOnly.closed;
  assert.deepEqual(stderrOnly.messages, [
    [2, ""],
    [2, "oops"],
    [3, '{"metadata":{},"status":"Success"}'],
  ]);
});

test("tty: resize messages reach run, and stderr is not offered", async (t) => {
  const seen: Array<{ width: number; height: number }> = [];
  let stderrGiven = true;
  const s = await open(t, "command=x&stdin=true&stdout=true&stderr=true&tty=true", ["v5.channel.k8s.io"], async (streams) => {
    stderrGiven = streams.stderr !== undefined;
    for await (const size of streams.resize!) {
      seen.push(size);
      if (seen.length === 2) break;
    }
    return { exitCode: 0 };
  });
  s.client.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}\n')]));
  s.client.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}\n')]));
  await s.closed;
  assert.equal(stderrGiven, false);
  assert.deepEqual(seen, [
    { width: 100, height: 30 },
    { width: 120, height: 40 },
  ]);
});

test("the server answers kubectl's heartbeat pings while a command runs", async (t) => {
  let finish: () => void = () => {};
  const s = await open(t, "command=x&stdout=true", ["v5.channel.k8s.io"], () => new Promise((resolve) => (finish = () => resolve({ exitCode: 0 }))));
  const pong = new Promise<string>((resolve) => s.client.once("pong", (d: Buffer) => resolve(d.toString())));
  s.client.ping("heartbeat");
  assert.equal(await pong, "heartbeat");
  finish();
  assert.equal((await s.closed).code, 1000);
});

test("a text message ends the session with 1003 and aborts run", async (t) => {
  let aborted = false;
  const s = await open(t, "command=x&stdin=true&stdout=true", ["v5.channel.k8s.io"], (streams) => {
    return new Promise((resolve) =>
      streams.signal.addEventListener("abort", () => {
        aborted = true;
        resolve({ exitCode: 137 });
      }),
    );
  });
  s.client.send("0hello");
  assert.equal((await s.closed).code, 1003);
  await waitFor(() => aborted, { what: "run to be aborted" });
});

test("garbage instead of WebSocket frames ends the session, aborts run and frees the socket", async (t) => {
  let aborted = false;
  const server = await startUpgradeTestServer(t, (req, socket, head) =>
    serveRemoteCommand(req, socket, head, (streams) => {
      return new Promise((resolve) =>
        streams.signal.addEventListener("abort", () => {
          aborted = true;
          resolve({ exitCode: 137 });
        }),
      );
    }),
  );
  const socket = await new Promise<Duplex>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: server.port,
      path: "/api/v1/namespaces/default/pods/p/exec?command=x&stdin=true&stdout=true",
      headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "v5.channel.k8s.io" },
    });
    req.on("upgrade", (_res, s) => resolve(s));
    req.on("error", reject);
    req.end();
  });
  t.after(async () => void socket.destroy());
  socket.on("error", () => {});
  socket.resume();
  socket.write(randomBytes(4096));
  await waitFor(() => aborted, { what: "run to be aborted" });
  await waitFor(() => server.openSockets() === 0, { what: "the server to close the socket" });
});

test("a request asking for no stream is refused before the upgrade", async (t) => {
  const server = await startUpgradeTestServer(t, (req, socket, head) => serveRemoteCommand(req, socket, head, async () => ({ exitCode: 0 })));
  const client = new WebSocket(`${server.wsUrl}/api/v1/namespaces/default/pods/p/exec?command=ls`, ["v5.channel.k8s.io"]);
  const response = await new Promise<{ status: number; body: string }>((resolve) =>
    client.once("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }),
  );
  client.on("error", () => {});
  assert.equal(response.status, 400);
  assert.equal(JSON.parse(response.body).message, "you must specify at least 1 of stdin, stdout, stderr");
});
