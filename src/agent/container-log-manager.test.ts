import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import { startInProcessServer } from "../apiserver/testing/in-process-server.js";
import type { PodObject, PodStatus } from "../api/index.js";
import { ApiClient, podsResource } from "../client/index.js";
import { isRuntimeError, type ContainerStatus as RuntimeContainerStatus } from "../runtime/index.js";
import { cleanupFor } from "../../test/harness/cleanup.js";
import { pushAll, startRegistry } from "../../test/harness/registry.js";
import { openTestRuntime, type TestRuntime } from "../../test/harness/runtime.js";
import { waitFor } from "../../test/harness/wait-for.js";
import { planLogRotation, rotationTimestamp, validateContainerLogPolicy } from "./container-log-manager.js";
import { NodeAgent } from "./index.js";
import { LineSplitter, parseCriLogLine } from "./logs/cri-log.js";
import { readContainerLog } from "./logs/read-container-log.js";
import { podUidLabel } from "./pod-sandbox-config.js";

describe("planLogRotation", () => {
  const log = "/logs/app/0.log";
  const r = (...names: string[]) => names.map((n) => `${log}.${n}`);
  const cases: { name: string; rotated: string[]; maxFiles: number; remove: string[]; compress: string[] }[] = [
    { name: "first rotation: nothing to do", rotated: [], maxFiles: 5, remove: [], compress: [] },
    { name: "one rotated file stays plain (the newest)", rotated: r("20260101-000001"), maxFiles: 5, remove: [], compress: [] },
    {
      name: "all but the newest rotated file are compressed",
      rotated: r("20260101-000003", "20260101-000001.gz", "20260101-000002"),
      maxFiles: 5,
      remove: [],
      compress: r("20260101-000002"),
    },
    {
      name: "beyond maxFiles-2 rotated files, the oldest go first",
      rotated: r("20260101-000004", "20260101-000001.gz", "20260101-000002.gz", "20260101-000003.gz"),
      maxFiles: 4,
      remove: r("20260101-000001.gz", "20260101-000002.gz"),
      compress: r(),
    },
    {
      name: "maxFiles 3: one rotated file stays, plain (the newest), beside the one rotated next",
      rotated: r("20260101-000001.gz", "20260101-000002"),
      maxFiles: 3,
      remove: r("20260101-000001.gz"),
      compress: r(),
    },
    {
      name: "maxFiles 2: no rotated file stays",
      rotated: r("20260101-000001", "20260101-000002"),
      maxFiles: 2,
      remove: r("20260101-000001", "20260101-000002"),
      compress: [],
    },
    {
      name: "an interrupted compression: its .tmp goes, and a plain file beside its .gz goes",
      rotated: r("20260101-000001", "20260101-000001.gz", "20260101-000002.tmp", "20260101-000002", "20260101-000003"),
      maxFiles: 5,
      remove: r("20260101-000002.tmp", "20260101-000001"),
      compress: r("20260101-000002"),
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planLogRotation(c.rotated, c.maxFiles);
      assert.deepEqual({ remove: [...plan.remove].sort(), compress: plan.compress }, { remove: [...c.remove].sort(), compress: c.compress });
    });
  }
});

test("rotationTimestamp is Go's 20060102-150405 in local time", () => {
  assert.equal(rotationTimestamp(new Date(2026, 0, 2, 3, 4, 5)), "20260102-030405");
  assert.equal(rotationTimestamp(new Date(2026, 10, 25, 23, 59, 59)), "20261125-235959");
});

test("validateContainerLogPolicy: at least 2 files and a positive size, as upstream", () => {
  assert.deepEqual(validateContainerLogPolicy({ maxSize: 10 * 1024 * 1024, maxFiles: 5 }), []);
  assert.deepEqual(validateContainerLogPolicy({ maxSize: 1, maxFiles: 2 }), []);
  assert.deepEqual(validateContainerLogPolicy({ maxSize: 1024, maxFiles: 1 }), ["invalid configuration: containerLogMaxFiles must be greater than 1"]);
  assert.match(validateContainerLogPolicy({ maxSize: 0, maxFiles: 5 }).join(), /containerLogMaxSize/);
});

/** The numbers of `seq N ...` lines in CRI-format text. */
function sequenceOfCri(data: Buffer): number[] {
  const splitter = new LineSplitter();
  const out: number[] = [];
  for (const line of splitter.push(data)) {
    const msg = parseCriLogLine(line);
    if (msg) out.push(...sequenceOfText(msg.log.toString()));
  }
  return out;
}

function sequenceOfText(text: string): number[] {
  return [...text.matchAll(/^seq (\d+) /gm)].map((m) => Number(m[1]));
}

function assertConsecutive(numbers: readonly number[], what: string): void {
  assert.ok(numbers.length > 0, `${what}: no lines`);
  for (let i = 1; i < numbers.length; i++) {
    if (numbers[i] !== numbers[i - 1]! + 1) assert.fail(`${what}: ${numbers[i - 1]} is followed by ${numbers[i]} (line ${i})`);
  }
}

describe("log rotation with the real runtime (conmon reopens its log)", () => {
  const suite = cleanupFor(after);
  const nodeName = "log-rotation-node";
  const maxSize = 64 * 1024;
  const maxFiles = 4;
  let client: ApiClient;
  let rt: TestRuntime;
  let images: { busybox: string };
  let agent: NodeAgent;
  let agentRunning = false;
  const logs: string[] = [];

  const pods = () => client.resource<PodObject>(podsResource);

  before(async () => {
    const server = await startInProcessServer({ after: (fn) => suite.add("stop the API server", fn) });
    client = new ApiClient({ server: server.url, ca: "", auth: { bearerToken: "unused" } });
    suite.add("close the client", () => client.close());
    const pushed = await pushAll(await startRegistry(suite));
    images = { busybox: pushed.busybox.reference };
    rt = await openTestRuntime(suite);
    const dataDir = mkdtempSync(join(tmpdir(), "peapod-log-rotation-"));
    suite.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    agent = new NodeAgent({
      client, runtime: rt.runtime, nodeName, dataDir, podCIDR: rt.network.podCIDR, log: (m) => logs.push(m),
      containerLogMaxSize: maxSize, containerLogMaxFiles: maxFiles, containerLogMonitorIntervalMs: 200,
    });
    suite.add("stop the agent", async () => {
      if (agentRunning) await agent.stop();
    });
    await agent.start();
    agentRunning = true;
  });

  after(() => {
    if (logs.length > 0) console.error(`agent log:\n${logs.join("\n")}`);
  });

  async function runPod(name: string, command: string[], restartPolicy: string, until: (s: Partial<PodStatus>) => boolean): Promise<RuntimeContainerStatus> {
    const pod = await pods().create("default", {
      apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
      spec: { nodeName, restartPolicy, terminationGracePeriodSeconds: 0, containers: [{ name: "app", image: images.busybox, command }] },
    } as PodObject);
    await waitFor(async () => until(((await pods().get("default", name)).status ?? {}) as Partial<PodStatus>), { what: `pod ${name}`, timeoutMs: 30_000, intervalMs: 100 });
    const [c] = await rt.runtime.listContainers({ labelSelector: { [podUidLabel]: pod.metadata.uid! } });
    assert.ok(c);
    return c;
  }

  test("ReopenContainerLog fails for a container that is not running", async () => {
    const c = await runPod("done", ["true"], "Never", (s) => s.phase === "Succeeded");
    await assert.rejects(rt.runtime.reopenContainerLog(c.id), (e) => isRuntimeError(e, "FailedPrecondition"));
    await assert.rejects(rt.runtime.reopenContainerLog("0".repeat(64)), (e) => isRuntimeError(e, "NotFound"));
  });

  test("a chatty container's log rotates: files bounded, old ones gzipped, no line lost or repeated", async () => {
    // About 100 KB/s of numbered lines: a rotation every second or so.
    const script = `i=0; while true; do i=$((i+1)); echo "seq $i ${"x".repeat(80)}"; [ $((i % 20)) -eq 0 ] && usleep 20000; done`;
    const c = await runPod("chatty", ["sh", "-c", script], "Always", (s) => s.containerStatuses?.[0]?.state?.running !== undefined);
    const logDir = dirname(c.logPath);
    const files = () => readdirSync(logDir).filter((n) => n.startsWith(basename(c.logPath)));

    // A follow started now (before any rotation) must cross every rotation that follows.
    const stopFollow = new AbortController();
    const followed: Buffer[] = [];
    const follow = readContainerLog(
      c.logPath,
      { follow: true, timestamps: false },
      async (chunk) => void followed.push(chunk),
      { signal: stopFollow.signal, isRunning: async () => true, recheckMs: 100 },
    );
    suite.add("end the follow", () => stopFollow.abort());

    let mostFiles = 0;
    const rotations = new Set<string>();
    await waitFor(
      () => {
        const now = files().filter((n) => !n.endsWith(".tmp"));
        mostFiles = Math.max(mostFiles, now.length);
        for (const n of now) if (n !== basename(c.logPath)) rotations.add(n.replace(/\.gz$/, ""));
        // Four rotations: compression has happened and the oldest file was removed.
        return rotations.size >= 4 && now.some((n) => n.endsWith(".gz")) ? now : undefined;
      },
      { what: "four rotations with a gzipped file", timeoutMs: 40_000, intervalMs: 50 },
    );
    stopFollow.abort();
    await follow;

    // No more rotations from here on: the files hold still while they are checked.
    await agent.stop();
    agentRunning = false;
    const names = files().sort();
    assert.ok(mostFiles <= maxFiles, `at most ${maxFiles} files at any time, saw ${mostFiles}`);
    assert.ok(names.length <= maxFiles, `${names.join(", ")}`);
    const gz = names.filter((n) => n.endsWith(".gz"));
    const plain = names.filter((n) => !n.endsWith(".gz") && n !== basename(c.logPath));
    // Before a rotation all but the newest rotated file are compressed; then the current file
    // becomes the second plain one.
    assert.equal(gz.length, maxFiles - 3, `gzipped: ${names.join(", ")}`);
    assert.equal(plain.length, 2, `the two newest rotated files are plain: ${names.join(", ")}`);
    for (const n of [...gz, ...plain]) assert.match(n, new RegExp(`^${basename(c.logPath)}\\.\\d{8}-\\d{6}(\\.gz)?$`));

    // Oldest to newest: the gzipped files, the newest rotated one, then the current file,
    // which conmon reopened and keeps writing to; together one unbroken sequence.
    const parts = [
      ...gz.map((n) => ({ n, data: gunzipSync(readFileSync(join(logDir, n))) })),
      ...plain.map((n) => ({ n, data: readFileSync(join(logDir, n)) })),
    ].map(({ n, data }) => ({ n, size: data.length, seq: sequenceOfCri(data) }));
    const current = await waitFor(() => {
      const seq = sequenceOfCri(readFileSync(c.logPath));
      return seq.length > 0 ? seq : undefined;
    }, { what: "lines in the reopened current file" });
    for (const p of parts) {
      assertConsecutive(p.seq, p.n);
      assert.ok(p.size >= maxSize, `${p.n} was rotated once it reached the max size (${p.size} bytes)`);
    }
    assertConsecutive([...parts.flatMap((p) => p.seq), ...current], "the rotated files and the current one in order");

    // kubectl logs reads the current file only.
    const read: Buffer[] = [];
    await readContainerLog(c.logPath, { follow: false, timestamps: false }, async (b) => void read.push(b), { signal: new AbortController().signal, isRunning: async () => false });
    const readSeq = sequenceOfText(Buffer.concat(read).toString());
    assertConsecutive(readSeq, "readContainerLog of the current file");
    assert.equal(readSeq[0], current[0]);

    // The follow started in the first file and crossed every rotation without a gap or repeat.
    const followedSeq = sequenceOfText(Buffer.concat(followed).toString());
    assertConsecutive(followedSeq, "the follow across rotations");
    assert.equal(followedSeq[0], 1);
    assert.ok(followedSeq.at(-1)! >= parts.at(-1)!.seq[0]!, `the follow reached the newest rotated file (${followedSeq.at(-1)} < ${parts.at(-1)!.seq[0]})`);
  });
});
