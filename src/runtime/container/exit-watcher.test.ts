import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitWatcher, type ContainerExit } from "./exit-watcher.js";

const idA = "a".repeat(64);
const idB = "b".repeat(64);

test("exit files already there are found by the scan; new ones arrive as events", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "peapod-exits-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, idA), "3");
  writeFileSync(join(dir, "not-a-container"), "1");

  let resolveSeen: (e: ContainerExit) => void;
  const seen = new Promise<ContainerExit>((r) => (resolveSeen = r));
  const watcher = new ExitWatcher(dir, (e) => {
    if (e.id === idB) resolveSeen(e);
  });
  t.after(() => watcher.close());
  const past = await watcher.start();
  assert.deepEqual(past.map((e) => [e.id, e.exitCode]), [[idA, 3]]);
  assert.ok(past[0]!.finishedAt > Date.now() - 60_000);

  // As conmon writes it: a temporary name, then a rename.
  writeFileSync(join(dir, `${idB}.XYZ123`), "137");
  renameSync(join(dir, `${idB}.XYZ123`), join(dir, idB));
  const e = await Promise.race([seen, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("no exit event")), 5000))]);
  assert.equal(e.exitCode, 137);
});
