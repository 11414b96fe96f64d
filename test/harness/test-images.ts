/**
 * The one list of images the tests use, and the one place that builds them. All are built
 * from the busybox root filesystem into a single OCI layout, once per content: the layout is
 * cached under os.tmpdir() in a directory named by a hash of every spec (file bytes
 * included), so a second test process finds it ready. A process builds into a private
 * directory and renames it into place, so concurrent processes never see a half-built cache.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appUser, busyboxEntries } from "../fixtures/images/busybox.js";
import { buildImage, buildIndex, type BuiltImage, type BuiltIndex, type ImageSpec, type LayerEntry } from "../fixtures/images/oci-image-builder.js";

/** Image references as tests name them (and as the registry harness pushes them by default). */
export const testImages = {
  /** busybox, Cmd ["sh"]. */
  busybox: "peapod-test/busybox:1",
  /** busybox plus three layers: added files, a whiteout, an opaque dir; gzip and plain tar mixed. See `multiLayerContent`. */
  multiLayer: "peapod-test/layers:1",
  /** An index: linux/amd64 and linux/arm64, each busybox with /arch holding its architecture. */
  index: "peapod-test/multiarch:1",
  /** USER app, WorkingDir /home/app, Env FOO=bar, Entrypoint ["/bin/sh","-c"], Cmd ["echo hi"]. */
  user: "peapod-test/user:1",
  /** busybox httpd serving /var/www on port 80 in the foreground. */
  httpd: "peapod-test/httpd:1",
} as const;

export type TestImageName = keyof typeof testImages;

export const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * What the multiLayer image's root filesystem must show once its layers are stacked:
 * file contents that must be there, and paths that must not exist.
 */
export const multiLayerContent = {
  present: {
    "/data/a.txt": "a\n",
    "/data/keep/old.txt": "old\n",
    "/data/opq/upper.txt": "upper\n",
    "/data/owned.txt": "owned by app\n",
    "/bin/busybox": undefined,
  } as Record<string, string | undefined>,
  /** A hard link to /data/a.txt (same inode) and a relative symlink to a.txt. */
  hardlink: "/data/a-hardlink.txt",
  symlink: { path: "/data/a-symlink", target: "a.txt" },
  /** uid/gid 1000, mode 0640. */
  owned: { path: "/data/owned.txt", uid: 1000, gid: 1000, mode: 0o640 },
  absent: ["/data/b.txt", "/data/opq/lower.txt", "/data/opq/sub"],
  layerCount: 4,
} as const;

/** What each index platform's /arch file holds. */
export const indexArchMarker = (architecture: string): string => `${architecture}\n`;
export const indexPlatforms = [
  { architecture: "amd64", os: "linux" },
  { architecture: "arm64", os: "linux" },
] as const;

export interface TestImageSet {
  /** The OCI layout holding every test image, each under its `testImages` reference. */
  layout: string;
  /** `oci:LAYOUT:REF`, what skopeo and umoci take. */
  ociRef(name: TestImageName): string;
  images: { [K in Exclude<TestImageName, "index">]: Omit<BuiltImage, "layout"> } & { index: Omit<BuiltIndex, "layout"> };
}

/** Bump when the builder's output changes for the same specs (e.g. a new tar header field). */
const builderVersion = "1";

function baseLayer(): { entries: LayerEntry[]; gzip: boolean } {
  return { entries: busyboxEntries(), gzip: true };
}

const baseConfig = { Env: [defaultPath] };

function imageSpecs(): { images: Record<Exclude<TestImageName, "index">, ImageSpec>; index: Array<{ platform: { architecture: string; os: string }; image: Omit<ImageSpec, "tag"> }> } {
  return {
    images: {
      busybox: { tag: testImages.busybox, layers: [baseLayer()], config: { ...baseConfig, Cmd: ["sh"] } },
      multiLayer: {
        tag: testImages.multiLayer,
        layers: [
          baseLayer(),
          {
            gzip: false,
            entries: [
              { type: "dir", path: "/data" },
              { type: "file", path: "/data/a.txt", content: "a\n" },
              { type: "file", path: "/data/b.txt", content: "b\n" },
              { type: "hardlink", path: "/data/a-hardlink.txt", target: "/data/a.txt" },
              { type: "symlink", path: "/data/a-symlink", target: "a.txt" },
              { type: "file", path: "/data/owned.txt", content: "owned by app\n", uid: 1000, gid: 1000, mode: 0o640 },
              { type: "dir", path: "/data/keep" },
              { type: "file", path: "/data/keep/old.txt", content: "old\n" },
              { type: "dir", path: "/data/opq" },
              { type: "file", path: "/data/opq/lower.txt", content: "lower\n" },
              { type: "dir", path: "/data/opq/sub" },
              { type: "file", path: "/data/opq/sub/deep.txt", content: "deep\n" },
            ],
          },
          { gzip: true, entries: [{ type: "whiteout", path: "/data/b.txt" }] },
          {
            gzip: false,
            entries: [
              { type: "dir", path: "/data/opq" },
              { type: "opaque", path: "/data/opq" },
              { type: "file", path: "/data/opq/upper.txt", content: "upper\n" },
            ],
          },
        ],
        config: { ...baseConfig, Cmd: ["sh"] },
      },
      user: {
        tag: testImages.user,
        layers: [
          baseLayer(),
          { gzip: true, entries: [{ type: "dir", path: appUser.home, uid: appUser.uid, gid: appUser.gid }] },
        ],
        config: {
          Env: [defaultPath, "FOO=bar"],
          User: appUser.name,
          WorkingDir: appUser.home,
          Entrypoint: ["/bin/sh", "-c"],
          Cmd: ["echo hi"],
        },
      },
      httpd: {
        tag: testImages.httpd,
        layers: [baseLayer()],
        config: { ...baseConfig, Cmd: ["httpd", "-f", "-p", "80", "-h", "/var/www"], ExposedPorts: { "80/tcp": {} } },
      },
    },
    index: indexPlatforms.map((platform) => ({
      platform: { ...platform },
      image: {
        architecture: platform.architecture,
        os: platform.os,
        layers: [
          baseLayer(),
          { gzip: true, entries: [{ type: "file", path: "/arch", content: indexArchMarker(platform.architecture) }] },
        ],
        config: { ...baseConfig, Cmd: ["cat", "/arch"] },
      },
    })),
  };
}

/** Hashes the specs; byte contents are hashed rather than spelled out as JSON arrays. */
function specHash(specs: ReturnType<typeof imageSpecs>): string {
  const contentDigests = new Map<Uint8Array, string>();
  const json = JSON.stringify({ builderVersion, specs }, function (this: Record<string, unknown>, key: string, value: unknown) {
    // `this[key]` is the value before Buffer#toJSON turned it into a number array.
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      let d = contentDigests.get(raw);
      if (!d) contentDigests.set(raw, (d = createHash("sha256").update(raw).digest("hex")));
      return { bytes: d };
    }
    return value;
  });
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

let built: Promise<TestImageSet> | undefined;

/** The test images, built (or found in the cache) once per process. */
export function testImageSet(): Promise<TestImageSet> {
  built ??= buildOrReuse();
  return built;
}

/** Where the cache lives; a dir per spec hash. Old hashes are left for other checkouts. */
export const testImageCacheRoot = join(tmpdir(), "peapod-test-images");

async function buildOrReuse(): Promise<TestImageSet> {
  const specs = imageSpecs();
  const dir = join(testImageCacheRoot, specHash(specs));
  const resultFile = join(dir, "images.json");
  if (!existsSync(resultFile)) {
    await mkdir(testImageCacheRoot, { recursive: true });
    const scratch = mkdtempSync(join(testImageCacheRoot, "building-"));
    try {
      const layout = join(scratch, "layout");
      const images: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(specs.images)) {
        const { layout: _, ...rest } = await buildImage(layout, spec);
        images[name] = rest;
      }
      const { layout: _, ...index } = await buildIndex(layout, specs.index, testImages.index);
      images["index"] = index;
      // images.json last: its presence marks a complete build.
      await writeFile(join(scratch, "images.json"), JSON.stringify(images));
      await rename(scratch, dir).catch(async (e: NodeJS.ErrnoException) => {
        // Another process finished first with the same content: use theirs.
        if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  const images = JSON.parse(await readFile(resultFile, "utf8")) as TestImageSet["images"];
  const layout = join(dir, "layout");
  return { layout, images, ociRef: (name) => `oci:${layout}:${testImages[name]}` };
}
