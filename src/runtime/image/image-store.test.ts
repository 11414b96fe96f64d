/**
 * The image store against a real registry (Debian's docker-registry on 127.0.0.1, images
 * pushed by skopeo): pulls by tag, digest and index, basic auth, layer reuse, shared
 * downloads, corrupt blobs, missing images, archive import and garbage collection.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanupFor } from "../../../test/harness/cleanup.js";
import { dockerArchive, pushAll, startRegistry, type PushedImage, type TestRegistry } from "../../../test/harness/registry.js";
import { indexArchMarker, multiLayerContent, testImageSet, type TestImageName, type TestImageSet } from "../../../test/harness/test-images.js";
import { busyboxEntries } from "../../../test/fixtures/images/busybox.js";
import { buildImage } from "../../../test/fixtures/images/oci-image-builder.js";
import { run } from "../command.js";
import { isRuntimeError } from "../errors.js";
import { unmountAll } from "../mount.js";
import { runtimeLayout, type RuntimeLayout } from "../layout.js";
import type { LayerProgress } from "../runtime.js";
import { ImageStore } from "./image-store.js";
import { chainIds, digestHex } from "./manifest.js";

interface TestStore {
  store: ImageStore;
  layout: RuntimeLayout;
}

async function openStore(t: { after: (fn: () => void) => void }, imagesInUse?: () => Set<string>): Promise<TestStore> {
  const root = mkdtempSync(join(tmpdir(), "peapod-images-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const layout = runtimeLayout(root);
  return { store: await ImageStore.open({ layout, ...(imagesInUse ? { imagesInUse } : {}) }), layout };
}

/** Blob GETs the registry has served so far (its access log), optionally for one repository. */
function blobGets(registry: TestRegistry, repository = ""): number {
  const re = new RegExp(`"GET /v2/${repository}[^ ]*/blobs/sha256:[a-f0-9]{64} `, "g");
  return (registry.logs().match(re) ?? []).length;
}

/** Manifest GETs (not HEADs) the registry has served for one repository. */
function manifestGets(registry: TestRegistry, repository: string): number {
  return (registry.logs().match(new RegExp(`"GET /v2/${repository}/manifests/[^ ]+ `, "g")) ?? []).length;
}

function blobFiles(layout: RuntimeLayout): string[] {
  return readdirSync(join(layout.images, "blobs", "sha256")).sort();
}

function layerDirs(layout: RuntimeLayout): string[] {
  return readdirSync(layout.layers).sort();
}

/** A small image nobody else uses, so a test may corrupt or delete its blobs in the shared registry. */
async function uniqueImage(t: { after: (fn: () => void) => void }, registry: TestRegistry, name: string) {
  const dir = mkdtempSync(join(tmpdir(), "peapod-unique-image-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const marker = randomBytes(8).toString("hex");
  const built = await buildImage(join(dir, "layout"), {
    tag: "unique",
    layers: [
      { gzip: true, entries: busyboxEntries() },
      { gzip: true, entries: [{ type: "file", path: "/marker", content: `${marker}\n`.repeat(1000) }] },
    ],
    config: { Cmd: ["cat", "/marker"], Labels: { marker } },
  });
  const pushed = await registry.push({ layout: join(dir, "layout"), tag: "unique" }, `${name}:${marker}`);
  return { built, pushed, marker };
}

describe("image store with a real registry", () => {
  let registry: TestRegistry;
  let pushed: Record<TestImageName, PushedImage>;
  let images: TestImageSet;
  const cleanup = cleanupFor(after);

  before(async () => {
    registry = await startRegistry(cleanup);
    pushed = await pushAll(registry);
    images = await testImageSet();
  });

  test("pull by tag stores blobs, unpacks layers and names the image", async (t) => {
    const { store, layout } = await openStore(t);
    const built = images.images.busybox;
    const ref = pushed.busybox.reference;
    const image = await store.pullImage(ref);
    assert.equal(image.id, built.configDigest);
    assert.deepEqual(image.repoTags, [ref]);
    assert.deepEqual(image.repoDigests, [`${ref.split(":").slice(0, 2).join(":")}@${built.manifestDigest}`]);
    assert.equal(image.os, "linux");
    assert.equal(image.architecture, "amd64");
    assert.deepEqual(image.config.Cmd, ["sh"]);
    const blobs = [built.manifestDigest, built.configDigest, ...built.layerDigests].map(digestHex).sort();
    assert.deepEqual(blobFiles(layout), blobs);
    const configSize = statSync(join(layout.images, "blobs", "sha256", digestHex(built.configDigest))).size;
    const layerSize = built.layerDigests.reduce((n, d) => n + statSync(join(layout.images, "blobs", "sha256", digestHex(d))).size, 0);
    assert.equal(image.size, configSize + layerSize);
    assert.deepEqual(readdirSync(join(layout.images, "ingest")), []);

    const index = JSON.parse(readFileSync(join(layout.images, "index.json"), "utf8")) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0]!.digest, built.manifestDigest);
    assert.deepEqual(index.manifests[0]!.annotations, { "io.containerd.image.name": ref, "org.opencontainers.image.ref.name": "1" });

    const { layerDirs: dirs } = await store.resolveRootfs(ref);
    assert.deepEqual(dirs, chainIds(built.diffIds).map((c) => join(layout.layers, digestHex(c))));
    assert.ok(statSync(join(dirs[0]!, "bin", "busybox")).isFile());

    for (const name of [ref, image.id, digestHex(image.id), digestHex(image.id).slice(0, 12), image.repoDigests[0]!]) {
      assert.equal((await store.imageStatus(name))?.id, image.id, `imageStatus(${name})`);
    }
    assert.equal(await store.imageStatus(`${registry.host}/peapod-test/busybox:2`), undefined);
    assert.deepEqual((await store.listImages()).map((i) => i.id), [image.id]);
  });

  test("pull by digest names the image by digest only", async (t) => {
    const { store, layout } = await openStore(t);
    const ref = `${registry.host}/peapod-test/busybox@${pushed.busybox.digest}`;
    const image = await store.pullImage(ref);
    assert.equal(image.id, images.images.busybox.configDigest);
    assert.deepEqual(image.repoTags, []);
    assert.deepEqual(image.repoDigests, [ref]);
    assert.equal((await store.imageStatus(ref))?.id, image.id);
    const index = JSON.parse(readFileSync(join(layout.images, "index.json"), "utf8")) as { manifests: Array<{ annotations: Record<string, string> }> };
    assert.deepEqual(index.manifests[0]!.annotations, { "io.containerd.image.name": ref });
  });

  test("a tag and a digest that disagree: the digest is pulled", async (t) => {
    const { store } = await openStore(t);
    const image = await store.pullImage(`${registry.host}/peapod-test/busybox:nonexistent@${pushed.busybox.digest}`);
    assert.equal(image.id, images.images.busybox.configDigest);
  });

  test("pull of an index takes linux/amd64 only", async (t) => {
    const { store, layout } = await openStore(t);
    const ref = pushed.index.reference;
    const image = await store.pullImage(ref);
    const built = images.images.index;
    const amd64 = built.manifests.find((m) => m.platform.architecture === "amd64")!;
    const arm64 = built.manifests.find((m) => m.platform.architecture === "arm64")!;
    assert.equal(image.id, amd64.configDigest);
    assert.equal(image.architecture, "amd64");
    assert.deepEqual(image.repoDigests, [`${registry.host}/peapod-test/multiarch@${built.indexDigest}`]);
    const stored = blobFiles(layout);
    assert.ok(stored.includes(digestHex(built.indexDigest)));
    assert.ok(stored.includes(digestHex(amd64.manifestDigest)));
    assert.ok(!stored.includes(digestHex(arm64.configDigest)), "arm64 content is not pulled");
    assert.ok(!stored.includes(digestHex(arm64.manifestDigest)));
    const { layerDirs: dirs } = await store.resolveRootfs(ref);
    assert.equal(readFileSync(join(dirs[dirs.length - 1]!, "arch"), "utf8"), indexArchMarker("amd64"));
    // The platform manifest's digest names the image too.
    assert.equal((await store.imageStatus(`${registry.host}/peapod-test/multiarch@${amd64.manifestDigest}`))?.id, image.id);
  });

  test("multi-layer pull reports progress and re-pull reuses blobs and layers", async (t) => {
    const { store, layout } = await openStore(t);
    const ref = pushed.multiLayer.reference;
    const built = images.images.multiLayer;
    const reports: LayerProgress[][] = [];
    const before = blobGets(registry, "peapod-test/layers");
    const image = await store.pullImage(ref, { onProgress: (l) => reports.push([...l]) });
    assert.equal(blobGets(registry, "peapod-test/layers") - before, built.layerDigests.length + 1, "config and each layer fetched once");
    const last = reports[reports.length - 1]!;
    assert.deepEqual(last.map((l) => l.digest), built.layerDigests);
    assert.ok(last.every((l) => l.state === "done" && l.done === l.total), JSON.stringify(last));
    assert.ok(reports.some((r) => r.some((l) => l.state === "downloading")), "downloading reported");
    assert.ok(reports.some((r) => r.some((l) => l.state === "extracting")), "extracting reported");
    assert.equal(layerDirs(layout).length, multiLayerContent.layerCount);

    const { layerDirs: dirs } = await store.resolveRootfs(image.id);
    assert.equal(readFileSync(join(dirs[1]!, "data", "a.txt"), "utf8"), "a\n");

    const mid = blobGets(registry, "peapod-test/layers");
    const manifestsBefore = manifestGets(registry, "peapod-test/layers");
    const again: LayerProgress[][] = [];
    const second = await store.pullImage(ref, { onProgress: (l) => again.push([...l]) });
    assert.equal(second.id, image.id);
    assert.equal(blobGets(registry, "peapod-test/layers"), mid, "no blob GETs on re-pull");
    assert.equal(manifestGets(registry, "peapod-test/layers"), manifestsBefore, "the re-pull HEADs the tag and finds its manifest stored");
    assert.ok(again[again.length - 1]!.every((l) => l.state === "exists"), JSON.stringify(again[again.length - 1]));
    assert.ok(!again.some((r) => r.some((l) => l.state === "downloading" || l.state === "extracting")));
  });

  test("images sharing a base layer download and unpack it once", async (t) => {
    const { store, layout } = await openStore(t);
    await store.pullImage(pushed.busybox.reference);
    const reports: LayerProgress[][] = [];
    await store.pullImage(pushed.httpd.reference, { onProgress: (l) => reports.push([...l]) });
    assert.equal(reports[reports.length - 1]![0]!.state, "exists");
    assert.equal(layerDirs(layout).length, 1, "busybox and httpd share their only layer");
  });

  test("concurrent identical pulls share one download", async (t) => {
    const { store } = await openStore(t);
    const { pushed: unique, built } = await uniqueImage(t, registry, "peapod-test/concurrent");
    const repo = "peapod-test/concurrent";
    const before = blobGets(registry, repo);
    const pulls = await Promise.all([store.pullImage(unique.reference), store.pullImage(unique.reference), store.pullImage(unique.reference)]);
    assert.ok(pulls.every((p) => p.id === built.configDigest));
    assert.equal(blobGets(registry, repo) - before, built.layerDigests.length + 1, "each blob fetched once for three pulls");
  });

  test("an aborted pull leaves nothing half-written; one pull giving up does not fail another", async (t) => {
    const { store, layout } = await openStore(t);
    const ref = pushed.multiLayer.reference;
    const controller = new AbortController();
    const abortOnDownload = (layers: readonly LayerProgress[]) => {
      if (layers.some((l) => l.state === "downloading")) controller.abort();
    };
    await assert.rejects(store.pullImage(ref, { signal: controller.signal, onProgress: abortOnDownload }), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
      assert.equal(e.message, `failed to pull and unpack image "${ref}": pull aborted`);
      return true;
    });
    assert.deepEqual(readdirSync(join(layout.images, "ingest")), []);
    assert.ok(layerDirs(layout).every((d) => /^[a-f0-9]{64}$/.test(d)), `no half-unpacked layer: ${layerDirs(layout).join(" ")}`);
    assert.deepEqual(await store.listImages(), []);

    // Two pulls share the work; the impatient one leaves, the other finishes.
    const impatient = new AbortController();
    const leaving = store.pullImage(ref, {
      signal: impatient.signal,
      onProgress: (layers) => {
        if (layers.some((l) => l.state === "downloading")) impatient.abort();
      },
    });
    const staying = store.pullImage(ref);
    await assert.rejects(leaving, /pull aborted/);
    assert.equal((await staying).id, images.images.multiLayer.configDigest);
    assert.equal(layerDirs(layout).length, multiLayerContent.layerCount);
  });

  test("a corrupt blob is rejected and nothing of it is stored", async (t) => {
    const { store, layout } = await openStore(t);
    const { pushed: unique, built } = await uniqueImage(t, registry, "peapod-test/corrupt");
    const target = built.layerDigests[1]!;
    const file = registry.blobPath(target);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff; // same size, different content
    writeFileSync(file, bytes);
    await assert.rejects(store.pullImage(unique.reference), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
      assert.match(e.message, new RegExp(`^failed to pull and unpack image "${unique.reference}": failed to copy: blob ${target}: digest mismatch`));
      return true;
    });
    assert.ok(!blobFiles(layout).includes(digestHex(target)));
    assert.ok(!blobFiles(layout).includes(digestHex(unique.digest)), "the manifest is not stored");
    assert.deepEqual(readdirSync(join(layout.images, "ingest")), []);
    assert.deepEqual(await store.listImages(), []);
    assert.ok(!existsSync(join(layout.images, "index.json")) || JSON.parse(readFileSync(join(layout.images, "index.json"), "utf8")).manifests.length === 0);
    assert.ok(layerDirs(layout).every((d) => /^[a-f0-9]{64}$/.test(d)), "no half-unpacked layer");
    assert.ok(!layerDirs(layout).includes(digestHex(chainIds(built.diffIds)[1]!)));
  });

  test("a missing image is a clear ErrImagePull", async (t) => {
    const { store } = await openStore(t);
    const ref = `${registry.host}/peapod-test/missing:1`;
    await assert.rejects(store.pullImage(ref), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
      assert.equal(e.message, `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`);
      return true;
    });
    const tagMissing = `${registry.host}/peapod-test/busybox:nope`;
    await assert.rejects(store.pullImage(tagMissing), /: not found$/);
  });

  test("an unreachable registry names the connection error", async (t) => {
    const { store } = await openStore(t);
    const server = (await import("node:net")).createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
    await new Promise((r) => server.close(r));
    await assert.rejects(store.pullImage(`127.0.0.1:${port}/a/b:1`), (e: unknown) => {
      assert.ok(isRuntimeError(e, "ErrImagePull"));
      assert.match(e.message, new RegExp(`connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
      return true;
    });
  });

  test("an invalid reference is InvalidImageName, not a pull error", async (t) => {
    const { store } = await openStore(t);
    await assert.rejects(store.pullImage("Upper/Case"), (e: unknown) => isRuntimeError(e, "InvalidImageName"));
  });

  test("remove untags by reference; an id removes every reference", async (t) => {
    const { store } = await openStore(t);
    const a = pushed.busybox.reference;
    const digestRef = `${registry.host}/peapod-test/busybox@${pushed.busybox.digest}`;
    const image = await store.pullImage(a);
    await store.pullImage(digestRef);
    const both = await store.imageStatus(image.id);
    assert.deepEqual(both?.repoTags, [a]);
    assert.deepEqual(both?.repoDigests, [digestRef]);
    await store.removeImage(a);
    assert.equal(await store.imageStatus(a), undefined);
    assert.deepEqual((await store.imageStatus(image.id))?.repoDigests, [digestRef]);
    await store.pullImage(a);
    await store.removeImage(image.id);
    assert.deepEqual(await store.listImages(), []);
    await store.removeImage(a); // absent: not an error
  });

  test("garbage collection removes an untagged image's blobs and layers, keeps images in use", async (t) => {
    const inUse = new Set<string>();
    const { store, layout } = await openStore(t, () => inUse);
    const busybox = await store.pullImage(pushed.busybox.reference);
    const multi = await store.pullImage(pushed.multiLayer.reference);
    const user = await store.pullImage(pushed.user.reference);
    const beforeBlobs = blobFiles(layout);
    const beforeLayers = layerDirs(layout);

    assert.deepEqual(await store.garbageCollect(), { removedBlobs: 0, removedLayers: 0, freedBytes: 0 });

    await store.removeImage(multi.id);
    inUse.add(user.id);
    await store.removeImage(pushed.user.reference);
    const result = await store.garbageCollect();
    const builtMulti = images.images.multiLayer;
    // Everything of the multi-layer image except the base layer busybox shares.
    const multiOnly = [builtMulti.manifestDigest, builtMulti.configDigest, ...builtMulti.layerDigests.slice(1)].map(digestHex);
    assert.deepEqual(blobFiles(layout), beforeBlobs.filter((b) => !multiOnly.includes(b)));
    const multiLayers = chainIds(builtMulti.diffIds).slice(1).map(digestHex);
    assert.deepEqual(layerDirs(layout), beforeLayers.filter((l) => !multiLayers.includes(l)));
    assert.equal(result.removedBlobs, multiOnly.length);
    assert.equal(result.removedLayers, multiLayers.length);
    assert.ok(result.freedBytes > 0);

    // The in-use image is untagged but whole: its rootfs still resolves by id... once re-tagged by a pull, without downloads.
    const gets = blobGets(registry, "peapod-test/user");
    await store.pullImage(pushed.user.reference);
    assert.equal(blobGets(registry, "peapod-test/user"), gets, "in-use image's blobs survived");
    assert.equal((await store.resolveRootfs(busybox.id)).layerDirs.length, 1);

    inUse.clear();
    await store.removeImage(busybox.id);
    await store.removeImage(user.id);
    await store.garbageCollect();
    assert.deepEqual(blobFiles(layout), []);
    assert.deepEqual(layerDirs(layout), []);
  });

  test("garbage collection never removes a layer that is mounted", async (t) => {
    const { store, layout } = await openStore(t);
    const image = await store.pullImage(pushed.busybox.reference);
    const { layerDirs: dirs } = await store.resolveRootfs(image.id);
    // A ledger undoes in reverse: unmount first, then remove the mount point.
    const undo = cleanupFor((fn) => t.after(fn));
    const target = mkdtempSync(join(tmpdir(), "peapod-mnt-"));
    undo.add(`remove ${target}`, () => rmSync(target, { recursive: true, force: true }));
    await run("mount", ["--bind", "-o", "ro", dirs[0]!, target]);
    undo.add(`unmount ${target}`, () => unmountAll(target));
    await store.removeImage(image.id);
    const result = await store.garbageCollect();
    assert.equal(result.removedLayers, 0);
    assert.ok(existsSync(dirs[0]!));
    assert.deepEqual(blobFiles(layout), []);
    await unmountAll(target);
    assert.equal((await store.garbageCollect()).removedLayers, 1, "unmounted, it goes");
  });

  test("import of a docker-archive made by skopeo", async (t) => {
    const { store } = await openStore(t);
    const dir = mkdtempSync(join(tmpdir(), "peapod-archive-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "multi.tar");
    await dockerArchive("multiLayer", file);
    const imported = await store.importImages(file);
    assert.equal(imported.length, 1);
    const built = images.images.multiLayer;
    assert.equal(imported[0]!.id, built.configDigest);
    assert.deepEqual(imported[0]!.repoTags, ["docker.io/peapod-test/layers:1"]);
    const { layerDirs: dirs } = await store.resolveRootfs("peapod-test/layers:1");
    assert.deepEqual(dirs.map((d) => d.slice(-64)), chainIds(built.diffIds).map(digestHex));
    assert.equal(readFileSync(join(dirs[3]!, "data", "opq", "upper.txt"), "utf8"), "upper\n");
    // Imported again, this time gzipped as `docker save | gzip` writes it: the same image, nothing new.
    await run("gzip", ["-k", file]);
    const again = await store.importImages(`${file}.gz`);
    assert.equal(again[0]!.id, built.configDigest);
    assert.equal((await store.listImages()).length, 1);
  });

  test("import of an OCI archive, and a file that is no image archive", async (t) => {
    const { store } = await openStore(t);
    const dir = mkdtempSync(join(tmpdir(), "peapod-archive-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "index.tar");
    await run("skopeo", ["copy", "--insecure-policy", "--all", images.ociRef("index"), `oci-archive:${file}:example.com/team/multiarch:2`]);
    const imported = await store.importImages(file);
    const amd64 = images.images.index.manifests.find((m) => m.platform.architecture === "amd64")!;
    assert.deepEqual(imported.map((i) => [i.id, i.repoTags]), [[amd64.configDigest, ["example.com/team/multiarch:2"]]]);
    const { layerDirs: dirs } = await store.resolveRootfs("example.com/team/multiarch:2");
    assert.equal(readFileSync(join(dirs[1]!, "arch"), "utf8"), indexArchMarker("amd64"));

    const junk = join(dir, "junk.tar");
    await run("tar", ["-cf", junk, "-C", dir, "index.tar"]);
    await assert.rejects(store.importImages(junk), (e: unknown) => isRuntimeError(e, "InvalidArgument") && /neither manifest.json/.test(e.message));
    await assert.rejects(store.importImages(join(dir, "absent.tar")), (e: unknown) => isRuntimeError(e, "InvalidArgument"));
  });

  test("a pull with the layers kept fetches, verifies and stores every blob again", async (t) => {
    const ref = pushed.multiLayer.reference;
    const { store, layout } = await openStore(t);
    await store.pullImage(ref);
    const before = blobFiles(layout).sort();
    // What skopeo copy does too (fetch, verify, store); bench:runtime compares the two's speed.
    rmSync(join(layout.images, "blobs"), { recursive: true });
    rmSync(join(layout.images, "index.json"));
    const again = await ImageStore.open({ layout });
    await again.pullImage(ref);
    assert.deepEqual(blobFiles(layout).sort(), before);
    assert.equal(before.length, images.images.multiLayer.layerDigests.length + 2);
    assert.ok(await again.imageStatus(ref));
  });
});

describe("image store with a registry behind basic auth", () => {
  let registry: TestRegistry;
  let pushed: PushedImage;
  const credentials = { username: "peapod", password: randomBytes(6).toString("hex") };
  const cleanup = cleanupFor(after);

  before(async () => {
    registry = await startRegistry(cleanup, { htpasswd: credentials });
    pushed = await registry.push("busybox");
  });

  test("pulls with the right credentials", async (t) => {
    const { store } = await openStore(t);
    const image = await store.pullImage(pushed.reference, { auth: credentials });
    assert.deepEqual(image.repoTags, [pushed.reference]);
  });

  test("credentials from a docker config auth field work too", async (t) => {
    const { store } = await openStore(t);
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
    await store.pullImage(pushed.reference, { auth: { auth } });
  });

  test("no or wrong credentials: ErrImagePull 401 Unauthorized", async (t) => {
    const { store, layout } = await openStore(t);
    for (const auth of [undefined, { username: credentials.username, password: "wrong" }]) {
      await assert.rejects(store.pullImage(pushed.reference, auth ? { auth } : {}), (e: unknown) => {
        assert.ok(isRuntimeError(e, "ErrImagePull"), String(e));
        assert.match(e.message, new RegExp(`^failed to pull and unpack image "${pushed.reference}": failed to resolve reference "${pushed.reference}": unexpected status from HEAD request to http://${registry.host}/v2/peapod-test/busybox/manifests/1: 401 Unauthorized$`));
        return true;
      });
    }
    assert.deepEqual(blobFiles(layout), []);
  });
});
