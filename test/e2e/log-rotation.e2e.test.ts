/**
 * Container log rotation seen through the real kubectl: a server whose agent rotates a log at
 * 64 KiB, keeps 3 files and looks every 3 s (the kubelet's least interval), and a container
 * writing numbered lines. A `kubectl logs -f` begun before the first rotation reads on through
 * the rotations without losing or repeating a line; a plain `kubectl logs` shows the current
 * file only, as the kubelet's does; the container never has more than 3 files on disk.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { cleanupFor, type Cleanup } from "../harness/cleanup.js";
import { Kubectl, startPeapod, type PeapodServer } from "../harness/peapod.js";
import { startRegistry } from "../harness/registry.js";
import { freeTestNetwork } from "../harness/runtime.js";
import { waitFor } from "../harness/wait-for.js";

const maxFiles = 3;
const pod = "chatty";
// About 50 KB/s: several 64 KiB rotations within seconds, without filling a disk.
const writer = `i=0; while :; do i=$((i+1)); echo "line $i ${"x".repeat(80)}"; usleep 2000; done`;

/** The line numbers of `line N x…` output, a partial last line left out. */
function lineNumbers(text: string): number[] {
  const lines = text.split("\n");
  lines.pop();
  return lines.map((l) => Number(/^line (\d+) x+$/.exec(l)?.[1] ?? Number.NaN));
}

/** The files of the pod's container log directory (`<logs>/default_chatty_<uid>/chatty/`). */
function containerLogFiles(dataDir: string): string[] {
  const walk = (dir: string, depth: number): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const path = join(dir, e.name);
      if (e.name.startsWith(`default_${pod}_`)) return join(path, pod);
      if (depth > 0) {
        const found = walk(path, depth - 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  const dir = walk(dataDir, 3);
  return dir ? readdirSync(dir).filter((n) => !n.endsWith(".tmp")) : [];
}

describe("container log rotation through kubectl", () => {
  const cleanup: Cleanup = cleanupFor((fn) => after(fn));
  let server: PeapodServer;
  let k: Kubectl;

  before(async () => {
    const registry = await startRegistry(cleanup);
    const image = (await registry.push("busybox")).reference;
    server = await startPeapod(cleanup, {
      agent: freeTestNetwork(),
      extraArgs: ["--container-log-max-size", "64Ki", "--container-log-max-files", String(maxFiles), "--container-log-monitor-interval", "3s"],
    });
    k = new Kubectl(server, cleanup);
    await k.waitForReadyNodes();
    const manifest = { apiVersion: "v1", kind: "Pod", metadata: { name: pod }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: pod, image, command: ["sh", "-c", writer] }] } };
    await k.ok(["create", "-f", "-"], { stdin: JSON.stringify(manifest) });
    await waitFor(async () => (await k.ok(["get", "pod", pod, "-o", "jsonpath={.status.phase}"])) === "Running" || undefined, { what: `${pod} to run` });
  });

  test("logs -f reads on through rotations; logs shows the current file; at most max files on disk", async () => {
    const follower = k.spawn(["logs", "-f", pod], cleanup);
    await waitFor(() => lineNumbers(follower.output()).length > 0 || undefined, { what: "the first lines of logs -f" });
    let most = 0;
    await waitFor(
      () => {
        const files = containerLogFiles(server.dataDir);
        most = Math.max(most, files.length);
        return files.filter((n) => !n.endsWith(".log")).length >= 2 || undefined;
      },
      { what: "two rotations", timeoutMs: 30_000 },
    );
    const current = lineNumbers(await k.ok(["logs", pod]));
    assert.ok(current[0]! > 1, `the current file starts after the rotated ones, at line ${current[0]}`);
    await waitFor(() => (lineNumbers(follower.output()).at(-1) ?? 0) >= current[0]! || undefined, { what: "logs -f to reach the current file" });
    follower.child.kill();
    const followed = lineNumbers(follower.output());
    assert.deepEqual(followed, followed.map((_, i) => i + 1), "every line once, in order, from the first");
    assert.deepEqual(current, current.map((_, i) => current[0]! + i), "the current file's lines, consecutive");
    most = Math.max(most, containerLogFiles(server.dataDir).length);
    assert.ok(most <= maxFiles, `${most} files on disk at most, want <= ${maxFiles}`);
  });
});
