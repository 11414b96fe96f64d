import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isMounted, mountedPaths } from "./gc.js";

const a = "a".repeat(64);
const b = "b".repeat(64);
const c = "c".repeat(64);

// Lines in the shape of /proc/self/mountinfo: an overlay with absolute lower dirs, one with
// relative lower dirs (a long layer list mounted from the layers dir), and a bind mount.
const mountinfo = [
  "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
  `301 22 0:50 / /run/peapod/c1/rootfs rw,relatime - overlay overlay rw,lowerdir=/data/layers/${b}:/data/layers/${a},upperdir=/data/c1/upper,workdir=/data/c1/work`,
  `302 22 0:51 / /run/peapod/c2/rootfs rw,relatime - overlay overlay rw,lowerdir=${c}:x/${"d".repeat(64)},upperdir=/data/c2/upper,workdir=/data/c2/work`,
  `303 22 254:0 /data/layers/${"e".repeat(64)}/etc /mnt/etc\\040copy ro,relatime - ext4 /dev/vda rw`,
].join("\n");

describe("garbage collection's mount guard", () => {
  const mounted = mountedPaths(mountinfo);

  test("overlay lower dirs and bind roots count as mounted", () => {
    assert.ok(isMounted(mounted, `/data/layers/${a}`));
    assert.ok(isMounted(mounted, `/data/layers/${b}`));
    assert.ok(isMounted(mounted, `/data/layers/${"e".repeat(64)}`), "a bind mount of a directory inside the layer");
  });

  test("relative lower dirs match by chain id", () => {
    assert.ok(isMounted(mounted, `/data/layers/${c}`));
    assert.ok(isMounted(mounted, `/data/layers/${"d".repeat(64)}`));
  });

  test("other layers are not mounted, not even a path prefix of a mounted one", () => {
    assert.ok(!isMounted(mounted, `/data/layers/${"f".repeat(64)}`));
    assert.ok(!isMounted(mounted, `/other/layers/${a}`));
    assert.ok(!isMounted(mounted, `/data/layers/${a.slice(0, 63)}`));
  });
});
