/**
 * exec, attach, cp and port-forward with the real kubectl v1.32 through `peapod server`
 * (API server proxy → node agent's kubelet API → runtime), in both protocols kubectl
 * speaks: WebSocket (its default) and SPDY/3.1 (KUBECTL_*_WEBSOCKETS=false). Also the
 * official JavaScript client's Exec and PortForward helpers. Every test checks what the
 * streams leave behind: no process in the container after a client went.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import * as k8s from "@kubernetes/client-node";
import { spawn as spawnPty, type IPty } from "node-pty";
import { busyboxIndexHtml } from "../fixtures/images/busybox.js";
import { saFrontendManifest } from "../fixtures/sa-frontend.js";
import { Cleanup, cleanupFor } from "../harness/cleanup.js";
import { Kubectl, startPeapod, type PeapodServer } from "../harness/peapod.js";
import { freePort, httpGet } from "../harness/ports.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

const spdyOnly = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false", KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" };
const protocols = [
  { name: "WebSocket", env: {} as Record<string, string> },
  { name: "SPDY", env: spdyOnly },
];

let cleanup: Cleanup;
let server: PeapodServer;
let k: Kubectl;
let images: { httpd: string; busybox: string };

/** A started kubectl that runs until it exits or the ledger kills it by PID. */
interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startKubectl(args: readonly string[], env: Record<string, string> = {}, stdin: "pipe" | "ignore" = "ignore"): Running {
  const child = spawn("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", k.cacheDir, ...args], {
    stdio: [stdin, "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': the output is whole only once the pipes have ended.
  const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
  cleanup.add(`stop kubectl pid ${child.pid}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return { child, output: () => out, exited };
}

/** kubectl with its output as Buffers (binary-safe), stdin from a Buffer. */
function kubectlBinary(args: readonly string[], env: Record<string, string>, stdin?: Buffer): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const r = startKubectl(args, env, "pipe");
  const chunks: Buffer[] = [];
  let stderr = "";
  r.child.stdout!.removeAllListeners("data");
  r.child.stderr!.removeAllListeners("data");
  r.child.stdout!.on("data", (d: Buffer) => chunks.push(d));
  r.child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  r.child.stdin!.end(stdin ?? Buffer.alloc(0));
  return r.exited.then((code) => ({ code, stdout: Buffer.concat(chunks), stderr }));
}

/** kubectl on a pseudo-terminal of the given size, as a person runs `-it`; killed by the ledger. */
function kubectlOnTerminal(args: readonly string[], size: { cols: number; rows: number }, env: Record<string, string>): {
  pty: IPty;
  output: () => string;
  exited: Promise<number>;
} {
  const pty = spawnPty("kubectl", ["--kubeconfig", server.kubeconfig, "--cache-dir", k.cacheDir, ...args], {
    ...size,
    env: { ...process.env, ...env } as Record<string, string>,
  });
  cleanup.add(`kill kubectl pty pid ${pty.pid}`, () => {
    try {
      pty.kill("SIGKILL");
    } catch {
      // gone
    }
  });
  let out = "";
  pty.onData((d) => (out += d));
  const exited = new Promise<number>((r) => pty.onExit(({ exitCode }) => r(exitCode)));
  return { pty, output: () => out, exited };
}

async function createPod(name: string, container: Record<string, unknown>): Promise<void> {
  const manifest = { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name, ...container }] } };
  await k.ok(["create", "-f", "-"], { stdin: JSON.stringify(manifest) });
  await waitFor(async () => (await k.ok(["get", "pod", name, "-o", "jsonpath={.status.phase}"])) === "Running" || undefined, {
    what: `pod ${name} to run`,
    timeoutMs: 30_000,
  });
}

describe("streams through peapod with the real kubectl", () => {
// Registered at suite level: an after() called inside before() would run when the hook ends.
after(() => cleanup.run());
before(async () => {
  cleanup = new Cleanup();
  const registry = await startRegistry(cleanup);
  const [httpd, busybox] = await Promise.all([registry.push("httpd"), registry.push("busybox")]);
  images = { httpd: httpd.reference, busybox: busybox.reference };
  const network = freeTestNetwork();
  server = await startPeapod(cleanup, { agent: { bridge: network.bridge, podCIDR: network.podCIDR } });
  k = new Kubectl(server, cleanup);
  await k.waitForReadyNodes();
});

describe("the seed's walkthrough", () => {
  test("create sa-frontend, watch it run, port-forward to it, logs, exec hostname, describe, delete", async (t) => {
    const local = cleanupFor((fn) => t.after(fn));
    const watch = k.spawn(["get", "pods", "--watch"], local);
    const manifest = saFrontendManifest(images.httpd);
    assert.equal(await k.ok(["create", "-f", "-"], { stdin: manifest }), "pod/sa-frontend created\n");
    await waitFor(() => /sa-frontend\s+1\/1\s+Running\s+0/.test(watch.output()) || undefined, { what: "get --watch to show Running", timeoutMs: 30_000 });

    const port = await freePort();
    const forward = startKubectl(["port-forward", "sa-frontend", `${port}:80`]);
    await waitFor(() => forward.output().includes(`Forwarding from 127.0.0.1:${port} -> 80`) || undefined, { what: `port-forward to listen: ${forward.output()}` });
    for (let round = 0; round < 3; round++) {
      const pages = await Promise.all(Array.from({ length: 8 }, () => httpGet(`http://127.0.0.1:${port}/`)));
      for (const page of pages) assert.equal(page, busyboxIndexHtml);
    }
    assert.match(forward.output(), new RegExp(`Handling connection for ${port}`));

    // busybox httpd logs nothing: the point is that the log request goes through.
    assert.equal(await k.ok(["logs", "sa-frontend"]), "");

    assert.equal(await k.ok(["exec", "sa-frontend", "--", "hostname"]), "sa-frontend\n");
    const describe = await k.ok(["describe", "pod", "sa-frontend"]);
    for (const reason of ["Scheduled", "Pulled", "Created", "Started"]) assert.match(describe, new RegExp(`Normal\\s+${reason}\\s`));

    const t0 = Date.now();
    assert.equal(await k.ok(["delete", "pod", "sa-frontend", "--wait"]), 'pod "sa-frontend" deleted\n');
    t.diagnostic(`delete took ${Date.now() - t0} ms`);
    // The forward goes with the pod.
    const code = await Promise.race([forward.exited, new Promise((r) => setTimeout(() => r("still running"), 15_000))]);
    assert.notEqual(code, "still running", `port-forward should end when the pod goes: ${forward.output()}`);
    t.diagnostic(`port-forward ended ${Date.now() - t0} ms after the delete began, printing: ${JSON.stringify(forward.output().split("\n").slice(-3).join("\n"))}`);
    assert.match(forward.output(), /lost connection to pod/);
  });
});

describe("exec", () => {
  before(async () => {
    await createPod("shell", { image: images.busybox, command: ["sleep", "100000"] });
  });

  for (const { name, env } of protocols) {
    test(`${name}: the remote exit code becomes kubectl's`, async () => {
      const ok = await k.run(["exec", "shell", "--", "sh", "-c", "echo out; echo err >&2"], { env });
      assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, "out\n", "err\n"]);
      const seven = await k.run(["exec", "shell", "--", "sh", "-c", "exit 7"], { env });
      assert.equal(seven.code, 7);
      assert.match(seven.stderr, /command terminated with exit code 7/);
    });

    test(`${name}: -i pipes stdin through to EOF, binary-safe`, async () => {
      const data = randomBytes(3 * 1024 * 1024);
      const r = await kubectlBinary(["exec", "-i", "shell", "--", "cat"], env, data);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.length, data.length);
      assert.ok(r.stdout.equals(data), "cat returned the same bytes");
      const wc = await kubectlBinary(["exec", "-i", "shell", "--", "wc", "-c"], env, Buffer.from("12345"));
      assert.equal(wc.stdout.toString().trim(), "5");
    });

    test(`${name}: -it gets a terminal of kubectl's size and follows a resize`, async () => {
      const { pty, output, exited } = kubectlOnTerminal(["exec", "-it", "shell", "--", "sh"], { cols: 100, rows: 30 }, env);
      // Typed at once: the terminal must have its size before the shell starts.
      pty.write("stty size\r");
      await waitFor(() => /30 100/.test(output()) || undefined, { what: `stty size 30 100 in ${JSON.stringify(output())}` });
      pty.resize(120, 40);
      await new Promise((r) => setTimeout(r, 300));
      pty.write("stty size; tty\r");
      await waitFor(() => /40 120/.test(output()) || undefined, { what: `stty size 40 120 in ${JSON.stringify(output())}` });
      assert.match(output(), /\/dev\/pts\/\d+/);
      pty.write("exit 3\r");
      assert.equal(await exited, 3);
    });

    test(`${name}: a missing binary, a missing container, a container that is not running`, async () => {
      const missing = await k.run(["exec", "shell", "--", "no-such-binary"], { env });
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /executable file not found in \$PATH/);
      const unknown = await k.run(["exec", "shell", "-c", "nope", "--", "true"], { env });
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /container nope is not valid for pod shell/);
      const stopped = await k.run(["exec", "two", "-c", "done", "--", "true"], { env });
      assert.notEqual(stopped.code, 0);
      assert.match(stopped.stderr, /unable to upgrade connection: container not found \("done"\)/);
    });

    test(`${name}: kubectl cp both ways`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), "peapod-cp-"));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const data = randomBytes(2 * 1024 * 1024);
      writeFileSync(join(dir, "up.bin"), data);
      const remote = `/tmp/cp-${name}.bin`;
      const up = await k.run(["cp", join(dir, "up.bin"), `shell:${remote}`], { env });
      assert.equal(up.code, 0, up.stderr);
      const sum = await k.ok(["exec", "shell", "--", "sha256sum", remote]);
      assert.equal(sum.split(" ")[0], createHash("sha256").update(data).digest("hex"));
      const down = await k.run(["cp", `shell:${remote}`, join(dir, "down.bin")], { env });
      assert.equal(down.code, 0, down.stderr);
      assert.ok(readFileSync(join(dir, "down.bin")).equals(data), "the copy back is identical");
    });

    test(`${name}: a client killed mid-exec leaves no process in the container`, async () => {
      const marker = name === "SPDY" ? "4243" : "4242";
      const r = startKubectl(["exec", "shell", "--", "sleep", marker], env);
      await waitFor(async () => (await k.processesIn("shell", `sleep ${marker}`)).length > 0 || undefined, { what: `sleep ${marker} to run` });
      r.child.kill("SIGKILL");
      await r.exited;
      await waitFor(async () => (await k.processesIn("shell", `sleep ${marker}`)).length === 0 || undefined, { what: `sleep ${marker} to be killed` });
    });
  }

  before(async () => {
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "two" },
      spec: {
        restartPolicy: "Never",
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: "done", image: images.busybox, command: ["true"] },
          { name: "runs", image: images.busybox, command: ["sleep", "100000"] },
        ],
      },
    };
    await k.ok(["create", "-f", "-"], { stdin: JSON.stringify(manifest) });
    await waitFor(async () => /Completed|terminated/.test(await k.ok(["get", "pod", "two", "-o", "jsonpath={.status.containerStatuses[?(@.name==\"done\")].state}"])) || undefined, {
      what: "container done to finish",
      timeoutMs: 30_000,
    });
  });
});

describe("attach", () => {
  for (const { name, env } of protocols) {
    test(`${name}: kubectl attach -it to a stdin+tty container; leaving keeps it running`, async () => {
      const pod = `attach-${name.toLowerCase()}`;
      await createPod(pod, { image: images.busybox, command: ["sh"], stdin: true, tty: true });
      const { pty, output, exited } = kubectlOnTerminal(["attach", "-it", pod], { cols: 90, rows: 20 }, env);
      await waitFor(() => /If you don't see a command prompt/.test(output()) || undefined, { what: `attach banner in ${JSON.stringify(output())}` });
      pty.write("echo attached-$((40+2))\r");
      await waitFor(() => /attached-42/.test(output()) || undefined, { what: `echo through attach in ${JSON.stringify(output())}` });
      // One newline translation, as with exec -it, podman run -it and any terminal: the
      // container's console maps the shell's \n to \r\n (ONLCR) and kubectl's raw local
      // terminal adds nothing (a program's own \r\n does become \r\r\n, as everywhere).
      pty.write("printf 'lf-1\\nlf-2\\n'\r");
      await waitFor(() => /lf-2\r\n/.test(output()) || undefined, { what: `printf through attach in ${JSON.stringify(output())}` });
      assert.match(output(), /attached-42\r\n/);
      assert.match(output(), /lf-1\r\nlf-2\r\n/, "\\n arrives as \\r\\n, translated once");
      // kubectl sends size+1, then the size, to make the shell redraw; both reach the
      // terminal, the second shortly after the first: ask until it has.
      await waitFor(
        () => {
          if (/20 90/.test(output())) return true;
          pty.write("stty size\r");
          return undefined;
        },
        { what: `the attach terminal's size in ${JSON.stringify(output())}`, intervalMs: 200 },
      );
      pty.kill("SIGKILL");
      await exited;
      // The container keeps running and can be attached again.
      const again = await k.run(["exec", pod, "--", "true"]);
      assert.equal(again.code, 0);
      assert.equal(await k.ok(["get", "pod", pod, "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]), "0");
    });
  }
});

describe("kubectl run -it", () => {
  test("runs a stdin+tty pod, attaches to it, and --rm deletes it after the shell exits", async () => {
    const { pty, output, exited } = kubectlOnTerminal(
      ["run", "runit", "-it", "--rm", "--restart=Never", `--image=${images.busybox}`, "--", "sh"],
      { cols: 80, rows: 24 },
      {},
    );
    await waitFor(() => /If you don't see a command prompt/.test(output()) || undefined, { what: `the attach banner in ${JSON.stringify(output())}`, timeoutMs: 30_000 });
    await waitFor(
      () => {
        if (/ran-3/.test(output())) return true;
        pty.write("echo ran-$((1+2))\r");
        return undefined;
      },
      { what: `the shell's answer in ${JSON.stringify(output())}`, intervalMs: 500 },
    );
    pty.write("exit 0\r");
    assert.equal(await exited, 0, output());
    assert.match(output(), /pod "runit" deleted/);
  });
});

describe("port-forward", () => {
  const size = 50 * 1024 * 1024;
  before(async () => {
    await createPod("pf", {
      image: images.busybox,
      command: ["sh", "-c", [
        `head -c ${size} /dev/urandom > /tmp/big`,
        "sha256sum /tmp/big > /tmp/big.sha",
        "mkdir -p /tmp/www && echo pf-page > /tmp/www/index.html",
        "(while true; do nc -l -p 9000 < /tmp/big; done) &",
        // nc's input never ends, so it does not half-close: kubectl ends a forwarded connection
        // as soon as the pod's side is done (client-go portforward handleConnection).
        "mkfifo /tmp/in",
        "(sleep 100000 > /tmp/in &)",
        "(while true; do nc -l -p 9001 < /tmp/in > /tmp/up.part; mv /tmp/up.part /tmp/up; done) &",
        "exec httpd -f -p 8080 -h /tmp/www",
      ].join("\n")],
    });
    await waitFor(async () => (await k.run(["exec", "pf", "--", "cat", "/tmp/big.sha"])).stdout || undefined, { what: "the pod's test file", timeoutMs: 30_000 });
  });

  async function forward(ports: string[], env: Record<string, string>): Promise<{ local: number[]; r: Running }> {
    const local = await Promise.all(ports.map(() => freePort()));
    const r = startKubectl(["port-forward", "pod/pf", ...ports.map((p, i) => `${local[i]}:${p}`)], env);
    await waitFor(() => local.every((l) => r.output().includes(`Forwarding from 127.0.0.1:${l}`)) || undefined, { what: `port-forward to listen: ${r.output()}` });
    return { local, r };
  }

  function download(port: number, bytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let got = 0;
      const socket: Socket = connect(port, "127.0.0.1");
      socket.on("data", (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got >= bytes) {
          socket.destroy();
          resolve(Buffer.concat(chunks));
        }
      });
      socket.on("error", reject);
      socket.on("close", () => (got < bytes ? reject(new Error(`closed after ${got} of ${bytes} bytes`)) : undefined));
    });
  }

  for (const { name, env } of protocols) {
    test(`${name}: 100 concurrent connections, several ports`, async () => {
      const { local, r } = await forward(["8080", "9000"], env);
      const pages = await Promise.all(Array.from({ length: 100 }, () => httpGet(`http://127.0.0.1:${local[0]}/`)));
      for (const page of pages) assert.equal(page, "pf-page\n");
      const head = await waitFor(() => download(local[1]!, 1024).catch(() => undefined), { what: "the start of the file on port 9000" });
      assert.equal(head.length >= 1024, true);
      r.child.kill("SIGTERM");
      await r.exited;
    });

    test(`${name}: 50 MiB down and 50 MiB up`, async () => {
      const { local, r } = await forward(["9000", "9001"], env);
      const want = (await k.ok(["exec", "pf", "--", "cat", "/tmp/big.sha"])).split(" ")[0];
      const t0 = Date.now();
      // nc in the pod listens again only after its previous connection ended: retry until it does.
      const down = await waitFor(() => download(local[0]!, size).catch(() => undefined), { what: "the 50 MiB download", timeoutMs: 30_000 });
      const downMs = Date.now() - t0;
      assert.equal(createHash("sha256").update(down.subarray(0, size)).digest("hex"), want);

      await k.ok(["exec", "pf", "--", "rm", "-f", "/tmp/up"]);
      const up = randomBytes(size);
      const t1 = Date.now();
      const upload = (): Promise<true | undefined> =>
        new Promise((resolve) => {
          const socket = connect(local[1]!, "127.0.0.1", () => socket.end(up));
          let failed = false;
          socket.on("error", () => (failed = true));
          socket.on("close", () => resolve(failed ? undefined : true));
          socket.resume();
        });
      await waitFor(upload, { what: "the 50 MiB upload", timeoutMs: 30_000 });
      await waitFor(async () => (await k.run(["exec", "pf", "--", "sha256sum", "/tmp/up"])).stdout.split(" ")[0] === createHash("sha256").update(up).digest("hex") || undefined, {
        what: "the upload to arrive whole",
        timeoutMs: 30_000,
      });
      const upMs = Date.now() - t1;
      console.log(`# ${name} port-forward: 50 MiB down in ${downMs} ms (${(50 / (downMs / 1000)).toFixed(0)} MiB/s), up in ${upMs} ms`);
      r.child.kill("SIGTERM");
      await r.exited;
    });

    test(`${name}: a port nobody listens on is reported; the agent keeps forwarding`, async () => {
      const { local, r } = await forward(["9999"], env);
      await new Promise<void>((resolve) => {
        const socket = connect(local[0]!, "127.0.0.1");
        socket.on("error", () => resolve());
        socket.on("close", () => resolve());
        socket.resume();
      });
      await waitFor(() => /error forwarding port 9999 to pod [0-9a-f]+, uid : .*connection refused/.test(r.output()) || undefined, {
        what: `the refusal in kubectl's output: ${r.output()}`,
      });
      r.child.kill("SIGTERM");
      await r.exited;
      const again = await forward(["8080"], env);
      assert.equal(await httpGet(`http://127.0.0.1:${again.local[0]}/`), "pf-page\n");
      again.r.child.kill("SIGTERM");
      await again.r.exited;
    });
  }
});

describe("@kubernetes/client-node", () => {
  test("Exec and PortForward", async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
    let stdout = "";
    let status: k8s.V1Status | undefined;
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        stdout += chunk.toString();
        done();
      },
    });
    const exec = new k8s.Exec(kc);
    const stdin = new PassThrough();
    const ws = await exec.exec("default", "shell", "shell", ["sh", "-c", "cat; exit 4"], sink, null, stdin, false, (s) => (status = s)).catch((e: unknown) => {
      throw new Error(`client-node Exec failed: ${e instanceof Error ? e.message : JSON.stringify(e, Object.getOwnPropertyNames(e))} ${String((e as { message?: unknown }).message ?? "")}`);
    });
    stdin.end("from-js\n");
    await waitFor(() => status, { what: "the exec status" });
    ws.close();
    assert.equal(stdout, "from-js\n");
    assert.equal(status?.status, "Failure");
    assert.equal(status?.details?.causes?.[0]?.message, "4");

    // The channel form (v4.channel.k8s.io): the client closes the WebSocket when its input
    // ends, so the request is written and the input left open until the answer is in.
    const pf = new k8s.PortForward(kc);
    let text = "";
    const out = new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    const input = new PassThrough();
    const socket = await pf.portForward("default", "pf", [8080], out, null, input);
    input.write("GET / HTTP/1.0\r\n\r\n");
    const body = await waitFor(() => (/pf-page/.test(text) ? text : undefined), { what: `the page through client-node PortForward: ${JSON.stringify(text)}` });
    if (typeof socket === "function") socket()?.close();
    else socket.close();
    assert.match(body, /pf-page/);
  });
});
});
