import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { checkHostPathType } from "./host-path.js";

describe("checkHostPathType", () => {
  let dir: string;
  let server: Server;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "peapod-hostpath-"));
    await mkdir(join(dir, "d"));
    await writeFile(join(dir, "f"), "x");
    server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, "sock"), resolve));
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const p = (name: string) => (name.startsWith("/") ? name : join(dir, name));
  const cases: [path: string, type: string | undefined, error?: (path: string) => string][] = [
    ["missing", undefined],
    ["missing", ""],
    ["d", "Directory"],
    ["f", "Directory", (x) => `hostPath type check failed: ${x} is not a directory`],
    ["missing", "Directory", (x) => `hostPath type check failed: ${x} is not a directory`],
    ["f", "File"],
    ["d", "File", (x) => `hostPath type check failed: ${x} is not a file`],
    ["sock", "Socket"],
    ["f", "Socket", (x) => `hostPath type check failed: ${x} is not a socket file`],
    ["/dev/null", "CharDevice"],
    ["f", "CharDevice", (x) => `hostPath type check failed: ${x} is not a character device`],
    ["/dev/null", "BlockDevice", (x) => `hostPath type check failed: ${x} is not a block device`],
    ["d", "DirectoryOrCreate"],
    ["f", "DirectoryOrCreate", (x) => `hostPath type check failed: ${x} is not a directory`],
    ["d", "FileOrCreate", (x) => `hostPath type check failed: ${x} is not a file`],
    ["d", "Weird", () => "Weird is an invalid volume type"],
  ];
  for (const [name, type, error] of cases) {
    test(`${name} as ${JSON.stringify(type)}`, async () => {
      if (error) await assert.rejects(checkHostPathType(p(name), type), { message: error(p(name)) });
      else await checkHostPathType(p(name), type);
    });
  }

  test("DirectoryOrCreate makes the directory with its parents, 0755 whatever the umask", async () => {
    const umask = process.umask(0o077);
    try {
      await checkHostPathType(join(dir, "new/a/b"), "DirectoryOrCreate");
    } finally {
      process.umask(umask);
    }
    const info = await stat(join(dir, "new/a/b"));
    assert.ok(info.isDirectory());
    assert.equal(info.mode & 0o777, 0o755);
  });

  test("FileOrCreate makes an empty 0644 file", async () => {
    await checkHostPathType(join(dir, "newfile"), "FileOrCreate");
    const info = await stat(join(dir, "newfile"));
    assert.ok(info.isFile());
    assert.equal(info.size, 0);
    assert.equal(info.mode & 0o777, 0o644);
  });
});
