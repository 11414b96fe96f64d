/**
 * `peapod image …` as an operator uses it: the built CLI against a real registry and a
 * data dir, with crictl-shaped output and clear errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupFor } from "../harness/cleanup.js";
import { peapodBin } from "../harness/peapod.js";
import { dockerArchive, startRegistry } from "../harness/registry.js";
import { testImages } from "../harness/test-images.js";

function peapod(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [peapodBin, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("peapod image pull, ls, inspect, rm, import and prune", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const { reference, digest } = await registry.push("busybox");
  const dataDir = mkdtempSync(join(tmpdir(), "peapod-image-cli-"));
  cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const d = ["--data-dir", dataDir];

  const pull = peapod("image", "pull", reference, ...d);
  assert.equal(pull.code, 0, pull.err);
  const id = /Image is up to date for (sha256:[0-9a-f]{64})/.exec(pull.out)?.[1];
  assert.ok(id, pull.out);

  const ls = peapod("image", "ls", ...d);
  assert.equal(ls.code, 0, ls.err);
  const [header, row] = ls.out.trimEnd().split("\n");
  assert.match(header!, /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
  const [repo, tag, shortId, size] = row!.split(/\s+/);
  assert.equal(`${repo}:${tag}`, reference);
  assert.equal(shortId, id.slice(7, 20));
  assert.match(size!, /^[\d.]+MB$/);

  const inspect = peapod("image", "inspect", reference, ...d);
  assert.equal(inspect.code, 0, inspect.err);
  const image = JSON.parse(inspect.out) as { id: string; repoTags: string[]; repoDigests: string[]; architecture: string };
  assert.equal(image.id, id);
  assert.deepEqual(image.repoTags, [reference]);
  assert.deepEqual(image.repoDigests, [`${reference.split(":").slice(0, -1).join(":")}@${digest}`]);
  assert.equal(image.architecture, "amd64");

  const rm = peapod("image", "rm", reference, ...d);
  assert.equal(rm.code, 0, rm.err);
  assert.equal(rm.out, `Deleted: ${reference}\n`);
  assert.equal(peapod("image", "inspect", reference, ...d).code, 1);
  const prune = peapod("image", "prune", ...d);
  assert.equal(prune.code, 0, prune.err);
  assert.match(prune.out, /^Removed [1-9]\d* blobs and [1-9]\d* layers, freed [\d.]+[kM]B\n$/);

  const archive = join(dataDir, "busybox.tar");
  await dockerArchive("busybox", archive);
  const imported = peapod("image", "import", archive, ...d);
  assert.equal(imported.code, 0, imported.err);
  assert.equal(imported.out, `Loaded image: docker.io/${testImages.busybox}\n`);
  assert.equal(peapod("image", "inspect", testImages.busybox, ...d).code, 0);
});

test("peapod image pull explains what went wrong", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const registry = await startRegistry(cleanup);
  const dataDir = mkdtempSync(join(tmpdir(), "peapod-image-cli-"));
  cleanup.add(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));

  const missing = peapod("image", "pull", `${registry.host}/nothing/here:1`, "--data-dir", dataDir);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nothing\/here:1.*not found/);

  const invalid = peapod("image", "pull", "UPPER/Case", "--data-dir", dataDir);
  assert.equal(invalid.code, 1);
  assert.match(invalid.err, /invalid reference format/);

  const usage = peapod("image", "pull", "--data-dir", dataDir);
  assert.equal(usage.code, 2);
});
