import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { cgroupExists, detectCgroups, removeCgroup } from "./cgroups.js";

const hybrid = [
  "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
  "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
  "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
  "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
  "50 23 0:32 /foo /mnt/foo rw,relatime - cgroup cgroup rw,memory",
].join("\n");

const unified = [
  "25 23 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate",
].join("\n");

test("hybrid v1: every hierarchy, memory from its controller, bind mounts ignored", () => {
  const h = detectCgroups(hybrid);
  assert.equal(h.version, 1);
  assert.deepEqual(h.hierarchies, ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"]);
  assert.equal(h.memory, "/sys/fs/cgroup/memory");
});

test("v2: one tree", () => {
  const h = detectCgroups(unified);
  assert.equal(h.version, 2);
  assert.deepEqual(h.hierarchies, ["/sys/fs/cgroup"]);
  assert.equal(h.memory, "/sys/fs/cgroup");
});

test("removeCgroup removes the leaf and empty parents, but not a parent still in use", (t) => {
  const host = detectCgroups();
  const top = `/peapod-test-${randomBytes(4).toString("hex")}`;
  t.after(() => removeCgroup(host, `${top}/pod-b/x`));
  for (const root of host.hierarchies) {
    mkdirSync(join(root, top, "pod-a", "c1"), { recursive: true });
    mkdirSync(join(root, top, "pod-b", "c2"), { recursive: true });
  }
  removeCgroup(host, `${top}/pod-a/c1`);
  assert.equal(cgroupExists(host, `${top}/pod-a`), false);
  assert.equal(cgroupExists(host, `${top}/pod-b/c2`), true);
  // A parent where a container is being created stays, even when empty.
  removeCgroup(host, `${top}/pod-b/c2`, (parent) => parent === `${top}/pod-b`);
  assert.equal(cgroupExists(host, `${top}/pod-b/c2`), false);
  assert.equal(cgroupExists(host, `${top}/pod-b`), true);
  removeCgroup(host, `${top}/pod-b/c2`);
  for (const root of host.hierarchies) assert.equal(existsSync(join(root, top)), false, root);
});
