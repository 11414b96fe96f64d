/**
 * The test images are what every pull and container test trusts, so they are checked with
 * tools that are not ours: umoci unpacks them, skopeo reads and converts them, busybox runs
 * in the root filesystem. Also: builds are deterministic and the shared cache survives two
 * processes building it at once.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/runtime/command.js";
import { busyboxEntries, busyboxIndexHtml, writeBusyboxRootfs } from "../fixtures/images/busybox.js";
import { buildImage, buildIndex, digestOf, type ImageSpec } from "../fixtures/images/oci-image-builder.js";
import { indexArchMarker, multiLayerContent, testImages, testImageSet } from "../harness/test-images.js";

function tempDir(t: { after: (fn: () => void) => void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("busybox root filesystem", () => {
  test("writeBusyboxRootfs writes a tree busybox sh runs in, with users, /tmp 1777 and the web page", async (t) => {
    const root = join(tempDir(t, "peapod-bbfs-"), "rootfs");
    await writeBusyboxRootfs(root);
    const { stdout } = await run("chroot", [root, "/bin/sh", "-c", "id -u app; id -u nobody; cat /var/www/index.html; ls /bin | wc -l"]);
    const [appUid, nobodyUid, html, binCount] = stdout.split("\n");
    assert.equal(appUid, "1000");
    assert.equal(nobodyUid, "65534");
    assert.equal(`${html}\n`, busyboxIndexHtml);
    const applets = (await run("/usr/bin/busybox", ["--list"])).stdout.trim().split("\n");
    assert.equal(Number(binCount), applets.length, "every applet (and busybox itself) is in /bin");
    assert.equal(readlinkSync(join(root, "bin", "sh")), "busybox", "applet links are relative");
    assert.equal(statSync(join(root, "tmp")).mode & 0o7777, 0o1777);
    assert.equal(statSync(join(root, "root")).mode & 0o777, 0o700);
  });
});

describe("OCI image builder", () => {
  const spec: ImageSpec = {
    tag: "peapod-test/determinism:1",
    layers: [
      { gzip: true, entries: busyboxEntries() },
      { gzip: false, entries: [{ type: "file", path: "/hello", content: "hello\n", mode: 0o600, uid: 7, gid: 8 }] },
    ],
    config: { Cmd: ["cat", "/hello"], StopSignal: "SIGINT", ExposedPorts: { "8080/tcp": {} } },
  };

  test("the same spec gives the same digests and bytes in two layouts", async (t) => {
    const dir = tempDir(t, "peapod-oci-");
    const a = await buildImage(join(dir, "a"), spec);
    const b = await buildImage(join(dir, "b"), spec);
    assert.equal(a.manifestDigest, b.manifestDigest);
    assert.equal(a.configDigest, b.configDigest);
    assert.deepEqual(a.layerDigests, b.layerDigests);
    for (const blob of readdirSync(join(dir, "a", "blobs", "sha256"))) {
      const bytes = readFileSync(join(dir, "a", "blobs", "sha256", blob));
      assert.equal(digestOf(bytes), `sha256:${blob}`, "a blob is stored under its own digest");
      assert.deepEqual(bytes, readFileSync(join(dir, "b", "blobs", "sha256", blob)));
    }
  });

  test("umoci reads the layout and unpacks owner, mode and config as built", async (t) => {
    const dir = tempDir(t, "peapod-oci-");
    const built = await buildImage(join(dir, "layout"), spec);
    const stat = JSON.parse((await run("umoci", ["stat", "--json", "--image", `${built.layout}:${spec.tag}`])).stdout) as { history: unknown[] };
    assert.equal(stat.history.length, 2);
    await run("umoci", ["unpack", "--image", `${built.layout}:${spec.tag}`, join(dir, "bundle")]);
    const hello = lstatSync(join(dir, "bundle", "rootfs", "hello"));
    assert.deepEqual([hello.mode & 0o7777, hello.uid, hello.gid], [0o600, 7, 8]);
    const runtimeSpec = JSON.parse(readFileSync(join(dir, "bundle", "config.json"), "utf8")) as { process: { args: string[] } };
    assert.deepEqual(runtimeSpec.process.args, ["cat", "/hello"]);
  });

  test("buildIndex lists each platform and skopeo picks the one asked for", async (t) => {
    const dir = tempDir(t, "peapod-oci-");
    const layout = join(dir, "layout");
    const image = (arch: string) => ({
      architecture: arch,
      layers: [{ gzip: true, entries: [{ type: "file" as const, path: "/arch", content: arch }] }],
      config: {},
    });
    const built = await buildIndex(
      layout,
      [
        { platform: { architecture: "amd64", os: "linux" }, image: image("amd64") },
        { platform: { architecture: "s390x", os: "linux" }, image: image("s390x") },
      ],
      "idx:1",
    );
    const rawText = (await run("skopeo", ["inspect", "--raw", `oci:${layout}:idx:1`])).stdout;
    const raw = JSON.parse(rawText) as {
      manifests: Array<{ digest: string; platform: { architecture: string } }>;
    };
    assert.equal(digestOf(Buffer.from(rawText)), built.indexDigest);
    assert.deepEqual(raw.manifests.map((m) => [m.platform.architecture, m.digest]), built.manifests.map((m) => [m.platform.architecture, m.manifestDigest]));
    const s390x = JSON.parse((await run("skopeo", ["inspect", "--override-arch", "s390x", "--config", `oci:${layout}:idx:1`])).stdout) as { architecture: string };
    assert.equal(s390x.architecture, "s390x");
  });
});

describe("test images", () => {
  test("multiLayer unpacks (umoci) to the files multiLayerContent promises", async (t) => {
    const set = await testImageSet();
    const dir = tempDir(t, "peapod-layers-");
    const stat = JSON.parse((await run("umoci", ["stat", "--json", "--image", `${set.layout}:${testImages.multiLayer}`])).stdout) as { history: unknown[] };
    assert.equal(stat.history.length, multiLayerContent.layerCount);
    const manifest = JSON.parse(readFileSync(join(set.layout, "blobs", "sha256", set.images.multiLayer.manifestDigest.slice(7)), "utf8")) as {
      layers: Array<{ mediaType: string }>;
    };
    const kinds = new Set(manifest.layers.map((l) => l.mediaType));
    assert.equal(kinds.size, 2, "gzip and plain tar layers are mixed");
    await run("umoci", ["unpack", "--image", `${set.layout}:${testImages.multiLayer}`, join(dir, "bundle")]);
    const rootfs = join(dir, "bundle", "rootfs");
    for (const [path, content] of Object.entries(multiLayerContent.present)) {
      assert.ok(existsSync(join(rootfs, path)), `${path} present`);
      if (content !== undefined) assert.equal(readFileSync(join(rootfs, path), "utf8"), content, path);
    }
    for (const path of multiLayerContent.absent) assert.ok(!existsSync(join(rootfs, path)), `${path} removed by a later layer`);
    assert.equal(statSync(join(rootfs, multiLayerContent.hardlink)).ino, statSync(join(rootfs, "data/a.txt")).ino);
    assert.equal(readlinkSync(join(rootfs, multiLayerContent.symlink.path)), multiLayerContent.symlink.target);
    const owned = statSync(join(rootfs, multiLayerContent.owned.path));
    assert.deepEqual([owned.uid, owned.gid, owned.mode & 0o777], [multiLayerContent.owned.uid, multiLayerContent.owned.gid, multiLayerContent.owned.mode]);
  });

  test("the index's arm64 image carries /arch = arm64 and the user image runs as app in /home/app", async (t) => {
    const set = await testImageSet();
    const dir = tempDir(t, "peapod-idx-");
    await run("skopeo", ["copy", "--insecure-policy", "--override-arch", "arm64", set.ociRef("index"), `oci:${join(dir, "arm64")}:x`]);
    await run("umoci", ["unpack", "--image", `${join(dir, "arm64")}:x`, join(dir, "bundle")]);
    assert.equal(readFileSync(join(dir, "bundle", "rootfs", "arch"), "utf8"), indexArchMarker("arm64"));
    await run("umoci", ["unpack", "--image", `${set.layout}:${testImages.user}`, join(dir, "user")]);
    const spec = JSON.parse(readFileSync(join(dir, "user", "config.json"), "utf8")) as {
      process: { args: string[]; cwd: string; user: { uid: number; gid: number }; env: string[] };
    };
    assert.deepEqual(spec.process.args, ["/bin/sh", "-c", "echo hi"]);
    assert.equal(spec.process.cwd, "/home/app");
    assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000 });
    assert.ok(spec.process.env.includes("FOO=bar"));
  });

  test("two processes building a cold cache at once both get the same complete layout", async (t) => {
    const cacheTmp = tempDir(t, "peapod-cache-");
    const moduleUrl = new URL("../harness/test-images.js", import.meta.url).href;
    const script = `const t = Date.now(); const m = await import(${JSON.stringify(moduleUrl)}); const s = await m.testImageSet();` +
      `process.stdout.write(JSON.stringify({ ms: Date.now() - t, layout: s.layout, digest: s.images.busybox.manifestDigest }))`;
    const once = () =>
      new Promise<{ ms: number; layout: string; digest: string }>((resolve, reject) => {
        // TMPDIR moves os.tmpdir(), and with it the cache, into this test's own dir.
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, TMPDIR: cacheTmp } });
        let out = "";
        let err = "";
        child.stdout.on("data", (b: Buffer) => (out += b));
        child.stderr.on("data", (b: Buffer) => (err += b));
        child.on("error", reject);
        child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as { ms: number; layout: string; digest: string }) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const [a, b] = await Promise.all([once(), once()]);
    assert.equal(a.layout, b.layout);
    assert.equal(a.digest, b.digest);
    assert.ok(a.layout.startsWith(cacheTmp));
    const cacheRoot = join(cacheTmp, "peapod-test-images");
    assert.deepEqual(readdirSync(cacheRoot).filter((n) => n.startsWith("building-")), [], "no half-built dir left");
    const cached = await once();
    assert.equal(cached.layout, a.layout);
    t.diagnostic(`test image build: cold ${Math.max(a.ms, b.ms)} ms (two racing processes), cached ${cached.ms} ms`);
    const inProcess = await testImageSet();
    assert.equal(inProcess.images.busybox.manifestDigest, a.digest, "the cache key does not depend on where the cache lives");
  });
});
