/**
 * Unpacked layers stacked with overlayfs: the whiteouts and opaque directories the unpacker
 * writes must hide what the layers below hold, and long layer lists must still mount.
 */
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import * as tar from "tar-stream";
import { unpackLayer } from "./layer-unpack.js";
import { mountOverlay } from "./overlay.js";
import { isMountPoint, mountsUnder, unmountAll } from "../mount.js";

type Entry = { name: string; content?: string; type?: "file" | "directory" | "symlink"; linkname?: string };

async function unpack(dir: string, entries: Entry[]): Promise<void> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) out.push(chunk as Buffer);
  })();
  for (const { content, ...header } of entries) {
    // A file entry without a buffer waits for its data; whiteouts are empty files.
    if (header.type === undefined || header.type === "file") pack.entry(header, content ?? "");
    else pack.entry(header);
  }
  pack.finalize();
  await collected;
  await unpackLayer(Readable.from([Buffer.concat(out)]), "application/vnd.oci.image.layer.v1.tar", dir);
}

/** A temp dir whose mounts are undone and which is removed, also when the test fails. */
function workspace(t: TestContext): string {
  const base = mkdtempSync(join(tmpdir(), "ppt-overlay-"));
  t.after(async () => {
    await unmountAll(base);
    // Never rm -rf across a live mount.
    if (mountsUnder(base).length === 0) rmSync(base, { recursive: true, force: true });
  });
  return base;
}

function dirs(base: string, ...names: string[]): string[] {
  return names.map((n) => {
    const d = join(base, n);
    mkdirSync(d, { recursive: true });
    return d;
  });
}

test("an upper layer's whiteouts and opaque directories hide the lower layer's files", async (t) => {
  const base = workspace(t);
  const lower = join(base, "lower");
  const upper = join(base, "upper-layer");
  await unpack(lower, [
    { name: "a/", type: "directory" },
    { name: "a/keep", content: "lower keep" },
    { name: "a/gone", content: "lower gone" },
    { name: "b/", type: "directory" },
    { name: "b/x", content: "x" },
    { name: "b/y", content: "y" },
    { name: "c/", type: "directory" },
    { name: "c/file", content: "c" },
    { name: "d/", type: "directory" },
    { name: "d/old", content: "old" },
    { name: "link", type: "symlink", linkname: "a/keep" },
  ]);
  await unpack(upper, [
    { name: "a/", type: "directory" },
    { name: "a/.wh.gone" },
    { name: "a/added", content: "upper added" },
    { name: "b/", type: "directory" },
    { name: "b/.wh..wh..opq" },
    { name: "b/z", content: "z" },
    { name: ".wh.c" },
    { name: ".wh.link" },
    { name: ".wh.d" },
    { name: "d/", type: "directory" },
    { name: "d/new", content: "new" },
  ]);
  const [rw, work, target] = dirs(base, "rw", "work", "merged");
  await mountOverlay({ lowerDirs: [lower, upper], upperDir: rw!, workDir: work!, target: target! });
  assert.ok(isMountPoint(target!));

  const ls = (p: string) => readdirSync(join(target!, p)).sort();
  assert.deepEqual(ls("."), ["a", "b", "d"]);
  assert.deepEqual(ls("a"), ["added", "keep"]);
  assert.equal(readFileSync(join(target!, "a/keep"), "utf8"), "lower keep");
  assert.deepEqual(ls("b"), ["z"]);
  assert.deepEqual(ls("d"), ["new"], "a directory replacing a whiteout of its own layer hides the old one");
  assert.equal(existsSync(join(target!, "c")), false);

  // Writes go to the container's private upper dir, never into a shared layer.
  writeFileSync(join(target!, "a/keep"), "changed");
  assert.equal(readFileSync(join(rw!, "a/keep"), "utf8"), "changed");
  assert.equal(readFileSync(join(lower, "a/keep"), "utf8"), "lower keep");

  await unmountAll(target!);
  assert.equal(isMountPoint(target!), false);
});

test("a layer list longer than a page is mounted relative to the layers' common parent", async (t) => {
  const base = workspace(t);
  const layers: string[] = [];
  for (let i = 0; i < 55; i++) {
    const dir = join(base, "layers", randomBytes(32).toString("hex"));
    await unpack(dir, [{ name: "n", content: String(i) }, { name: `only-${i}`, content: "" }]);
    layers.push(dir);
  }
  assert.ok(layers.join(":").length > 4096, "the absolute list alone would not fit in a page");
  const [rw, work, target] = dirs(base, "rw", "work", "merged");
  await mountOverlay({ lowerDirs: layers, upperDir: rw!, workDir: work!, target: target! });
  assert.equal(readFileSync(join(target!, "n"), "utf8"), "54", "the last layer is on top");
  assert.equal(readdirSync(target!).length, 56);
});
