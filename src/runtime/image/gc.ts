/**
 * Image garbage collection, mark and sweep. Marked: everything reachable from index.json
 * (manifests, their configs and layer blobs, and the unpacked layer directories their diff
 * ids chain to) and from the images containers use, which stay even when untagged. Swept:
 * every other blob and layer directory. As a last guard, a layer directory that appears in
 * a mount of this host is never removed, whatever the marks say.
 */
import { readFile } from "node:fs/promises";
import type { ImageGcResult } from "../runtime.js";
import type { ContentStore } from "./content-store.js";
import type { LayerStore } from "./layer-store.js";
import {
  chainIds,
  isIndexMediaType,
  isManifestMediaType,
  parseImageConfig,
  parseManifestDocument,
  type Descriptor,
  type ImageManifest,
} from "./manifest.js";

/** Blobs larger than this are never manifests; the scan for in-use images skips them. */
const maxManifestBytes = 4 * 1024 * 1024;

export interface GcInput {
  content: ContentStore;
  layers: LayerStore;
  /** The descriptors index.json names. */
  roots: readonly Descriptor[];
  /** Config digests of images that containers use. */
  imagesInUse: ReadonlySet<string>;
}

class Marks {
  readonly blobs = new Set<string>();
  readonly layers = new Set<string>();
  readonly configs = new Set<string>();
}

export async function collectGarbage(input: GcInput): Promise<ImageGcResult> {
  const { content, layers } = input;
  const marks = new Marks();
  const stored = new Map((await content.list()).map((b) => [b.digest, b.size]));

  for (const root of input.roots) await markDescriptor(content, stored, marks, root);
  const unreached = [...input.imagesInUse].filter((id) => !marks.configs.has(id) && stored.has(id));
  if (unreached.length > 0) await markInUse(content, stored, marks, new Set(unreached));

  const result: ImageGcResult = { removedBlobs: 0, removedLayers: 0, freedBytes: 0 };
  for (const [digest] of stored) {
    if (marks.blobs.has(digest)) continue;
    result.freedBytes += await content.delete(digest);
    result.removedBlobs++;
  }
  const mounted = mountedPaths(await readFile("/proc/self/mountinfo", "utf8"));
  for (const chainId of await layers.list()) {
    if (marks.layers.has(chainId) || isMounted(mounted, layers.path(chainId))) continue;
    result.freedBytes += await layers.remove(chainId);
    result.removedLayers++;
  }
  return result;
}

async function markDescriptor(content: ContentStore, stored: Map<string, number>, marks: Marks, d: Descriptor): Promise<void> {
  if (marks.blobs.has(d.digest) || !stored.has(d.digest)) return;
  marks.blobs.add(d.digest);
  if (!isIndexMediaType(d.mediaType) && !isManifestMediaType(d.mediaType)) return;
  let doc;
  try {
    doc = parseManifestDocument(await content.read(d.digest), d.mediaType);
  } catch {
    return; // Kept, but nothing below it is reachable through it.
  }
  if (doc.kind === "index") {
    // Other platforms' manifests are not stored; the ones that are stay with their index.
    for (const child of doc.index.manifests) await markDescriptor(content, stored, marks, child);
  } else {
    await markManifest(content, stored, marks, doc.manifest);
  }
}

async function markManifest(content: ContentStore, stored: Map<string, number>, marks: Marks, manifest: ImageManifest): Promise<void> {
  for (const layer of manifest.layers) if (stored.has(layer.digest)) marks.blobs.add(layer.digest);
  await markConfig(content, stored, marks, manifest.config.digest);
}

async function markConfig(content: ContentStore, stored: Map<string, number>, marks: Marks, digest: string): Promise<void> {
  if (!stored.has(digest) || marks.configs.has(digest)) return;
  marks.blobs.add(digest);
  marks.configs.add(digest);
  try {
    const config = parseImageConfig(await content.read(digest));
    for (const chainId of chainIds(config.rootfs.diff_ids)) marks.layers.add(chainId);
  } catch {
    // An unreadable config names no layers.
  }
}

/**
 * An untagged image a container still uses: keep its config and layers, and find its
 * manifest among the small blobs so that it can be tagged again without a pull.
 */
async function markInUse(content: ContentStore, stored: Map<string, number>, marks: Marks, ids: Set<string>): Promise<void> {
  for (const id of ids) await markConfig(content, stored, marks, id);
  for (const [digest, size] of stored) {
    if (marks.blobs.has(digest) || size > maxManifestBytes) continue;
    try {
      const doc = parseManifestDocument(await content.read(digest));
      if (doc.kind === "manifest" && ids.has(doc.manifest.config.digest)) {
        marks.blobs.add(digest);
        await markManifest(content, stored, marks, doc.manifest);
      }
    } catch {
      // Not a manifest.
    }
  }
}

interface MountedPaths {
  /** Overlay lower dirs and bind-mount roots, as absolute paths. */
  absolute: string[];
  /** Overlay lower dirs given relative to the mounting process's cwd (long layer lists). */
  relative: Set<string>;
}

/** What the host's mounts use as sources, from mountinfo: bind roots and overlay lower dirs. */
export function mountedPaths(mountinfo: string): MountedPaths {
  const out: MountedPaths = { absolute: [], relative: new Set() };
  const unescape = (v: string) => v.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  for (const line of mountinfo.split("\n")) {
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    if (dash < 0 || fields.length < dash + 4) continue;
    out.absolute.push(unescape(fields[3]!));
    if (fields[dash + 1] !== "overlay") continue;
    const lower = fields[dash + 3]!.split(",").find((o) => o.startsWith("lowerdir="));
    for (const dir of lower?.slice("lowerdir=".length).split(":") ?? []) {
      const path = unescape(dir);
      if (path.startsWith("/")) out.absolute.push(path);
      else if (path !== "") out.relative.add(path);
    }
  }
  return out;
}

/**
 * Whether a layer directory is in a mount: as an overlay lower dir or a bind mount of it
 * or below it. A relative lower dir is matched by its last component (the chain id), which
 * errs on the side of keeping.
 */
export function isMounted(mounted: MountedPaths, dir: string): boolean {
  if (mounted.absolute.some((p) => p === dir || p.startsWith(`${dir}/`))) return true;
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  return [...mounted.relative].some((p) => p === name || p.endsWith(`/${name}`));
}
