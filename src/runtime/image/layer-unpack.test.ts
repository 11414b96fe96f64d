/**
 * Layer unpacking against tarballs built here with tar-stream, hostile ones included. Each
 * hostile layer is unpacked into a directory that has a sentinel directory beside it, and
 * the sentinel must come out byte-for-byte and inode-for-inode unchanged.
 */
import { test, describe } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import * as tar from "tar-stream";
import { unpackLayer } from "./layer-unpack.js";
import { isRuntimeError } from "../errors.js";

const TAR = "application/vnd.oci.image.layer.v1.tar";
const TGZ = "application/vnd.oci.image.layer.v1.tar+gzip";
const DOCKER_TGZ = "application/vnd.docker.image.rootfs.diff.tar.gzip";

type Entry = Omit<tar.Header, "pax" | "name"> & { name: string; content?: string | Buffer; pax?: Record<string, string> };

async function layerTar(entries: Partial<Entry>[]): Promise<Buffer> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) out.push(chunk as Buffer);
  })();
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      const h = { mtime: new Date(1_600_000_000_000), ...header } as tar.Header & { name: string };
      if (content !== undefined) pack.entry(h, content, cb);
      else pack.entry(h, cb);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(out);
}

/** The buffer as a stream of fixed-size chunks, the way a download arrives. */
function streamOf(buf: Buffer, chunk = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts, { objectMode: false });
}

function sha256(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

/** Everything about a tree that an escape could change. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string, rel: string): void => {
    const st = lstatSync(p);
    let what = "";
    if (st.isSymbolicLink()) what = `-> ${readlinkSync(p)}`;
    else if (st.isFile()) what = createHash("sha256").update(readFileSync(p)).digest("hex");
    out.set(rel, `${st.mode}:${st.uid}:${st.gid}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.nlink}:${what}`);
    if (st.isDirectory()) for (const n of readdirSync(p).sort()) walk(join(p, n), `${rel}/${n}`);
  };
  walk(dir, ".");
  return out;
}

interface Scene {
  base: string;
  layer: string;
  /** The sentinel beside the layer: outside/keep holds "original". */
  outside: string;
}

function scene(t: TestContext): Scene {
  const base = mkdtempSync(join(tmpdir(), "ppt-unpack-"));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const outside = join(base, "outside");
  mkdirSync(outside, { mode: 0o755 });
  writeFileSync(join(outside, "keep"), "original");
  return { base, layer: join(base, "layer"), outside };
}

async function assertRejected(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isRuntimeError(e, "InvalidArgument"), `expected InvalidArgument, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

/**
 * Unpacks a hostile layer and checks that nothing outside the layer changed: the sentinel
 * is as before and the base holds nothing new.
 */
async function unpackHostile(s: Scene, entries: Partial<Entry>[], expect: RegExp | "accepted"): Promise<void> {
  const before = snapshot(s.outside);
  const tarball = await layerTar(entries);
  const outcome = await unpackLayer(streamOf(tarball), TAR, s.layer).then(
    () => undefined,
    (e: unknown) => e,
  );
  // Checked first, so an escape shows as such even where the unpack also failed.
  assert.deepEqual(snapshot(s.outside), before, "the sentinel beside the layer is untouched");
  if (expect === "accepted") {
    assert.equal(outcome, undefined);
    assert.ok(lstatSync(s.layer).isDirectory());
  } else {
    await assertRejected(Promise.reject(outcome), expect);
    assert.equal(existsSync(s.layer), false, "a failed unpack removes its target");
  }
  assert.deepEqual(readdirSync(s.base).sort(), expect === "accepted" ? ["layer", "outside"] : ["outside"]);
}

describe("unpackLayer: hostile layers cannot reach outside the target", () => {
  test("'..' that climbs out of the root is rejected", async (t) => {
    const s = scene(t);
    await unpackHostile(s, [{ name: "../outside/pwned", content: "x" }], /climbs out of the layer root/);
    await unpackHostile(s, [{ name: "../../etc/x", content: "x" }], /climbs out/);
    await unpackHostile(s, [{ name: "a/../../outside/keep", content: "x" }], /climbs out/);
    await unpackHostile(s, [{ name: "a/", type: "directory" }, { name: "a/../../outside", type: "directory", mode: 0o777 }], /climbs out/);
  });

  test("deep a/../../x is rejected, a/b/../../x stays inside", async (t) => {
    const s = scene(t);
    await unpackHostile(s, [{ name: "ok", content: "x" }, { name: "a/../../x", content: "x" }], /"a\/..\/..\/x": path climbs out/);
    await unpackHostile(s, [{ name: "a/b/../../x", content: "inside" }], "accepted");
    assert.equal(readFileSync(join(s.layer, "x"), "utf8"), "inside");
  });

  test("absolute names are relative to the layer root", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "/abs/path", content: "a" },
        { name: `${s.outside}/keep`, content: "pwned" },
        { name: `${s.outside}/new`, content: "pwned" },
      ],
      "accepted",
    );
    assert.equal(readFileSync(join(s.layer, "abs/path"), "utf8"), "a");
    assert.equal(readFileSync(join(s.layer, s.outside, "keep"), "utf8"), "pwned");
    assert.equal(existsSync(join(s.outside, "new")), false);
  });

  test("a file under a symlink planted to the outside lands inside the layer", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "evil", type: "symlink", linkname: s.outside },
        { name: "evil/pwned", content: "x" },
        { name: "evil/keep", content: "pwned" },
        { name: "rel", type: "symlink", linkname: "../outside" },
        { name: "rel/keep", content: "pwned-rel" },
        { name: "rel/sub/deeper", content: "d" },
      ],
      "accepted",
    );
    // The links themselves are kept as written: they resolve inside the container at run time.
    assert.equal(readlinkSync(join(s.layer, "evil")), s.outside);
    assert.equal(readlinkSync(join(s.layer, "rel")), "../outside");
    assert.equal(readFileSync(join(s.layer, s.outside, "keep"), "utf8"), "pwned");
    assert.equal(readFileSync(join(s.layer, s.outside, "pwned"), "utf8"), "x");
    assert.equal(readFileSync(join(s.layer, "outside/keep"), "utf8"), "pwned-rel");
    assert.equal(readFileSync(join(s.layer, "outside/sub/deeper"), "utf8"), "d");
  });

  test("symlink chains of 'up -> ..' stop at the layer root", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "up", type: "symlink", linkname: ".." },
        { name: "a", type: "symlink", linkname: "up/.." },
        { name: "b", type: "symlink", linkname: "a/../../up/up" },
        { name: "d/", type: "directory" },
        { name: "d/up", type: "symlink", linkname: "../../.." },
        { name: "up/up/up/outside/keep", content: "1" },
        { name: "b/b/a/outside/two", content: "2" },
        { name: "d/up/d/up/outside/three", content: "3" },
      ],
      "accepted",
    );
    assert.equal(readFileSync(join(s.layer, "outside/keep"), "utf8"), "1");
    assert.equal(readFileSync(join(s.layer, "outside/two"), "utf8"), "2");
    assert.equal(readFileSync(join(s.layer, "outside/three"), "utf8"), "3");
  });

  test("a symlink loop is an error, not a hang", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "l1", type: "symlink", linkname: "l2" },
        { name: "l2", type: "symlink", linkname: "l1" },
        { name: "l1/x", content: "x" },
      ],
      /too many levels of symbolic links/,
    );
  });

  test("an entry over a symlink replaces the symlink and never writes through it", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "f", type: "symlink", linkname: join(s.outside, "keep") },
        { name: "f", content: "pwned", mode: 0o644 },
        { name: "d", type: "symlink", linkname: s.outside },
        { name: "d", type: "directory", mode: 0o777, uid: 1234 },
        { name: "r", type: "symlink", linkname: "../outside/keep" },
        { name: "r", type: "symlink", linkname: "elsewhere" },
      ],
      "accepted",
    );
    assert.ok(lstatSync(join(s.layer, "f")).isFile());
    assert.equal(readFileSync(join(s.layer, "f"), "utf8"), "pwned");
    const d = lstatSync(join(s.layer, "d"));
    assert.ok(d.isDirectory());
    assert.equal(d.mode & 0o7777, 0o777);
    assert.equal(readlinkSync(join(s.layer, "r")), "elsewhere");
  });

  test("hard links to anything this layer did not write are rejected", async (t) => {
    const s = scene(t);
    await unpackHostile(s, [{ name: "p", type: "link", linkname: "/etc/passwd" }], /hard link target "\/etc\/passwd" is not a file written earlier/);
    await unpackHostile(s, [{ name: "p", type: "link", linkname: "../outside/keep" }], /climbs out/);
    await unpackHostile(s, [{ name: "p", type: "link", linkname: `${s.outside}/keep` }], /not a file written earlier/);
    await unpackHostile(
      s,
      [
        { name: "out", type: "symlink", linkname: s.outside },
        { name: "p", type: "link", linkname: "out/keep" },
      ],
      /not a file written earlier/,
    );
    await unpackHostile(s, [{ name: "d/", type: "directory" }, { name: "p", type: "link", linkname: "d" }], /not a file/);
    await unpackHostile(s, [{ name: "p", type: "link", linkname: "later" }, { name: "later", content: "x" }], /not a file/);
    assert.equal(lstatSync(join(s.outside, "keep")).nlink, 1);
  });

  test("a hard link to a symlink pointing outside links the symlink, not its target", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "s", type: "symlink", linkname: join(s.outside, "keep") },
        { name: "h", type: "link", linkname: "s" },
        { name: "ds", type: "symlink", linkname: s.outside },
        { name: "dh", type: "link", linkname: "ds" },
        { name: "dh/keep", content: "pwned" },
        { name: "file", content: "content", mode: 0o640 },
        { name: "sub/hard", type: "link", linkname: "/file" },
      ],
      "accepted",
    );
    const h = lstatSync(join(s.layer, "h"));
    assert.ok(h.isSymbolicLink());
    assert.equal(h.nlink, 2);
    assert.equal(readlinkSync(join(s.layer, "h")), join(s.outside, "keep"));
    assert.equal(readFileSync(join(s.layer, s.outside, "keep"), "utf8"), "pwned");
    const hard = lstatSync(join(s.layer, "sub/hard"));
    assert.equal(hard.ino, lstatSync(join(s.layer, "file")).ino);
    assert.equal(hard.nlink, 2);
  });

  test("a file written through a directory symlink planted earlier stays in the layer", async (t) => {
    const s = scene(t);
    await unpackHostile(
      s,
      [
        { name: "real/", type: "directory" },
        { name: "alias", type: "symlink", linkname: "real" },
        { name: "alias/inner", content: "via alias" },
        { name: "esc", type: "symlink", linkname: "/" },
        { name: "esc/../../outside/keep", content: "pwned" },
      ],
      /climbs out/,
    );
    await unpackHostile(
      s,
      [
        { name: "real/", type: "directory" },
        { name: "alias", type: "symlink", linkname: "/real" },
        { name: "alias/inner", content: "via alias" },
        { name: "root", type: "symlink", linkname: "/../../../" },
        { name: "root/outside/keep", content: "pwned" },
      ],
      "accepted",
    );
    assert.equal(readFileSync(join(s.layer, "real/inner"), "utf8"), "via alias");
    assert.equal(readFileSync(join(s.layer, "outside/keep"), "utf8"), "pwned");
  });

  test("a parent that is a file is an error", async (t) => {
    const s = scene(t);
    await unpackHostile(s, [{ name: "f", content: "x" }, { name: "f/x", content: "x" }], /"f" is not a directory/);
  });
});

describe("unpackLayer: what a layer contains", () => {
  test("device nodes and FIFOs are not created", async (t) => {
    const s = scene(t);
    const tarball = await layerTar([
      { name: "dev/", type: "directory" },
      { name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "dev/sda", type: "block-device", devmajor: 8, devminor: 0, mode: 0o660 },
      { name: "dev/fifo", type: "fifo", mode: 0o644 },
      { name: "dev/after", content: "ok" },
    ]);
    await unpackLayer(streamOf(tarball), TAR, s.layer);
    assert.deepEqual(readdirSync(join(s.layer, "dev")), ["after"]);
  });

  test("whiteouts become 0:0 character devices and opaque markers an xattr", async (t) => {
    const s = scene(t);
    const tarball = await layerTar([
      { name: ".wh.gone", content: "" },
      { name: "dir/", type: "directory", mode: 0o755 },
      { name: "dir/.wh..wh..opq", content: "" },
      { name: "dir/kept", content: "k" },
      { name: "deep/er/.wh.file", content: "" },
      { name: ".wh.both", content: "" },
      { name: "both", content: "same layer wins" },
      { name: "first", content: "written first" },
      { name: ".wh.first", content: "" },
      { name: ".wh.redo", content: "" },
      { name: "redo/", type: "directory" },
      { name: "redo/new", content: "n" },
      { name: ".wh..wh.plnk/", type: "directory" },
      { name: ".wh..wh.plnk/123.456", content: "aufs" },
    ]);
    await unpackLayer(streamOf(tarball), TAR, s.layer);
    for (const w of ["gone", "deep/er/file"]) {
      const st = lstatSync(join(s.layer, w));
      assert.ok(st.isCharacterDevice(), `${w} is a whiteout`);
      assert.equal(st.rdev, 0);
    }
    assert.equal(readFileSync(join(s.layer, "both"), "utf8"), "same layer wins");
    assert.equal(readFileSync(join(s.layer, "first"), "utf8"), "written first");
    assert.equal(opaque(join(s.layer, "dir")), "y");
    assert.equal(opaque(join(s.layer, "redo")), "y", "a directory over a whiteout of the same layer is opaque");
    assert.equal(opaque(join(s.layer, "deep")), undefined);
    assert.deepEqual(readdirSync(join(s.layer, "dir")), ["kept"]);
    assert.deepEqual(readdirSync(s.layer).sort(), ["both", "deep", "dir", "first", "gone", "redo"]);
  });

  test("ownership, setuid/setgid/sticky modes and times are kept", async (t) => {
    const s = scene(t);
    const mtime = new Date(1_500_000_000_000);
    const tarball = await layerTar([
      { name: "./", type: "directory", mode: 0o755, mtime },
      { name: "bin/", type: "directory", mode: 0o2775, uid: 1000, gid: 1000, mtime },
      { name: "bin/su", content: "#!/bin/sh\n", mode: 0o4755, uid: 1000, gid: 1000, mtime },
      { name: "bin/sg", content: "", mode: 0o2711, uid: 0, gid: 1000, mtime },
      { name: "bin/link", type: "symlink", linkname: "su", uid: 1000, gid: 1001, mtime },
      { name: "tmp/", type: "directory", mode: 0o1777, mtime },
      { name: "tmp/a/b/c", content: "deep", mtime },
      { name: "big", content: randomBytes(3 * 1024 * 1024 + 17), mode: 0o600, mtime },
    ]);
    await unpackLayer(streamOf(tarball, 1000), TAR, s.layer);
    const st = (p: string) => lstatSync(join(s.layer, p));
    assert.deepEqual([st("bin").mode & 0o7777, st("bin").uid, st("bin").gid], [0o2775, 1000, 1000]);
    assert.deepEqual([st("bin/su").mode & 0o7777, st("bin/su").uid, st("bin/su").gid], [0o4755, 1000, 1000]);
    assert.deepEqual([st("bin/sg").mode & 0o7777, st("bin/sg").gid], [0o2711, 1000]);
    assert.deepEqual([st("bin/link").uid, st("bin/link").gid], [1000, 1001]);
    assert.equal(st("tmp").mode & 0o7777, 0o1777);
    assert.equal(st("big").size, 3 * 1024 * 1024 + 17);
    assert.equal(st("tmp/a/b").mode & 0o7777, 0o755, "implied parents are 0755");
    for (const p of ["bin", "bin/su", "bin/link", "tmp", "tmp/a/b/c", "."]) {
      assert.equal(st(p).mtimeMs, mtime.getTime(), `${p} mtime`);
    }
  });

  test("PAX: long names, sub-second mtime, user.* xattrs kept, trusted.* ignored", async (t) => {
    const s = scene(t);
    const long = `${"d".repeat(120)}/${"f".repeat(150)}`;
    const odd = "we ir=d\\\nnäme";
    const tarball = await layerTar([
      { name: long, content: "long" },
      {
        name: "x",
        content: "x",
        pax: { mtime: "1600000000.25", "SCHILY.xattr.user.note": "hello", "SCHILY.xattr.trusted.overlay.opaque": "y" },
      },
      { name: "xd/", type: "directory", pax: { "SCHILY.xattr.trusted.overlay.opaque": "y", "SCHILY.xattr.user.d": "1" } },
      { name: odd, content: "odd", pax: { "SCHILY.xattr.user.odd": "v" } },
      { name: `${odd}.d/.wh..wh..opq`, content: "" },
    ]);
    await unpackLayer(streamOf(tarball), TAR, s.layer);
    assert.equal(readFileSync(join(s.layer, long), "utf8"), "long");
    assert.equal(lstatSync(join(s.layer, "x")).mtimeMs, 1600000000250);
    assert.equal(xattr(join(s.layer, "x"), "user.note"), "hello");
    assert.equal(xattr(join(s.layer, "xd"), "user.d"), "1");
    assert.equal(opaque(join(s.layer, "x")), undefined);
    assert.equal(opaque(join(s.layer, "xd")), undefined);
    assert.equal(xattr(join(s.layer, odd), "user.odd"), "v");
    assert.equal(opaque(join(s.layer, `${odd}.d`)), "y");
  });

  test("links and devices that carry data are read past, unknown types rejected", { timeout: 10_000 }, async (t) => {
    const s = scene(t);
    const tarball = await layerTar([
      { name: "s", content: "hello" },
      { name: "h0", content: "x" },
      { name: "h", content: "abc".repeat(10_000) },
      { name: "dev", content: "zz" },
      { name: "after", content: "ok" },
    ]);
    retype(tarball, 0, "2", "target");
    retype(tarball, 2048, "1", "h0");
    retype(tarball, 2048 + 512 + 30_208, "3");
    await unpackLayer(streamOf(tarball), TAR, s.layer);
    assert.equal(readlinkSync(join(s.layer, "s")), "target");
    assert.equal(lstatSync(join(s.layer, "h")).ino, lstatSync(join(s.layer, "h0")).ino);
    assert.equal(readFileSync(join(s.layer, "after"), "utf8"), "ok");
    assert.deepEqual(readdirSync(s.layer).sort(), ["after", "h", "h0", "s"]);

    retype(tarball, 0, "S");
    const sparse = join(s.base, "sparse");
    await assertRejected(unpackLayer(streamOf(tarball), TAR, sparse), /entry "s": unsupported tar entry type/);
    assert.equal(existsSync(sparse), false);
  });

  test("later entries replace earlier ones with the same path", async (t) => {
    const s = scene(t);
    const tarball = await layerTar([
      { name: "f", content: "one" },
      { name: "f", content: "two" },
      { name: "d/", type: "directory", mode: 0o700 },
      { name: "d/child", content: "c" },
      { name: "d/", type: "directory", mode: 0o751 },
      { name: "e/", type: "directory" },
      { name: "e/child", content: "c" },
      { name: "e", content: "now a file" },
      { name: "e2", content: "file" },
      { name: "e2/", type: "directory" },
    ]);
    await unpackLayer(streamOf(tarball), TAR, s.layer);
    assert.equal(readFileSync(join(s.layer, "f"), "utf8"), "two");
    assert.equal(lstatSync(join(s.layer, "d")).mode & 0o7777, 0o751);
    assert.equal(readFileSync(join(s.layer, "d/child"), "utf8"), "c");
    assert.equal(readFileSync(join(s.layer, "e"), "utf8"), "now a file");
    assert.ok(lstatSync(join(s.layer, "e2")).isDirectory());
  });
});

describe("unpackLayer: compression, diffID and failures", () => {
  test("gzip is detected by its magic bytes whatever the media type says", async (t) => {
    const s = scene(t);
    const plain = await layerTar([{ name: "hello", content: "world" }]);
    const gz = gzipSync(plain);
    const cases: [Buffer, string][] = [
      [plain, TAR],
      [gz, TGZ],
      [gz, DOCKER_TGZ],
      [gz, TAR],
      [plain, TGZ],
    ];
    for (const [i, [data, mediaType]] of cases.entries()) {
      const target = join(s.base, `l${i}`);
      // One byte at a time at first, so sniffing has to gather the magic across chunks.
      const r = await unpackLayer(streamOf(data, 1 + (i % 2)), mediaType, target);
      assert.deepEqual(r, { diffId: sha256(plain), size: plain.length });
      assert.equal(readFileSync(join(target, "hello"), "utf8"), "world");
    }
  });

  test("corrupt gzip is a clear error and leaves no target", async (t) => {
    const s = scene(t);
    const gz = gzipSync(await layerTar([{ name: "a", content: randomBytes(100_000) }]));
    const badHeader = Buffer.from(gz);
    badHeader[2] = 0x55; // compression method
    await assertRejected(unpackLayer(streamOf(badHeader), TGZ, s.layer), /^layer .*: corrupt compressed data: unknown compression method/);
    assert.equal(existsSync(s.layer), false);
    // The tar inside is whole; only the CRC at the very end says the data is wrong.
    const badCrc = Buffer.from(gz);
    badCrc[gz.length - 8]! ^= 0xff;
    await assertRejected(unpackLayer(streamOf(badCrc), TGZ, s.layer), /corrupt compressed data: incorrect data check/);
    assert.equal(existsSync(s.layer), false);
    const garbled = Buffer.from(gz);
    garbled.fill(0x55, 100, 400);
    await assertRejected(unpackLayer(streamOf(garbled), TGZ, s.layer), /corrupt compressed data|Invalid tar header/);
    assert.equal(existsSync(s.layer), false);
    await assertRejected(unpackLayer(streamOf(gz.subarray(0, gz.length / 2)), TGZ, s.layer), /corrupt compressed data: unexpected end of file/);
    assert.equal(existsSync(s.layer), false);
  });

  test("truncated or garbage tar data is an error and leaves no target", async (t) => {
    const s = scene(t);
    const plain = await layerTar([{ name: "a", content: randomBytes(10_000) }]);
    await assertRejected(unpackLayer(streamOf(plain.subarray(0, 5000)), TAR, s.layer), /Unexpected end of data/);
    assert.equal(existsSync(s.layer), false);
    await assertRejected(unpackLayer(streamOf(randomBytes(4096)), TAR, s.layer), /Invalid tar header/);
    assert.equal(existsSync(s.layer), false);
  });

  test("a source stream error rejects and leaves no target", async (t) => {
    const s = scene(t);
    const plain = await layerTar([{ name: "a", content: randomBytes(200_000) }]);
    const source = new Readable({ read() {} });
    source.push(plain.subarray(0, 100_000));
    setTimeout(() => source.destroy(new Error("connection reset")), 20);
    await assertRejected(unpackLayer(source, TAR, s.layer), /connection reset/);
    assert.equal(existsSync(s.layer), false);
  });

  test("zstd is refused on Node without zstd, other media types always", async (t) => {
    const s = scene(t);
    const plain = await layerTar([{ name: "a", content: "a" }]);
    if (!("createZstdDecompress" in (await import("node:zlib")))) {
      await assertRejected(unpackLayer(streamOf(plain), "application/vnd.oci.image.layer.v1.tar+zstd", s.layer), /zstd layers are not supported on Node <22/);
    }
    await assertRejected(unpackLayer(streamOf(plain), "application/vnd.oci.image.config.v1+json", s.layer), /not an image layer/);
    assert.equal(existsSync(s.layer), false);
  });

  test("a target that is not empty is refused and left alone", async (t) => {
    const s = scene(t);
    const plain = await layerTar([{ name: "a", content: "a" }]);
    await assertRejected(unpackLayer(streamOf(plain), TAR, s.outside), /not empty/);
    assert.equal(readFileSync(join(s.outside, "keep"), "utf8"), "original");
    const empty = join(s.base, "empty");
    mkdirSync(empty);
    await unpackLayer(streamOf(plain), TAR, empty);
    assert.equal(readFileSync(join(empty, "a"), "utf8"), "a");
  });

  test("busybox-static layer: content, applets and unpack time", async (t) => {
    const s = scene(t);
    const busybox = readFileSync("/usr/bin/busybox");
    const applets = execFileSync("/usr/bin/busybox", ["--list"], { encoding: "utf8" }).split("\n").filter((a) => a && a !== "busybox");
    const entries: Partial<Entry>[] = [
      { name: "bin/", type: "directory", mode: 0o755 },
      { name: "bin/busybox", content: busybox, mode: 0o755 },
      ...applets.map((a): Partial<Entry> => ({ name: `bin/${a}`, type: "symlink", linkname: "busybox" })),
      { name: "etc/", type: "directory" },
      { name: "etc/passwd", content: "root:x:0:0:root:/root:/bin/sh\n" },
      { name: "tmp/", type: "directory", mode: 0o1777 },
    ];
    const gz = gzipSync(await layerTar(entries));
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const target = join(s.base, `bb${i}`);
      const start = process.hrtime.bigint();
      await unpackLayer(streamOf(gz), TGZ, target);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      assert.ok(readFileSync(join(target, "bin/busybox")).equals(busybox));
      assert.equal(readdirSync(join(target, "bin")).length, applets.length + 1);
      rmSync(target, { recursive: true });
    }
    times.sort((a, b) => a - b);
    t.diagnostic(`busybox layer: ${entries.length} entries, ${gz.length} bytes gzip; unpack median ${times[3]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms`);
  });
});

/** Rewrites the type (and link name) of the tar header at offset, as tar-stream's packer will not. */
function retype(tarball: Buffer, offset: number, typeflag: string, linkname?: string): void {
  const h = tarball.subarray(offset, offset + 512);
  h.write(typeflag, 156, "ascii");
  if (linkname !== undefined) {
    h.fill(0, 157, 257);
    h.write(linkname, 157, "utf8");
  }
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
}

function xattr(path: string, name: string): string | undefined {
  try {
    return execFileSync("getfattr", ["-h", "--only-values", "-n", name, path], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

function opaque(path: string): string | undefined {
  return xattr(path, "trusted.overlay.opaque");
}
