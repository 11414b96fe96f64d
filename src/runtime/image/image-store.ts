/**
 * The runtime's image service: an OCI image layout under layout.images (blobs and
 * index.json) plus unpacked layers under layout.layers, behind the CRI ImageService shape.
 * It names images; the work is done by its parts: pull (registry), import (archives), the
 * content and layer stores, the index file and garbage collection. Garbage collection runs
 * alone; pulls, imports and unpacks run side by side with each other.
 */
import type { Image, ImageGcResult, ImageService, PullOptions } from "../runtime.js";
import { RuntimeError } from "../errors.js";
import type { RuntimeLayout } from "../layout.js";
import { SharedExclusiveLock } from "./concurrency.js";
import { ContentStore } from "./content-store.js";
import { collectGarbage } from "./gc.js";
import { entryName, ImageIndexFile } from "./image-index.js";
import { importArchive, ImportError } from "./import.js";
import { LayerStore } from "./layer-store.js";
import {
  chainIds,
  parseImageConfig,
  parseManifestDocument,
  selectPlatformManifest,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
} from "./manifest.js";
import { Puller } from "./pull.js";
import { parseImageReference, type ImageReference } from "./reference.js";

export interface ImageStoreOptions {
  layout: RuntimeLayout;
  /** image ids (config digests) that containers use: kept by GC even if untagged */
  imagesInUse?: () => Set<string> | Promise<Set<string>>;
}

/** What an index entry's descriptor resolves to on this platform. Immutable: cached by digest. */
interface ResolvedImage {
  manifestDigest: string;
  manifest: ImageManifest;
  configDigest: string;
  config: ImageConfig;
}

/** One image (one config digest) and the index entries naming it. */
interface ImageRecord {
  resolved: ResolvedImage;
  entries: Descriptor[];
}

const fullIdRegexp = /^sha256:[a-f0-9]{64}$/;
const shortIdRegexp = /^[a-f0-9]{4,64}$/;

export class ImageStore implements ImageService {
  private readonly lock = new SharedExclusiveLock();
  private readonly resolvedCache = new Map<string, ResolvedImage>();
  private readonly puller: Puller;

  private constructor(
    readonly layout: RuntimeLayout,
    private readonly content: ContentStore,
    private readonly layers: LayerStore,
    private readonly index: ImageIndexFile,
    private readonly imagesInUse: () => Set<string> | Promise<Set<string>>,
  ) {
    this.puller = new Puller(content, layers);
  }

  static async open(options: ImageStoreOptions): Promise<ImageStore> {
    const content = await ContentStore.open(options.layout.images);
    const layers = await LayerStore.open(options.layout.layers, content);
    const index = new ImageIndexFile(options.layout.images);
    return new ImageStore(options.layout, content, layers, index, options.imagesInUse ?? (() => new Set<string>()));
  }

  async pullImage(reference: string, options: PullOptions = {}): Promise<Image> {
    const ref = parseImageReference(reference);
    return this.lock.withShared(async () => {
      const descriptor = await this.puller.pull(ref, options);
      await this.index.tag(ref, descriptor);
      const record = (await this.records()).get((await this.resolve(descriptor))!.configDigest);
      return toImage(record!);
    });
  }

  async imageStatus(reference: string): Promise<Image | undefined> {
    const record = await this.find(reference);
    return record && toImage(record);
  }

  async listImages(): Promise<Image[]> {
    return [...(await this.records()).values()].map(toImage);
  }

  /** Untags: a reference removes its own entry, an id every entry of that image. Absent is not an error (CRI). */
  async removeImage(reference: string): Promise<void> {
    const records = await this.records();
    const byId = findById(records, reference);
    if (byId) {
      const doomed = new Set(byId.entries);
      await this.index.remove((e) => [...doomed].some((d) => sameEntry(d, e)));
      return;
    }
    const ref = parseImageReference(reference);
    const exact = await this.index.remove((e) => entryName(e) === ref.normalized);
    if (exact > 0 || ref.digest === undefined) return;
    // name@digest names a tag's content when it was pulled by tag (it is in that image's repoDigests).
    for (const record of records.values()) {
      const picked = record.entries.filter((e) => entryRepository(e) === ref.name && (e.digest === ref.digest || record.resolved.manifestDigest === ref.digest));
      if (picked.length > 0) await this.index.remove((e) => picked.some((p) => sameEntry(p, e)));
    }
  }

  async importImages(file: string): Promise<Image[]> {
    return this.lock.withShared(async () => {
      let imported;
      try {
        imported = await importArchive(file, this.content);
      } catch (e) {
        if (e instanceof RuntimeError) throw e;
        const reason = e instanceof ImportError || (e as NodeJS.ErrnoException).code === "ENOENT" ? "InvalidArgument" : "Internal";
        throw new RuntimeError(reason, `import ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const ids: string[] = [];
      for (const item of imported) {
        const resolved = await this.resolve(item.descriptor);
        if (!resolved) throw new RuntimeError("InvalidArgument", `import ${file}: image ${item.descriptor.digest} is incomplete`);
        try {
          await this.ensureLayers(resolved);
        } catch (e) {
          throw new RuntimeError("InvalidArgument", `import ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        if (item.references.length === 0) await this.index.keep(item.descriptor, item.annotations);
        for (const ref of item.references) await this.index.tag(ref, item.descriptor);
        if (!ids.includes(resolved.configDigest)) ids.push(resolved.configDigest);
      }
      const records = await this.records();
      return ids.map((id) => records.get(id)).filter((r): r is ImageRecord => r !== undefined).map(toImage);
    });
  }

  /** For containers: the image and its unpacked layer dirs, base layer first. Unpacks missing layers. NotFound when not stored. */
  async resolveRootfs(reference: string): Promise<{ image: Image; layerDirs: string[] }> {
    return this.lock.withShared(async () => {
      const record = await this.find(reference);
      if (!record) throw new RuntimeError("NotFound", `image ${JSON.stringify(reference)} not found`);
      const layerDirs = await this.ensureLayers(record.resolved);
      return { image: toImage(record), layerDirs };
    });
  }

  async garbageCollect(): Promise<ImageGcResult> {
    return this.lock.withExclusive(async () => {
      const roots = await this.index.entries();
      const imagesInUse = await this.imagesInUse();
      const result = await collectGarbage({ content: this.content, layers: this.layers, roots, imagesInUse });
      if (result.removedBlobs > 0) this.resolvedCache.clear();
      return result;
    });
  }

  /** Unpacks whatever layers of the image are missing; returns their directories, base first. */
  private async ensureLayers(resolved: ResolvedImage): Promise<string[]> {
    const diffIds = resolved.config.rootfs.diff_ids;
    const chain = chainIds(diffIds);
    await Promise.all(
      resolved.manifest.layers.map(async (blob, i) => {
        if (await this.layers.has(chain[i]!)) return;
        if (!(await this.content.has(blob.digest))) {
          throw new RuntimeError("NotFound", `layer ${blob.digest} of image ${resolved.configDigest} is not stored: pull the image again`);
        }
        await this.layers.ensure({ chainId: chain[i]!, diffId: diffIds[i]!, blob });
      }),
    );
    return chain.map((c) => this.layers.path(c));
  }

  /** The stored images by id, each with the index entries naming it, in index order. */
  private async records(): Promise<Map<string, ImageRecord>> {
    const out = new Map<string, ImageRecord>();
    for (const entry of await this.index.entries()) {
      const resolved = await this.resolve(entry);
      if (!resolved) continue;
      const record = out.get(resolved.configDigest);
      if (record) record.entries.push(entry);
      else out.set(resolved.configDigest, { resolved, entries: [entry] });
    }
    return out;
  }

  /** Manifest and config behind a descriptor, or undefined when they are not (all) stored. */
  private async resolve(descriptor: Descriptor): Promise<ResolvedImage | undefined> {
    const cached = this.resolvedCache.get(descriptor.digest);
    if (cached) return cached;
    try {
      let manifestDigest = descriptor.digest;
      let doc = parseManifestDocument(await this.content.read(manifestDigest), descriptor.mediaType);
      if (doc.kind === "index") {
        const chosen = selectPlatformManifest(doc.index);
        if (!chosen) return undefined;
        manifestDigest = chosen.digest;
        doc = parseManifestDocument(await this.content.read(manifestDigest), chosen.mediaType);
        if (doc.kind !== "manifest") return undefined;
      }
      const manifest = doc.manifest;
      const config = parseImageConfig(await this.content.read(manifest.config.digest));
      const resolved: ResolvedImage = { manifestDigest, manifest, configDigest: manifest.config.digest, config };
      this.resolvedCache.set(descriptor.digest, resolved);
      return resolved;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** A reference (tag or name@digest) or an id (sha256:…, or a unique hex prefix). */
  private async find(reference: string): Promise<ImageRecord | undefined> {
    const records = await this.records();
    const byId = findById(records, reference);
    if (byId) return byId;
    let ref: ImageReference;
    try {
      ref = parseImageReference(reference);
    } catch (e) {
      if (shortIdRegexp.test(reference) || fullIdRegexp.test(reference)) return undefined;
      throw e;
    }
    for (const record of records.values()) {
      if (record.entries.some((e) => entryName(e) === ref.normalized)) return record;
    }
    if (ref.digest === undefined) return undefined;
    for (const record of records.values()) {
      const match = record.entries.some(
        (e) => entryRepository(e) === ref.name && (e.digest === ref.digest || record.resolved.manifestDigest === ref.digest),
      );
      if (match) return record;
    }
    return undefined;
  }
}

/**
 * An id names an image by its config digest, in full or as a unique hex prefix, as
 * `docker images` shows it. A full-length id is tried first; a hex string that is also a
 * valid repository name counts as an id only when no image of that name exists (the caller
 * tries the name after this).
 */
function findById(records: Map<string, ImageRecord>, reference: string): ImageRecord | undefined {
  if (fullIdRegexp.test(reference)) return records.get(reference);
  if (shortIdRegexp.test(reference)) {
    if (reference.length === 64) return records.get(`sha256:${reference}`);
    const normalized = `docker.io/library/${reference}:latest`;
    const named = [...records.values()].some((r) => r.entries.some((e) => entryName(e) === normalized));
    if (named) return undefined;
    const matches = [...records.keys()].filter((id) => id.startsWith(`sha256:${reference}`));
    return matches.length === 1 ? records.get(matches[0]!) : undefined;
  }
  return undefined;
}

function sameEntry(a: Descriptor, b: Descriptor): boolean {
  return a.digest === b.digest && entryName(a) === entryName(b);
}

function entryRepository(entry: Descriptor): string | undefined {
  const name = entryName(entry);
  if (name === undefined) return undefined;
  try {
    return parseImageReference(name).name;
  } catch {
    return undefined;
  }
}

function toImage(record: ImageRecord): Image {
  const { resolved, entries } = record;
  const repoTags: string[] = [];
  const repoDigests: string[] = [];
  for (const entry of entries) {
    const name = entryName(entry);
    if (name === undefined) continue;
    let ref: ImageReference;
    try {
      ref = parseImageReference(name);
    } catch {
      continue;
    }
    if (ref.tag !== undefined && !repoTags.includes(ref.normalized)) repoTags.push(ref.normalized);
    const digestRef = `${ref.name}@${entry.digest}`;
    if (!repoDigests.includes(digestRef)) repoDigests.push(digestRef);
  }
  const manifest = resolved.manifest;
  return {
    id: resolved.configDigest,
    repoTags,
    repoDigests,
    size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
    config: resolved.config.config ?? {},
    os: resolved.config.os,
    architecture: resolved.config.architecture,
  };
}
