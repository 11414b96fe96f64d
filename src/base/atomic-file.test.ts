import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writeFileAtomically } from "./atomic-file.js";

describe("writeFileAtomically", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "peapod-atomic-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("replaces an existing file with the new content and mode, leaving nothing else behind", async () => {
    const path = join(dir, "secret.key");
    await writeFile(path, "old content that is longer", { mode: 0o644 });
    await writeFileAtomically(path, "new", { mode: 0o600 });
    assert.equal(await readFile(path, "utf8"), "new");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ["secret.key"]);
  });

  test("without a mode the file is 0644, whatever the umask", async () => {
    const path = join(dir, "meta.json");
    const umask = process.umask(0o077);
    try {
      await writeFileAtomically(path, "{}");
    } finally {
      process.umask(umask);
    }
    assert.equal(await readFile(path, "utf8"), "{}");
    assert.equal((await stat(path)).mode & 0o777, 0o644);
  });

  test("a write that need not survive a power loss still replaces the file whole", async () => {
    const path = join(dir, "record.json");
    await writeFile(path, "old");
    await writeFileAtomically(path, '{"state":"running"}', { durable: false });
    assert.equal(await readFile(path, "utf8"), '{"state":"running"}');
    assert.equal((await stat(path)).mode & 0o777, 0o644);
    assert.ok((await readdir(dir)).every((name) => !name.startsWith(".record.json.tmp")));
  });

  test("when the file cannot be replaced, the error is reported and no temporary file is left", async () => {
    const sub = join(dir, "blocked");
    await mkdir(join(sub, "target"), { recursive: true });
    await writeFile(join(sub, "target", "keep"), "");
    await assert.rejects(writeFileAtomically(join(sub, "target"), "data", { mode: 0o600 }), { code: "EISDIR" });
    assert.deepEqual(await readdir(sub), ["target"]);
  });
});
