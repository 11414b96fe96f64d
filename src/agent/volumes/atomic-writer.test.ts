import assert from "node:assert/strict";
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeAtomically, type Payload } from "./atomic-writer.js";

const payload = (files: Record<string, string>, mode = 0o644): Payload =>
  new Map(Object.entries(files).map(([path, data]) => [path, { data: Buffer.from(data), mode }]));

describe("writeAtomically", () => {
  let root: string;
  let n = 0;
  const freshDir = async () => mkdtemp(join(root, `t${n++}-`));
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "peapod-atomic-writer-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("lays files out as the kubelet does: a timestamped dir, ..data, top-level symlinks", async () => {
    const dir = await freshDir();
    assert.equal(await writeAtomically(dir, payload({ "app.conf": "x=1", "nested/deep/file": "deep" }, 0o600)), true);
    const entries = (await readdir(dir)).sort();
    const tsDir = entries.find((e) => e.startsWith("..2"))!;
    assert.match(tsDir, /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/);
    assert.deepEqual(entries, [tsDir, "..data", "app.conf", "nested"].sort());
    assert.equal(await readlink(join(dir, "..data")), tsDir);
    assert.equal(await readlink(join(dir, "app.conf")), "..data/app.conf");
    assert.equal(await readlink(join(dir, "nested")), "..data/nested");
    assert.equal(await readFile(join(dir, "nested/deep/file"), "utf8"), "deep");
    assert.equal((await stat(join(dir, "app.conf"))).mode & 0o7777, 0o600);
    assert.equal((await stat(join(dir, tsDir))).mode & 0o7777, 0o755);
  });

  test("an unchanged payload is not rewritten; a changed one swaps ..data and drops the old version", async () => {
    const dir = await freshDir();
    await writeAtomically(dir, payload({ a: "1", b: "1" }));
    const first = await readlink(join(dir, "..data"));
    assert.equal(await writeAtomically(dir, payload({ a: "1", b: "1" })), false);
    assert.equal(await readlink(join(dir, "..data")), first);

    assert.equal(await writeAtomically(dir, payload({ a: "2", c: "2" })), true);
    const second = await readlink(join(dir, "..data"));
    assert.notEqual(second, first);
    assert.deepEqual((await readdir(dir)).sort(), [second, "..data", "a", "c"].sort());
    assert.equal(await readFile(join(dir, "a"), "utf8"), "2");
    await assert.rejects(lstat(join(dir, "b")), { code: "ENOENT" });
  });

  test("a mode change alone is written", async () => {
    const dir = await freshDir();
    await writeAtomically(dir, payload({ a: "1" }, 0o644));
    assert.equal(await writeAtomically(dir, payload({ a: "1" }, 0o400)), true);
    assert.equal((await stat(join(dir, "a"))).mode & 0o777, 0o400);
  });

  test("old content stays readable until the swap: a reader never sees a missing or partial file", async () => {
    const dir = await freshDir();
    const big = (v: number) => String(v).repeat(200_000);
    await writeAtomically(dir, payload({ a: big(0), b: big(0) }));
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      while (writing) {
        // Resolving ..data once gives a consistent view of every file of one version.
        const version = await readlink(join(dir, "..data")).catch(() => undefined);
        const a = await readFile(join(dir, "a"), "utf8");
        assert.ok(/^(\d)\1*$/.test(a) && a.length === 200_000, "a whole version of a");
        seen.add(a[0]!);
        if (version) {
          try {
            const [va, vb] = await Promise.all([readFile(join(dir, version, "a"), "utf8"), readFile(join(dir, version, "b"), "utf8")]);
            assert.equal(va, vb);
          } catch (error) {
            // The version was replaced and removed while we read it: fine, never mixed.
            assert.equal((error as NodeJS.ErrnoException).code, "ENOENT");
          }
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let v = 1; v <= 9; v++) await writeAtomically(dir, payload({ a: big(v), b: big(v) }));
    writing = false;
    await reader;
    assert.equal(await readFile(join(dir, "a"), "utf8"), big(9));
    assert.ok(seen.size >= 1);
  });

  test("a bad path fails before anything is written", async () => {
    const dir = await freshDir();
    await assert.rejects(writeAtomically(dir, payload({ "../escape": "x" })), { message: "invalid path: must not contain '..': ../escape" });
    assert.deepEqual(await readdir(dir), []);
  });
});
