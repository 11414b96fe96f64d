/**
 * Issue 5's bad input, end to end through the API server's upgrade proxy to a separate
 * `peapod agent` process: garbage after WebSocket and SPDY upgrades, upgrades the endpoints
 * must refuse, hundreds of streams cut mid-transfer, a port nobody listens on. Throughout,
 * a kubectl port-forward opened before the abuse keeps serving, and at the end the API
 * server and the agent hold as many file descriptors and sockets as before, no `runc exec`
 * or other child process is left on the host, and no exec'd process or forwarded
 * connection is left in the container.
 *
 * The pod runs on the joined agent, so the server's descriptors (the proxy) and the agent's
 * (the streaming server, the runtime) are counted in separate processes.
 */
import { after, before, describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { WebSocket } from "ws";
import { encodeFrame, GoAwayStatus } from "../../src/httpstream/spdy/index.js";
import { SpdyTestPeer } from "../../src/httpstream/spdy/testing/spdy-test-peer.js";
import { kubeconfigCredentials } from "../harness/api-request.js";
import { Cleanup } from "../harness/cleanup.js";
import { Kubectl, startPeapod, startPeapodAgent, type PeapodAgent, type PeapodServer } from "../harness/peapod.js";
import { freePort, httpGet } from "../harness/ports.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

const pod = "abuse";
/** A shell on a terminal (stdin, tty), to attach to. */
const termPod = "abuse-term";
const page = "abuse-page\n";
/** Bigger than what the sockets between the pod and a paused client can buffer, so each download stays mid-transfer. */
const bigSize = 64 * 1024 * 1024;
/** A file small enough to download whole many times over. */
const midSize = 4 * 1024 * 1024;
/** Port-forward streams on one connection, and concurrent exec sessions, in the "hundreds" case. */
const forwardPairs = 300;
const execSessions = 200;
const spdyExecSessions = 50;
/** Exec upgrades whose client leaves while the request is on its way to the agent. */
const upgradeRaces = 100;
const attachSessions = 50;
/** How long the server may take to close a connection it was sent garbage on. */
const closeBoundMs = 10_000;
/** Descriptors that may come and go on their own (the agent's API client connections, leases, watches). */
const fdSlack = 4;

let cleanup: Cleanup;
let server: PeapodServer;
let agent: PeapodAgent;
let k: Kubectl;
let creds: ReturnType<typeof kubeconfigCredentials>;
let keeper: { child: ChildProcess; output: () => string; port: number };
let baseline: Snapshot;

// ---- what the processes hold -------------------------------------------------------------

interface ProcessUse {
  readonly fds: number;
  readonly sockets: number;
}

interface Snapshot {
  readonly server: ProcessUse;
  readonly agent: ProcessUse;
  /** Command lines of the server's and the agent's descendants (spawners, the port-forward relay), sorted. */
  readonly children: string[];
  /** Descriptors those descendants hold together: the relay hands each forwarded socket over. */
  readonly childFds: number;
}

function processUse(pid: number): ProcessUse {
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) sockets++;
    } catch {
      // closed between the listing and the readlink
    }
  }
  return { fds, sockets };
}

/** Every process below `root`, with its command line (from /proc, so no `ps` is needed). */
function descendants(root: number): Array<{ pid: number; cmd: string }> {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the command name in parentheses: state, ppid, …
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const pid of parent.keys()) {
    if (!below(pid)) continue;
    try {
      out.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim() });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function snapshot(): Snapshot {
  const children = [...descendants(server.process.pid!), ...descendants(agent.process.pid!)];
  let childFds = 0;
  for (const c of children) {
    try {
      childFds += processUse(c.pid).fds;
    } catch {
      // exited meanwhile
    }
  }
  return {
    server: processUse(server.process.pid!),
    agent: processUse(agent.process.pid!),
    children: children.map((c) => c.cmd).sort(),
    childFds,
  };
}

function describeSnapshot(s: Snapshot): string {
  return `server ${s.server.fds} fds (${s.server.sockets} sockets), agent ${s.agent.fds} fds (${s.agent.sockets} sockets), ` +
    `children ${s.childFds} fds [${s.children.join("; ")}]`;
}

// ---- raw clients -------------------------------------------------------------------------

interface RawUpgrade {
  readonly status: number;
  readonly head: string;
  readonly socket: TLSSocket;
  /** Bytes after the response head (the body of a refusal, or the first protocol bytes). */
  readonly rest: Buffer;
}

/** Sends one HTTP/1.1 request on a fresh TLS connection to the API server and reads the response head. */
function rawRequest(method: string, path: string, headers: Record<string, string>, t?: TestContext): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: creds.url.hostname, port: Number(creds.url.port), ...creds.tls });
    cleanup.add("destroy a raw client connection", () => void socket.destroy());
    t?.after(() => void socket.destroy());
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response head to ${method} ${path} within ${closeBoundMs} ms; got ${JSON.stringify(received.toString("latin1"))}`));
    }, closeBoundMs);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      clearTimeout(timer);
      socket.off("data", onData);
      socket.pause();
      const head = received.subarray(0, end).toString("latin1");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, socket, rest: received.subarray(end + 4) });
    };
    socket.on("data", onData);
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once("secureConnect", () => {
      const lines = [`${method} ${path} HTTP/1.1`, `Host: ${creds.url.host}`, ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`)];
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
  });
}

/** Resolves with what arrived once the server closed the connection; fails if it stays open past the bound. */
function closedByServer(up: RawUpgrade, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [up.rest];
  return new Promise((resolve, reject) => {
    if (up.socket.destroyed) return resolve(Buffer.concat(chunks));
    const timer = setTimeout(() => reject(new Error(`${what}: the server kept the connection open for ${closeBoundMs} ms`)), closeBoundMs);
    up.socket.on("data", (c: Buffer) => chunks.push(c));
    up.socket.on("error", () => undefined);
    up.socket.once("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    up.socket.resume();
  });
}

const podPath = (sub: string, query = "", name = pod): string => `/api/v1/namespaces/default/pods/${name}/${sub}${query ? `?${query}` : ""}`;

/** One client-to-server WebSocket frame (FIN, masked as RFC 6455 §5.3 requires), payload under 64 KiB. */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x80 | opcode]), length, mask, masked]);
}

function webSocketHeaders(protocol: string): Record<string, string> {
  return {
    Connection: "Upgrade",
    Upgrade: "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
    "Sec-WebSocket-Protocol": protocol,
  };
}

const spdyPortForwardHeaders = { Connection: "Upgrade", Upgrade: "SPDY/3.1", "X-Stream-Protocol-Version": "portforward.k8s.io", "Content-Length": "0" };

/** A SPDY port-forward session through the API server, with the test's own client end of the protocol. */
async function spdyPortForward(t: TestContext): Promise<{ peer: SpdyTestPeer; socket: TLSSocket; openPair: (port: number) => Promise<{ error: number; data: number }> }> {
  const up = await rawRequest("POST", podPath("portforward"), spdyPortForwardHeaders, t);
  assert.equal(up.status, 101, up.head);
  if (up.rest.length > 0) up.socket.unshift(up.rest);
  const peer = new SpdyTestPeer(up.socket);
  up.socket.resume();
  t.after(() => peer.close());
  let nextId = 1;
  let requestId = 0;
  // As kubectl does per local connection: an error stream it half-closes at once, then the data stream.
  const openPair = async (port: number): Promise<{ error: number; data: number }> => {
    const ids = { error: nextId, data: nextId + 2 };
    nextId += 4;
    const headers = { port: String(port), requestid: String(requestId++) };
    await peer.synStream(ids.error, { ...headers, streamtype: "error" });
    peer.data(ids.error, "", true);
    await peer.synStream(ids.data, { ...headers, streamtype: "data" });
    return ids;
  };
  return { peer, socket: up.socket, openPair };
}

function streamBytes(peer: SpdyTestPeer, streamId: number): Buffer {
  return Buffer.concat(peer.frames.flatMap((f) => (f.type === "data" && f.streamId === streamId ? [f.data] : [])));
}

/** GET / on a new pair of the session: the pod's page. */
async function getPage({ peer, openPair }: Awaited<ReturnType<typeof spdyPortForward>>): Promise<void> {
  const { data } = await openPair(8080);
  peer.data(data, "GET / HTTP/1.0\r\n\r\n");
  await peer.readStream(data);
  assert.match(streamBytes(peer, data).toString(), /abuse-page/);
}

/** An exec session over SPDY (v4.channel.k8s.io, kubectl's fallback) with stdin and stdout, its streams open. */
async function spdyExec(command: string[], t: TestContext): Promise<{ peer: SpdyTestPeer; socket: TLSSocket; stdin: number; stdout: number; error: number }> {
  const q = new URLSearchParams([...command.map((c): [string, string] => ["command", c]), ["stdin", "true"], ["stdout", "true"]]);
  const up = await rawRequest("POST", podPath("exec", q.toString()), { ...spdyPortForwardHeaders, "X-Stream-Protocol-Version": "v4.channel.k8s.io" }, t);
  assert.equal(up.status, 101, up.head);
  if (up.rest.length > 0) up.socket.unshift(up.rest);
  const peer = new SpdyTestPeer(up.socket);
  up.socket.resume();
  t.after(() => peer.close());
  const ids = { error: 1, stdin: 3, stdout: 5 };
  for (const [type, id] of Object.entries(ids)) await peer.synStream(id, { streamtype: type });
  return { peer, socket: up.socket, ...ids };
}

interface WebSocketSession {
  readonly ws: WebSocket;
  /** Bytes received on stdout. */
  stdout(): number;
  /** The first 64 KiB of stdout. */
  text(): string;
  /** What arrived on the error channel (the Status), if anything. */
  status(): string | undefined;
}

/** An exec session over WebSocket (v5.channel.k8s.io) through the API server, open. */
function webSocketExec(command: string[], t: TestContext, tty = false): Promise<WebSocketSession> {
  const q = new URLSearchParams([...command.map((c): [string, string] => ["command", c]), ["stdin", "true"], ["stdout", "true"], tty ? ["tty", "true"] : ["stderr", "true"]]);
  return webSocketSession(podPath("exec", q.toString()), t);
}

/** An exec or attach session over WebSocket (v5.channel.k8s.io) through the API server, open. */
function webSocketSession(path: string, t: TestContext): Promise<WebSocketSession> {
  const ws = new WebSocket(`wss://${creds.url.host}${path}`, ["v5.channel.k8s.io"], creds.tls);
  t.after(() => ws.terminate());
  let stdout = 0;
  let text = "";
  let status: string | undefined;
  ws.on("message", (m: Buffer) => {
    if (m[0] === 3) status = m.subarray(1).toString();
    if (m[0] !== 1) return;
    stdout += m.length - 1;
    if (text.length < 65536) text += m.subarray(1).toString("latin1");
  });
  ws.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, stdout: () => stdout, text: () => text, status: () => status }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`exec upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

// ---- checks after every step -------------------------------------------------------------

/** Nothing crashed and the port-forward opened before the abuse still serves. */
async function stillServing(step: string): Promise<void> {
  assert.equal(server.process.exitCode, null, `${step}: the server exited: ${server.output().slice(-2000)}`);
  assert.equal(agent.process.exitCode, null, `${step}: the agent exited: ${agent.output().slice(-2000)}`);
  assert.match(await k.ok(["get", "pods", pod, "--no-headers"]), /Running/);
  const pages = await Promise.all(Array.from({ length: 4 }, () => httpGet(`http://127.0.0.1:${keeper.port}/`)));
  for (const p of pages) assert.equal(p, page, `${step}: the long-lived port-forward still serves`);
  assert.equal(keeper.child.exitCode, null, `${step}: the long-lived port-forward is still running: ${keeper.output()}`);
}

describe("bad input on the streaming endpoints, through the API server to a separate agent", () => {
  after(() => cleanup.run());
  before(async () => {
    cleanup = new Cleanup();
    const registry = await startRegistry(cleanup);
    const { reference } = await registry.push("busybox");
    const network = freeTestNetwork({ prefixLength: 23 });
    server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
    k = new Kubectl(server, cleanup);
    creds = kubeconfigCredentials(server);
    const tokenFile = `${server.dataDir}/pki/node-token`;
    await waitFor(() => server.output().includes(`--token-file ${tokenFile}`) || undefined, { what: "the join command in the server's output" });
    const nodeName = `abuse-${randomBytes(3).toString("hex")}`;
    agent = startPeapodAgent(cleanup, { server: server.url, tokenFile, nodeName, bridge: `ppt-${randomBytes(3).toString("hex")}` });
    await k.waitForReadyNodes(2, 30_000);

    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod },
      spec: {
        nodeSelector: { "kubernetes.io/hostname": nodeName },
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: pod,
          image: reference,
          command: ["sh", "-c", [
            "mkdir -p /tmp/www",
            `echo ${page.trim()} > /tmp/www/index.html`,
            `head -c ${bigSize} /dev/zero > /tmp/www/big`,
            `head -c ${midSize} /dev/urandom > /tmp/www/mid`,
            // A download that never ends: one `cat /dev/zero` per connection while it lasts.
            "mkdir -p /tmp/www/cgi-bin",
            "printf '#!/bin/sh\\necho Content-Type: application/octet-stream\\necho\\nexec cat /dev/zero\\n' > /tmp/www/cgi-bin/zero",
            "chmod +x /tmp/www/cgi-bin/zero",
            "exec httpd -f -p 8080 -h /tmp/www",
          ].join("\n")],
        }],
      },
    };
    // A second pod with a shell on a terminal, for attach.
    const term = { ...manifest, metadata: { name: termPod }, spec: { ...manifest.spec, containers: [{ name: termPod, image: reference, command: ["sh"], stdin: true, tty: true }] } };
    await k.ok(["create", "-f", "-"], { stdin: JSON.stringify({ kind: "List", apiVersion: "v1", items: [manifest, term] }) });
    for (const name of [pod, termPod]) {
      await waitFor(async () => (await k.ok(["get", "pod", name, "-o", "jsonpath={.status.phase}"])) === "Running" || undefined, { what: `pod ${name} to run`, timeoutMs: 30_000 });
    }
    assert.equal(await k.ok(["get", "pod", pod, "-o", "jsonpath={.spec.nodeName}"]), nodeName);

    // httpd listens once the files are written (kubectl port-forward gives up on a refused connection).
    await waitFor(async () => (await k.run(["exec", pod, "--", "wget", "-q", "-O", "-", "http://127.0.0.1:8080/"])).stdout === page || undefined, {
      what: "httpd to serve in the pod",
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    // The long-lived forward (kubectl's default, the WebSocket tunnel), open through everything below.
    const port = await freePort();
    const child = spawn("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", k.cacheDir, "port-forward", pod, `${port}:8080`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    cleanup.add(`stop kubectl port-forward pid ${child.pid}`, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    keeper = { child, output: () => out, port };
    await waitFor(() => out.includes(`Forwarding from 127.0.0.1:${port} -> 8080`) || undefined, { what: `port-forward to listen: ${out}` });
    // The forward's first connection: kubectl has its tunnel up.
    await waitFor(async () => (await httpGet(`http://127.0.0.1:${port}/`)) === page || undefined, { what: "the page through the long-lived forward", timeoutMs: 20_000 });
  });

  test("warm-up: one exec and one port-forward of each client, then the baseline", async (t) => {
    assert.equal(await k.ok(["exec", pod, "--", "echo", "warm"]), "warm\n");
    const { ws, stdout } = await webSocketExec(["sh", "-c", "echo warm-ws"], t);
    await waitFor(() => stdout() > 0 || undefined, { what: "the WebSocket exec's output" });
    await new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once("close", () => r())));
    const session = await spdyPortForward(t);
    await getPage(session);
    session.peer.close();
    await stillServing("warm-up");
    // The baseline once it holds still: connections of the warm-up are closing.
    let previous = "";
    baseline = await waitFor(
      () => {
        const s = snapshot();
        const now = describeSnapshot(s);
        const same = now === previous;
        previous = now;
        return same ? s : undefined;
      },
      { what: "descriptor counts to settle", intervalMs: 1000, timeoutMs: 20_000 },
    );
    t.diagnostic(`baseline: ${describeSnapshot(baseline)}`);
    assert.equal((await k.processesIn(pod, /httpd/)).length, 1, "only httpd itself");
  });

  describe("garbage after the upgrade", () => {
    test("a WebSocket exec, then bytes that are no WebSocket frame: closed, the process killed", async (t) => {
      const up = await rawRequest("GET", podPath("exec", "command=head&command=-c&command=888888888&stdin=true&stdout=true"), webSocketHeaders("v5.channel.k8s.io"), t);
      assert.equal(up.status, 101, up.head);
      await waitFor(async () => (await k.processesIn(pod, /head -c 888888888/)).length > 0 || undefined, { what: "the exec'd process to run" });
      // 0xFF: FIN, all three reserved bits and the reserved opcode 0xF, which no endpoint accepts.
      up.socket.write(Buffer.concat([Buffer.from([0xff, 0x80]), randomBytes(4096)]));
      const t0 = Date.now();
      await closedByServer(up, "WebSocket garbage");
      t.diagnostic(`closed ${Date.now() - t0} ms after the garbage`);
      await waitFor(async () => (await k.processesIn(pod, /head -c 888888888/)).length === 0 || undefined, { what: "the exec'd process to be killed" });
      await stillServing("WebSocket garbage");
    });

    test("kubectl's WebSocket port-forward tunnel, then bytes that are no WebSocket frame: closed", async (t) => {
      const up = await rawRequest("GET", podPath("portforward"), webSocketHeaders("SPDY/3.1+portforward.k8s.io"), t);
      assert.equal(up.status, 101, up.head);
      up.socket.write(Buffer.concat([Buffer.from([0xff, 0x80]), randomBytes(4096)]));
      const t0 = Date.now();
      await closedByServer(up, "WebSocket tunnel garbage");
      t.diagnostic(`closed ${Date.now() - t0} ms after the garbage`);
      await stillServing("WebSocket tunnel garbage");
    });

    test("the WebSocket tunnel, then a well-formed binary message of SPDY garbage: GOAWAY inside, and closed", async (t) => {
      const up = await rawRequest("GET", podPath("portforward"), webSocketHeaders("SPDY/3.1+portforward.k8s.io"), t);
      assert.equal(up.status, 101, up.head);
      up.socket.write(maskedFrame(0x2, Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(100)])));
      const t0 = Date.now();
      const answer = await closedByServer(up, "SPDY garbage in the WebSocket tunnel");
      t.diagnostic(`closed ${Date.now() - t0} ms after the garbage`);
      const goAway = encodeFrame({ type: "goAway", lastGoodStreamId: 0, status: GoAwayStatus.protocolError });
      assert.ok(answer.includes(goAway), `a GOAWAY in ${answer.toString("hex")}`);
      await stillServing("SPDY garbage in the WebSocket tunnel");
    });

    const spdyGarbage: Array<{ name: string; bytes: () => Buffer }> = [
      {
        name: "a control frame of SPDY version 2",
        bytes: () => {
          const f = encodeFrame({ type: "ping", id: 1 });
          f.writeUInt16BE(0x8002, 0);
          return f;
        },
      },
      {
        name: "a SYN_STREAM whose header block is not zlib",
        bytes: () => encodeFrame({ type: "synStream", streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock: randomBytes(200) }),
      },
      { name: "random bytes", bytes: () => Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(64 * 1024)]) },
    ];
    for (const { name, bytes } of spdyGarbage) {
      test(`SPDY port-forward, then ${name}: GOAWAY and closed`, async (t) => {
        const up = await rawRequest("POST", podPath("portforward"), spdyPortForwardHeaders, t);
        assert.equal(up.status, 101, up.head);
        up.socket.write(bytes());
        const t0 = Date.now();
        const answer = await closedByServer(up, name);
        t.diagnostic(`closed ${Date.now() - t0} ms after the garbage`);
        // The session says why before it closes: a GOAWAY with PROTOCOL_ERROR (draft 3 §2.6.6).
        const goAway = encodeFrame({ type: "goAway", lastGoodStreamId: 0, status: GoAwayStatus.protocolError });
        assert.ok(answer.includes(goAway.subarray(0, 8)), `a GOAWAY in ${answer.toString("hex")}`);
        await stillServing(`SPDY ${name}`);
      });
    }

    test("SPDY: a DATA frame for a stream nobody opened is dropped and the session goes on", async (t) => {
      const session = await spdyPortForward(t);
      session.peer.data(99, "for nobody");
      session.peer.data(101, "", true);
      await getPage(session);
      session.peer.close();
      await stillServing("DATA for an unknown stream");
    });
  });

  describe("garbage in a running exec", () => {
    test("WebSocket exec on a terminal: empty messages, unknown channels, a resize that is no JSON: ignored, the command goes on", async (t) => {
      const { ws, text } = await webSocketExec(["head", "-c", "333333333"], t, true);
      const send = (channel: number | undefined, data: string): void => ws.send(channel === undefined ? Buffer.alloc(0) : Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
      send(undefined, "");
      send(9, "to no channel");
      send(200, "");
      send(4, '{"Width": "wide", "Height": [');
      send(4, "\u0000\u0001 not json at all }}}");
      send(0, "still-here\r");
      await waitFor(() => text().includes("still-here") || undefined, { what: `the echo in ${JSON.stringify(text())}` });
      ws.terminate();
      await waitFor(async () => (await k.processesIn(pod, /head -c 333333333/)).length === 0 || undefined, { what: "the exec'd process to be killed" });
      await stillServing("garbage inside an exec");
    });

    test("SPDY exec with its process running, then a frame of another SPDY version: closed, the process killed", async (t) => {
      const { peer, socket, stdin, stdout } = await spdyExec(["head", "-c", "666666666"], t);
      peer.data(stdin, randomBytes(8192));
      await waitFor(() => streamBytes(peer, stdout).length > 0 || undefined, { what: "the process's output" });
      const bad = encodeFrame({ type: "ping", id: 1 });
      bad.writeUInt16BE(0x8002, 0);
      const closed = new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));
      socket.write(bad);
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error("still open")), closeBoundMs))]);
      assert.ok(peer.frames.some((f) => f.type === "goAway" && f.status === GoAwayStatus.protocolError), "a GOAWAY with PROTOCOL_ERROR");
      await waitFor(async () => (await k.processesIn(pod, /head -c 666666666/)).length === 0 || undefined, { what: "the exec'd process to be killed" });
      await stillServing("garbage in a SPDY exec");
    });
  });

  describe("upgrades that must be refused get an HTTP error, not a hang", () => {
    const cases: Array<{ name: string; method: string; path: () => string; headers: () => Record<string, string>; status: number }> = [
      { name: "exec with an unknown WebSocket subprotocol", method: "GET", path: () => podPath("exec", "command=true&stdout=true"), headers: () => webSocketHeaders("nope.example.com"), status: 400 },
      { name: "exec without any stream", method: "GET", path: () => podPath("exec", "command=true"), headers: () => webSocketHeaders("v5.channel.k8s.io"), status: 400 },
      { name: "exec over SPDY with an unknown stream protocol", method: "POST", path: () => podPath("exec", "command=true&stdout=true"), headers: () => ({ ...spdyPortForwardHeaders, "X-Stream-Protocol-Version": "nope.k8s.io" }), status: 403 },
      { name: "a channel port-forward without ports", method: "GET", path: () => podPath("portforward"), headers: () => webSocketHeaders("v4.channel.k8s.io"), status: 400 },
      { name: "a port-forward of a pod that does not exist", method: "POST", path: () => "/api/v1/namespaces/default/pods/nobody/portforward", headers: () => spdyPortForwardHeaders, status: 404 },
    ];
    for (const c of cases) {
      test(c.name, async (t) => {
        const up = await rawRequest(c.method, c.path(), c.headers(), t);
        const body = (await closedByServer(up, c.name)).toString();
        t.diagnostic(`${up.head.split("\r\n")[0]} ${body.trim().slice(0, 300)}`);
        assert.equal(up.status, c.status, `${up.head}\n${body}`);
      });
    }
    test("exec without a command: upgraded, as upstream, then the runtime's refusal on the error channel and closed", async (t) => {
      const ws = new WebSocket(`wss://${creds.url.host}${podPath("exec", "stdout=true")}`, ["v5.channel.k8s.io"], creds.tls);
      t.after(() => ws.terminate());
      const messages: Buffer[] = [];
      ws.on("message", (m: Buffer) => messages.push(m));
      ws.on("error", () => undefined);
      const code = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still open after ${closeBoundMs} ms; got ${JSON.stringify(messages.map(String))}`)), closeBoundMs);
        ws.once("close", (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      const status = messages.find((m) => m[0] === 3)?.subarray(1).toString();
      t.diagnostic(`closed with ${code}, error channel: ${status}`);
      assert.match(status ?? "", /"status":"Failure"/);
    });

    test("and the rest keeps serving", async () => {
      await stillServing("refused upgrades");
    });
  });

  describe("hundreds of streams, cut mid-transfer", () => {
    test(`${forwardPairs} port-forward streams on one SPDY connection, then the socket destroyed`, async (t) => {
      const { peer, socket, openPair } = await spdyPortForward(t);
      // The client reads nothing: every download stalls mid-transfer, with the buffers of the
      // proxy, the agent and the pod's sockets full, as when a client hangs before it dies.
      socket.pause();
      const t0 = Date.now();
      for (let i = 0; i < forwardPairs; i++) {
        const { data } = await openPair(8080);
        peer.data(data, "GET /big HTTP/1.0\r\n\r\n");
      }
      // busybox httpd forks a child per connection: each one is a forwarded connection that
      // arrived; the agent holds each one's socket once the relay handed it over.
      let seen = 0;
      const during = await waitFor(async () => {
        seen = (await k.processesIn(pod, /httpd/)).length;
        const now = snapshot();
        return (seen === forwardPairs + 1 && now.agent.sockets >= forwardPairs && now) || undefined;
      }, {
        what: `${forwardPairs} connections inside the pod, held by the agent`,
        timeoutMs: 30_000,
      }).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${seen - 1} arrived; ${describeSnapshot(snapshot())}; streams answered: ${peer.frames.filter((f) => f.type === "synReply").length}`);
      });
      t.diagnostic(`${forwardPairs} connections in the pod after ${Date.now() - t0} ms; ${describeSnapshot(during).replace(/ \[.*/, "")}; destroying the client socket`);
      socket.destroy();
      await waitFor(async () => (await k.processesIn(pod, /httpd/)).length === 1 || undefined, { what: "httpd's per-connection children to go", timeoutMs: 20_000 });
      await stillServing(`${forwardPairs} port-forward streams`);
    });

    test(`${execSessions} concurrent exec sessions, then every socket destroyed`, async (t) => {
      const t0 = Date.now();
      const sessions = await Promise.all(Array.from({ length: execSessions }, () => webSocketExec(["head", "-c", "777777777"], t)));
      const chunk = Buffer.concat([Buffer.from([0]), randomBytes(16 * 1024)]);
      for (const s of sessions) s.ws.send(chunk);
      await waitFor(() => sessions.every((s) => s.stdout() > 0) || undefined, { what: `output from all ${execSessions} sessions`, timeoutMs: 60_000 });
      const during = snapshot();
      t.diagnostic(`${execSessions} sessions open and echoing after ${Date.now() - t0} ms; ${describeSnapshot(during).replace(/ \[.*/, "")}; terminating them`);
      // Each session is a client connection and a node connection in the proxy.
      assert.ok(during.server.sockets >= 2 * execSessions, `the API server proxies the ${execSessions} sessions`);
      for (const s of sessions) s.ws.terminate();
      await waitFor(async () => (await k.processesIn(pod, /head -c 777777777/)).length === 0 || undefined, { what: "every exec'd process to be killed", timeoutMs: 30_000 });
      await stillServing(`${execSessions} exec sessions`);
    });

    test(`${spdyExecSessions} concurrent SPDY exec sessions, then every socket destroyed`, async (t) => {
      const t0 = Date.now();
      const sessions = await Promise.all(Array.from({ length: spdyExecSessions }, () => spdyExec(["head", "-c", "444444444"], t)));
      for (const s of sessions) s.peer.data(s.stdin, randomBytes(16 * 1024));
      await waitFor(() => sessions.every((s) => streamBytes(s.peer, s.stdout).length > 0) || undefined, { what: `output from all ${spdyExecSessions} sessions`, timeoutMs: 60_000 });
      t.diagnostic(`${spdyExecSessions} sessions open and echoing after ${Date.now() - t0} ms; destroying them`);
      for (const s of sessions) s.socket.destroy();
      await waitFor(async () => (await k.processesIn(pod, /head -c 444444444/)).length === 0 || undefined, { what: "every exec'd process to be killed", timeoutMs: 30_000 });
      await stillServing(`${spdyExecSessions} SPDY exec sessions`);
    });

    test(`${attachSessions} attach sessions to one terminal, then every socket destroyed: the shell keeps running`, async (t) => {
      const path = podPath("attach", "stdin=true&stdout=true&tty=true", termPod);
      const sessions = await Promise.all(Array.from({ length: attachSessions }, () => webSocketSession(path, t)));
      // As kubectl: the terminal size first (the session waits for it before attaching).
      for (const s of sessions) s.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":80,"Height":24}')]));
      // Every attached client sees what the shell prints; an attach shows only what comes after
      // it, so ask until the last one to attach has seen an answer.
      await waitFor(
        () => {
          if (sessions.every((s) => s.text().includes("attached-42"))) return true;
          sessions[0]!.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from("echo attached-$((6*7))\r")]));
          return undefined;
        },
        { what: "the shell's answer on every attached session", intervalMs: 500 },
      ).catch((e: unknown) => {
        const missing = sessions.filter((s) => !s.text().includes("attached-42"));
        throw new Error(`${String(e)}: ${missing.length} of ${attachSessions} without it: ${JSON.stringify(missing.map((m) => [m.ws.readyState, m.text(), m.status()]))}`);
      });
      const during = snapshot();
      t.diagnostic(`${attachSessions} sessions attached; ${describeSnapshot(during).replace(/ \[.*/, "")}; destroying them`);
      for (const s of sessions) s.ws.terminate();
      await waitFor(async () => (await k.ok(["get", "pod", termPod, "-o", "jsonpath={.status.containerStatuses[0].state.running.startedAt}"])) !== "" || undefined, { what: "the shell still running" });
      assert.equal(await k.ok(["get", "pod", termPod, "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]), "0");
      // And it still answers a new attach.
      const again = await webSocketSession(path, t);
      again.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from("echo again-$((6*7))\r")]));
      await waitFor(() => again.text().includes("again-42") || undefined, { what: "the shell's answer after the mass detach" });
      again.ws.close();
      await stillServing(`${attachSessions} attach sessions`);
    });

    test(`kubectl port-forward (the WebSocket tunnel) with ${forwardPairs} connections, killed mid-transfer`, async (t) => {
      const port = await freePort();
      const child = spawn("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", k.cacheDir, "port-forward", pod, `${port}:8080`], { stdio: ["ignore", "pipe", "pipe"] });
      t.after(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      await waitFor(() => out.includes(`Forwarding from 127.0.0.1:${port}`) || undefined, { what: `port-forward to listen: ${out}` });
      const sockets = Array.from({ length: forwardPairs }, () => {
        const c = connect(port, "127.0.0.1", () => c.write("GET /cgi-bin/zero HTTP/1.0\r\n\r\n"));
        t.after(() => void c.destroy());
        c.on("error", () => undefined);
        // Read and dropped: a client that stops reading would stall kubectl's whole tunnel, since
        // spdystream queues each stream's frames behind the others' (no flow control). The
        // downloads never end, so all of them are mid-transfer when kubectl dies.
        c.resume();
        return c;
      });
      let seen = 0;
      await waitFor(async () => (seen = (await k.processesIn(pod, /cat \/dev\/zero/)).length) === forwardPairs || undefined, {
        what: `${forwardPairs} endless downloads inside the pod`,
        timeoutMs: 30_000,
      }).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${seen} running; kubectl: ${out.slice(-300)}`);
      });
      const received = sockets.reduce((n, c) => n + c.bytesRead, 0);
      t.diagnostic(`${forwardPairs} downloads running, ${(received / 1048576).toFixed(0)} MiB received; killing kubectl`);
      child.kill("SIGKILL");
      for (const c of sockets) c.destroy();
      await waitFor(async () => (await k.processesIn(pod, /cat \/dev\/zero|httpd/)).length === 1 || undefined, { what: "the downloads to go in the pod", timeoutMs: 20_000 });
      await stillServing("a killed kubectl port-forward");
    });

    test(`${upgradeRaces} exec clients that leave while the upgrade is under way`, async (t) => {
      const path = podPath("exec", "command=head&command=-c&command=555555555&stdin=true&stdout=true");
      await Promise.all(Array.from({ length: upgradeRaces }, (_, i) => new Promise<void>((resolve) => {
        const socket = tlsConnect({ host: creds.url.hostname, port: Number(creds.url.port), ...creds.tls });
        t.after(() => void socket.destroy());
        socket.on("error", () => undefined);
        socket.once("secureConnect", () => {
          const headers = Object.entries(webSocketHeaders("v5.channel.k8s.io")).map(([n, v]) => `${n}: ${v}`);
          socket.write([`GET ${path} HTTP/1.1`, `Host: ${creds.url.host}`, ...headers, "", ""].join("\r\n"));
          // Gone at once, or a little later: before, during or after the agent starts the process.
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, i % 40);
        });
      })));
      await waitFor(async () => (await k.processesIn(pod, /head -c 555555555/)).length === 0 || undefined, { what: "no exec'd process left", timeoutMs: 30_000 });
      await stillServing("clients that left during the upgrade");
    });

    test("per-stream resets on one connection: the reset downloads stop, the others complete", async (t) => {
      const { peer, openPair } = await spdyPortForward(t);
      const pairs = [];
      for (let i = 0; i < 20; i++) {
        const ids = await openPair(8080);
        // Even ones download the big file and are reset mid-way; odd ones download a smaller one whole.
        peer.data(ids.data, `GET /${i % 2 === 0 ? "big" : "mid"} HTTP/1.0\r\n\r\n`);
        pairs.push(ids);
      }
      const [reset, kept] = [pairs.filter((_, i) => i % 2 === 0), pairs.filter((_, i) => i % 2 === 1)];
      await waitFor(() => reset.every((p) => streamBytes(peer, p.data).length > 0) || undefined, { what: "the downloads to start" });
      // As kubectl does when its local connection goes: RST_STREAM on the data stream.
      for (const p of reset) peer.send({ type: "rstStream", streamId: p.data, status: 5 });
      for (const p of kept) {
        await peer.readStream(p.data, 30_000);
        const body = streamBytes(peer, p.data);
        assert.equal(body.length - body.indexOf("\r\n\r\n") - 4, midSize, "a download next to the reset ones completes");
      }
      await waitFor(async () => (await k.processesIn(pod, /httpd/)).length === 1 || undefined, { what: "the reset connections to go in the pod", timeoutMs: 20_000 });
      peer.close();
      await stillServing("per-stream resets");
    });

    test(`${forwardPairs} lone error streams whose data stream never comes, then the socket destroyed`, async (t) => {
      const { peer, socket } = await spdyPortForward(t);
      for (let i = 0; i < forwardPairs; i++) await peer.synStream(2 * i + 1, { streamtype: "error", port: "8080", requestid: String(i) });
      await peer.next((f) => f.type === "synReply" && f.streamId === 2 * forwardPairs - 1);
      socket.destroy();
      await stillServing("lone error streams");
    });
  });

  test("the agent's own port refuses an exec upgrade that does not come from the API server", async (t) => {
    const nodeName = await k.ok(["get", "pod", pod, "-o", "jsonpath={.spec.nodeName}"]);
    const [address, port] = (await k.ok(["get", "node", nodeName, "-o", "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address} {.status.daemonEndpoints.kubeletEndpoint.Port}"])).split(" ");
    const path = `/exec/default/${pod}/${pod}?command=true&stdout=true`;
    for (const [who, tls, code] of [["no certificate", {}, 401], ["the cluster admin's certificate", { cert: creds.tls.cert, key: creds.tls.key }, 403]] as const) {
      const status = await new Promise<number>((resolve, reject) => {
        // The agent's serving certificate is self-signed (the API server does not verify it either).
        const socket = tlsConnect({ host: address, port: Number(port), rejectUnauthorized: false, ...tls });
        t.after(() => void socket.destroy());
        let text = "";
        socket.on("data", (d: Buffer) => (text += d.toString("latin1")));
        socket.once("secureConnect", () => {
          const headers = Object.entries(webSocketHeaders("v5.channel.k8s.io")).map(([n, v]) => `${n}: ${v}`);
          socket.write([`GET ${path} HTTP/1.1`, `Host: ${address}`, ...headers, "", ""].join("\r\n"));
        });
        socket.on("error", reject);
        socket.once("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      });
      assert.equal(status, code, who);
    }
  });

  test("a port nobody listens on: the refusal on that stream's error stream, the session goes on", async (t) => {
    const session = await spdyPortForward(t);
    const { peer, openPair } = session;
    const refused = await openPair(9999);
    peer.data(refused.data, "hello?");
    await peer.readStream(refused.error);
    assert.match(streamBytes(peer, refused.error).toString(), /error forwarding port 9999 to pod [0-9a-f]+, uid : .*connection refused/);
    await getPage(session);
    peer.close();
    await stillServing("a port nobody listens on");
  });

  test("afterwards: the same descriptors, sockets and child processes as before the abuse", async (t) => {
    let last: Snapshot | undefined;
    const settled = await waitFor(
      () => {
        last = snapshot();
        const ok = last.server.fds <= baseline.server.fds + fdSlack && last.agent.fds <= baseline.agent.fds + fdSlack &&
          last.server.sockets <= baseline.server.sockets + fdSlack && last.agent.sockets <= baseline.agent.sockets + fdSlack &&
          last.childFds <= baseline.childFds + fdSlack &&
          JSON.stringify(last.children) === JSON.stringify(baseline.children);
        return ok ? last : undefined;
      },
      { what: "descriptors to return to the baseline", intervalMs: 500, timeoutMs: 15_000 },
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nbaseline: ${describeSnapshot(baseline)}\nnow:      ${last ? describeSnapshot(last) : "-"}`);
    });
    t.diagnostic(`baseline: ${describeSnapshot(baseline)}`);
    t.diagnostic(`after:    ${describeSnapshot(settled)}`);
    assert.ok(!settled.children.some((c) => /runc.* exec/.test(c)), "no runc exec left");
    assert.deepEqual(await k.processesIn(pod, /head -c|sleep|cat \/dev\/zero/), []);
    assert.equal((await k.processesIn(pod, /httpd/)).length, 1, "only httpd itself, no per-connection child");
    await stillServing("the end");
  });
});
