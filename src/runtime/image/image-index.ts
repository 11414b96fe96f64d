/**
 * The layout's index.json: the store's list of named images. Each tagged or digested
 * reference is one manifest descriptor annotated with its normalised name (containerd's
 * `io.containerd.image.name`) and, for a tag, the OCI `ref.name`. Everything the index names
 * is kept by garbage collection; everything else is not. Writes are serialised and atomic
 * (base/atomic-file.ts), so readers in this or another process never see half an index.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Mutex, writeFileAtomically } from "../../base/index.js";
import { imageNameAnnotation, mediaTypes, refNameAnnotation, type Descriptor } from "./manifest.js";
import type { ImageReference } from "./reference.js";

interface IndexDocument {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

export class ImageIndexFile {
  private readonly path: string;
  private readonly mutex = new Mutex();

  constructor(root: string) {
    this.path = join(root, "index.json");
  }

  /** The descriptors in index.json; an absent file is an empty index. */
  async entries(): Promise<Descriptor[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const doc = JSON.parse(text) as Partial<IndexDocument>;
    return Array.isArray(doc.manifests) ? doc.manifests : [];
  }

  /** Points the reference at the descriptor, replacing what it named before. */
  tag(reference: ImageReference, descriptor: Descriptor): Promise<void> {
    const annotations: Record<string, string> = { [imageNameAnnotation]: reference.normalized };
    if (reference.tag !== undefined) annotations[refNameAnnotation] = reference.tag;
    const entry: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size, annotations };
    return this.update((manifests) => [...manifests.filter((m) => entryName(m) !== reference.normalized), entry]);
  }

  /** Adds an entry that no name refers to (an archive image without a name), once per digest. */
  keep(descriptor: Descriptor, annotations: Record<string, string>): Promise<void> {
    const entry: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size, annotations };
    return this.update((manifests) =>
      manifests.some((m) => entryName(m) === undefined && m.digest === descriptor.digest) ? manifests : [...manifests, entry],
    );
  }

  /** Removes the entries the predicate picks; returns how many went. */
  async remove(predicate: (entry: Descriptor) => boolean): Promise<number> {
    let removed = 0;
    await this.update((manifests) => {
      const kept = manifests.filter((m) => !predicate(m));
      removed = manifests.length - kept.length;
      return kept;
    });
    return removed;
  }

  /** Read-modify-write under the mutex; the file is re-read each time, as another process may have written it. */
  private update(change: (manifests: Descriptor[]) => Descriptor[]): Promise<void> {
    return this.mutex.run(async () => {
      const before = await this.entries();
      const after = change(before);
      if (after === before) return;
      const doc: IndexDocument = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: after };
      await writeFileAtomically(this.path, JSON.stringify(doc));
    });
  }
}

/** The normalised reference an index entry stands for, if it has one. */
export function entryName(entry: Descriptor): string | undefined {
  return entry.annotations?.[imageNameAnnotation];
}
