import assert from "node:assert/strict";
import { test } from "node:test";
import { execProbe, type ExecSync } from "./probe-exec.js";
import { hostExecSync } from "./testing/host-exec-sync.js";

const hostExec: ExecSync = hostExecSync;

const cases: { name: string; command: string[]; timeout?: number; want: { result: string; output: string; error?: string } }[] = [
  { name: "exit 0 is success, output kept", command: ["sh", "-c", "echo ok"], want: { result: "success", output: "ok\n" } },
  { name: "non-zero exit is failure", command: ["sh", "-c", "echo not yet; exit 3"], want: { result: "failure", output: "not yet\n" } },
  { name: "stdout then stderr", command: ["sh", "-c", "echo err >&2; echo out"], want: { result: "success", output: "out\nerr\n" } },
  { name: "timeout is failure with the CRI text", command: ["sleep", "5"], timeout: 1, want: { result: "failure", output: `command "sleep 5" timed out` } },
  { name: "quotes in the command are escaped as Go's %q", command: ["sh", "-c", `sleep 3 # "x"`], timeout: 1, want: { result: "failure", output: `command "sh -c sleep 3 # \\"x\\"" timed out` } },
];

for (const c of cases) {
  test(`exec probe: ${c.name}`, async () => {
    const outcome = await execProbe(c.command, c.timeout ?? 5, hostExec);
    assert.deepEqual(outcome, c.want);
  });
}

test("exec probe: output beyond 10 KiB is cut", async () => {
  const outcome = await execProbe(["sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x"], 5, hostExec);
  assert.equal(outcome.result, "success");
  assert.equal(outcome.output, "x".repeat(10 * 1024));
});

test("exec probe: a command that cannot run is an error, not a failure", async () => {
  const outcome = await execProbe(["/nonexistent/probe"], 5, hostExec);
  assert.equal(outcome.result, "unknown");
  assert.match(outcome.error ?? "", /ENOENT/);
});
