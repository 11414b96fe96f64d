import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openBeneath, pathWithinBase } from "./subpath.js";

describe("openBeneath", () => {
  let base: string;
  before(async () => {
    base = await mkdtemp(join(tmpdir(), "peapod-subpath-"));
    await mkdir(join(base, "dir"));
    await writeFile(join(base, "dir/file"), "x");
    await symlink("/etc", join(base, "out"));
    await symlink("dir", join(base, "in"));
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test("opens a path below base and pins the very inode that was walked to", async () => {
    const handle = await openBeneath(base, "dir/file");
    try {
      const [pinned, direct] = [await handle.stat(), await stat(join(base, "dir/file"))];
      assert.equal(pinned.ino, direct.ino);
      assert.equal(pinned.dev, direct.dev);
    } finally {
      await handle.close();
    }
  });

  const refused = ["out", "out/passwd", "in", "in/file", "missing"];
  for (const rel of refused) {
    test(`refuses ${rel}: no symlink is followed on the way, whether it leads in or out`, async () => {
      await assert.rejects(openBeneath(base, rel));
    });
  }

  const within: [string, string, boolean][] = [
    ["/v/a", "/v", true],
    ["/v", "/v", true],
    ["/v/../x", "/v", false],
    ["/vx", "/v", false],
    ["/etc", "/v", false],
    ["/v/..a", "/v", true],
  ];
  for (const [path, b, want] of within) {
    test(`pathWithinBase(${path}, ${b}) = ${want}`, () => assert.equal(pathWithinBase(path, b), want));
  }
});
