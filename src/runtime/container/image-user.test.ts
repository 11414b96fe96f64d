import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRuntimeError } from "../errors.js";
import { readUserFiles, resolveInRoot, resolveUser, type UserRequest } from "./image-user.js";

const files = {
  passwd: [
    "root:x:0:0:root:/root:/bin/sh",
    "# a comment",
    "app:x:1000:1000:app:/home/app:/bin/sh",
    "www:x:33:33::/var/www:/bin/false",
    "",
  ].join("\n"),
  group: ["root:x:0:", "wheel:x:10:app,www", "app:x:1000:app", "staff:x:50:www", "audio:x:29:app", ""].join("\n"),
};

describe("resolveUser", () => {
  const cases: Array<{ name: string; req: UserRequest; want: { uid: number; gid: number; additionalGids: number[] } | "no users" | "no groups" }> = [
    { name: "nothing: root", req: {}, want: { uid: 0, gid: 0, additionalGids: [0] } },
    { name: "runAsUser known", req: { runAsUser: 1000 }, want: { uid: 1000, gid: 1000, additionalGids: [10, 29, 1000] } },
    { name: "runAsUser unknown: gid 0", req: { runAsUser: 4242 }, want: { uid: 4242, gid: 0, additionalGids: [0] } },
    { name: "runAsUser with runAsGroup", req: { runAsUser: 1000, runAsGroup: 5 }, want: { uid: 1000, gid: 5, additionalGids: [5, 10, 29] } },
    { name: "runAsUsername", req: { runAsUsername: "www" }, want: { uid: 33, gid: 33, additionalGids: [10, 33, 50] } },
    { name: "username wins over uid", req: { runAsUsername: "www", runAsUser: 1000 }, want: { uid: 33, gid: 33, additionalGids: [10, 33, 50] } },
    { name: "uid wins over image USER", req: { runAsUser: 33, imageUser: "app" }, want: { uid: 33, gid: 33, additionalGids: [10, 33, 50] } },
    { name: "image USER name", req: { imageUser: "app" }, want: { uid: 1000, gid: 1000, additionalGids: [10, 29, 1000] } },
    { name: "image USER uid:gid", req: { imageUser: "1234:5678" }, want: { uid: 1234, gid: 5678, additionalGids: [5678] } },
    { name: "image USER name:group", req: { imageUser: "app:staff" }, want: { uid: 1000, gid: 50, additionalGids: [10, 29, 50] } },
    {
      name: "supplementalGroups merged, sorted, unique",
      req: { runAsUser: 1000, supplementalGroups: [2000, 10] },
      want: { uid: 1000, gid: 1000, additionalGids: [10, 29, 1000, 2000] },
    },
    { name: "unknown username", req: { runAsUsername: "nobody-here" }, want: "no users" },
    { name: "unknown image user", req: { imageUser: "ghost" }, want: "no users" },
    { name: "unknown group", req: { imageUser: "app:ghosts" }, want: "no groups" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.want === "no users" || c.want === "no groups") {
        const text = c.want;
        assert.throws(() => resolveUser(c.req, files), (e) => isRuntimeError(e, "InvalidArgument") && e.message.includes(`${text} found`));
      } else {
        assert.deepEqual(resolveUser(c.req, files), c.want);
      }
    });
  }

  test("no /etc/passwd: numeric users still work, names do not", () => {
    assert.deepEqual(resolveUser({ runAsUser: 7 }, {}), { uid: 7, gid: 0, additionalGids: [0] });
    assert.throws(() => resolveUser({ runAsUsername: "app" }, {}), (e) => isRuntimeError(e, "InvalidArgument"));
  });
});

describe("reading the user database inside the root filesystem", () => {
  test("symlinks resolve against the root, never the host", (t) => {
    const root = mkdtempSync(join(tmpdir(), "peapod-user-"));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, "etc"));
    mkdirSync(join(root, "real"));
    writeFileSync(join(root, "real", "passwd"), "app:x:1000:1000::/:/bin/sh\n");
    // An absolute link that on the host would point at the host's own /etc/group.
    symlinkSync("/real/passwd", join(root, "etc", "passwd"));
    // A relative link climbing out: on the host it would reach /etc/os-release.
    symlinkSync("../../../../../../etc/os-release", join(root, "etc", "group"));
    return (async () => {
      assert.equal(await resolveInRoot(root, "/etc/passwd"), join(root, "real", "passwd"));
      assert.equal(await resolveInRoot(root, "/etc/group"), undefined);
      const got = await readUserFiles(root);
      assert.equal(got.passwd, "app:x:1000:1000::/:/bin/sh\n");
      assert.equal(got.group, undefined);
    })();
  });

  test("a link loop is a miss, not a hang", async (t) => {
    const root = mkdtempSync(join(tmpdir(), "peapod-user-"));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, "etc"));
    symlinkSync("/etc/passwd", join(root, "etc", "passwd"));
    assert.equal(await resolveInRoot(root, "/etc/passwd"), undefined);
  });
});
