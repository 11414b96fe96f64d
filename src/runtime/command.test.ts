/**
 * run() on real processes, through the spawner helper: what a command gets (arguments,
 * input, environment, directory) and what comes back (output, exit status, spawn errors,
 * timeouts), many at once, and a process that used it still exits on its own.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { CommandError, run } from "./command.js";

test("a command gets its arguments, input, environment and directory; its output comes back", async () => {
  const cases: Array<{ name: string; file: string; args: string[]; options?: Parameters<typeof run>[2]; stdout: string; stderr?: string }> = [
    { name: "arguments", file: "echo", args: ["a b", "c"], stdout: "a b c\n" },
    { name: "input", file: "cat", args: [], options: { input: "from stdin\n" }, stdout: "from stdin\n" },
    { name: "binary input", file: "wc", args: ["-c"], options: { input: Buffer.alloc(70_000, 1) }, stdout: "70000\n" },
    { name: "environment", file: "sh", args: ["-c", "echo $ONLY; echo ${HOME:-unset}"], options: { env: { ONLY: "this", PATH: process.env.PATH } }, stdout: "this\nunset\n" },
    { name: "directory", file: "pwd", args: [], options: { cwd: "/" }, stdout: "/\n" },
    { name: "stderr", file: "sh", args: ["-c", "echo out; echo err >&2"], stdout: "out\n", stderr: "err\n" },
  ];
  for (const c of cases) {
    const r = await run(c.file, c.args, c.options);
    assert.equal(r.stdout, c.stdout, c.name);
    assert.equal(r.stderr, c.stderr ?? "", c.name);
  }
});

test("failures: a non-zero exit is a CommandError with stderr, a missing binary keeps its code, a timeout kills", async () => {
  await assert.rejects(run("sh", ["-c", "echo out; echo broken >&2; exit 3"]), (e: unknown) => {
    assert.ok(e instanceof CommandError);
    assert.equal(e.exitCode, 3);
    assert.equal(e.stdout, "out\n");
    assert.equal(e.message, "sh -c echo out; echo broken >&2; exit 3: broken");
    return true;
  });
  await assert.rejects(run("/nonexistent/binary", []), (e: unknown) => {
    assert.equal((e as NodeJS.ErrnoException).code, "ENOENT");
    return true;
  });
  await assert.rejects(run("sleep", ["10"], { timeoutMs: 100 }), (e: unknown) => {
    assert.ok(e instanceof CommandError);
    assert.match(e.message, /^sleep 10: killed by SIGTERM$/);
    return true;
  });
});

test("many commands at once each get their own answer", async () => {
  const outputs = await Promise.all(Array.from({ length: 50 }, (_, i) => run("sh", ["-c", `echo ${i}`])));
  assert.deepEqual(outputs.map((o) => o.stdout), Array.from({ length: 50 }, (_, i) => `${i}\n`));
});

test("the helper does not keep a process alive once its commands are done", () => {
  const command = pathToFileURL(join(import.meta.dirname, "command.js")).href;
  const script = `import { run } from ${JSON.stringify(command)}; await run("true", []); console.log("ran");`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: tmpdir(), encoding: "utf8", timeout: 10_000 });
  assert.equal(r.error, undefined, "the process exited by itself");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "ran\n");
});
