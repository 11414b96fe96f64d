/**
 * exec through the official JavaScript client's `Exec` helper (@kubernetes/client-node), the
 * second client the issue names: it offers v5 first and reads the Status from channel 3.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { test, type TestContext } from "node:test";
import { Exec, KubeConfig, type V1Status } from "@kubernetes/client-node";
import { localCommandRunner } from "../../../test/harness/local-command.js";
import { startStreamEndpoint } from "../../../test/harness/stream-endpoint.js";
import { serveRemoteCommand } from "./index.js";

async function execClient(t: TestContext): Promise<Exec> {
  const root = await mkdtemp(join(tmpdir(), "peapod-exec-root-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const runner = localCommandRunner(root);
  const endpoint = await startStreamEndpoint(t, (req, socket, head, target) =>
    serveRemoteCommand(req, socket, head, (streams) => runner.run(target.url.searchParams.getAll("command"), streams)),
  );
  await endpoint.createRunningPod("default", "p");
  const config = new KubeConfig();
  // The client refuses plain http unless TLS verification is explicitly off.
  config.loadFromOptions({
    clusters: [{ name: "peapod", server: endpoint.url, skipTLSVerify: true }],
    users: [{ name: "peapod" }],
    contexts: [{ name: "peapod", cluster: "peapod", user: "peapod" }],
    currentContext: "peapod",
  });
  return new Exec(config);
}

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.setEncoding("utf8").on("data", (d: string) => (text += d));
  return () => text;
}

/** Runs one exec and resolves with the Status once the connection closed. */
async function exec(client: Exec, command: string[], stdin: Readable | null): Promise<{ status: V1Status | undefined; stdout: string; stderr: string; protocol: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  let status: V1Status | undefined;
  const ws = await client.exec("default", "p", "c", command, stdout, stderr, stdin, false, (s) => (status = s));
  await new Promise((resolve) => ws.once("close", resolve));
  return { status, stdout: out(), stderr: err(), protocol: ws.protocol };
}

test("the JavaScript client's Exec gets stdout, stderr and the NonZeroExitCode Status over v5", async (t) => {
  const client = await execClient(t);
  const r = await exec(client, ["sh", "-c", "echo out; echo err >&2; exit 7"], null);
  assert.equal(r.protocol, "v5.channel.k8s.io");
  assert.equal(r.stdout, "out\n");
  assert.equal(r.stderr, "err\n");
  assert.equal(r.status?.status, "Failure");
  assert.equal(r.status?.reason, "NonZeroExitCode");
  assert.deepEqual(r.status?.details?.causes, [{ reason: "ExitCode", message: "7" }]);
});

test("the JavaScript client's Exec: stdin's end (the v5 close message) ends cat", async (t) => {
  const client = await execClient(t);
  const r = await exec(client, ["cat"], Readable.from([Buffer.from("from the "), Buffer.from("javascript client\n")]));
  assert.equal(r.stdout, "from the javascript client\n");
  assert.equal(r.status?.status, "Success");
});
