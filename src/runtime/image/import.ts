/**
 * Loading images from a file instead of a registry: a `docker save` tarball (docker-archive:
 * manifest.json listing Config, RepoTags and Layers) or an OCI archive (oci-layout,
 * index.json, blobs/). The archive is read once, front to back; every blob goes through the
 * content store, so an OCI blob must hash to its file name, and a docker-archive layer is
 * stored under the digest computed as it is written. The caller unpacks and tags what this
 * returns, exactly as after a pull.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract, type Extract } from "tar-stream";
import type { BlobInfo, ContentStore } from "./content-store.js";
import {
  imageNameAnnotation,
  mediaTypes,
  parseImageConfig,
  parseManifestDocument,
  refNameAnnotation,
  selectPlatformManifest,
  sha256Digest,
  type Descriptor,
  type ImageManifest,
} from "./manifest.js";
import { parseImageReference, type ImageReference } from "./reference.js";

/** Members up to this size are kept in memory while the archive is read (manifests, configs). */
const inMemoryLimit = 1024 * 1024;
const blobPath = /^blobs\/sha256\/([a-f0-9]{64})$/;

export interface ImportedImage {
  /** The manifest (or index) to name. */
  descriptor: Descriptor;
  /** Normalised references to tag it with; empty for an archive image without a name. */
  references: ImageReference[];
  /** Annotations to keep on an unnamed index entry (the archive's own ref name). */
  annotations: Record<string, string>;
}

export class ImportError extends Error {
  override name = "ImportError";
}

/** One member as tar-stream yields it while reading. */
type Entry = Extract extends AsyncIterable<infer E> ? E : never;

interface Member {
  data?: Buffer;
  blob?: BlobInfo;
}

/** What one front-to-back read of the archive found. */
class ArchiveContents {
  readonly members = new Map<string, Member>();
  readonly links = new Map<string, string>();

  /** A member by path, following the symlinks and hard links docker save writes for shared layers. */
  get(name: string): Member | undefined {
    let current = clean(name);
    for (let hops = 0; hops < 16; hops++) {
      const member = this.members.get(current);
      if (member) return member;
      const target = this.links.get(current);
      if (target === undefined) return undefined;
      current = target;
    }
    return undefined;
  }
}

export async function importArchive(file: string, content: ContentStore): Promise<ImportedImage[]> {
  const contents = await readArchive(file, content);
  if (contents.get("manifest.json")) return importDockerArchive(contents, content);
  if (contents.get("index.json")) return importOciArchive(contents, content);
  throw new ImportError(`${file}: not an image archive: it has neither manifest.json (docker-archive) nor index.json (OCI)`);
}

async function readArchive(file: string, content: ContentStore): Promise<ArchiveContents> {
  const contents = new ArchiveContents();
  const gzipped = (await sniff(createReadStream(file, { start: 0, end: 3 }))) === "gzip";
  const tar = extract();
  const feeding = gzipped
    ? pipeline(createReadStream(file), createGunzip(), tar)
    : pipeline(createReadStream(file), tar);
  const reading = (async () => {
    for await (const entry of tar as AsyncIterable<Entry>) await readMember(entry, contents, content);
  })();
  await Promise.all([feeding, reading]).catch((e: unknown) => {
    tar.destroy();
    throw e instanceof ImportError ? e : new ImportError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  return contents;
}

async function readMember(entry: Entry, contents: ArchiveContents, content: ContentStore): Promise<void> {
  const { header } = entry;
  const name = clean(header.name);
  if ((header.type === "symlink" || header.type === "link") && header.linkname) {
    // A symlink resolves from its directory, a hard link from the archive root.
    const target = header.type === "symlink" ? posix.join(posix.dirname(name), header.linkname) : header.linkname;
    contents.links.set(name, clean(target));
  }
  if (header.type !== "file" && header.type !== "contiguous-file") {
    entry.resume();
    return;
  }
  const size = header.size ?? 0;
  const blob = blobPath.exec(name);
  if (blob) {
    const digest = `sha256:${blob[1]}`;
    if (await content.has(digest)) entry.resume();
    else await content.write(chunksOf(entry), { digest, size });
    contents.members.set(name, { blob: { digest, size } });
    return;
  }
  if (size <= inMemoryLimit) {
    const chunks: Buffer[] = [];
    for await (const c of entry as AsyncIterable<Buffer>) chunks.push(c);
    contents.members.set(name, { data: Buffer.concat(chunks) });
    return;
  }
  contents.members.set(name, { blob: await content.write(chunksOf(entry), { size }) });
}

/** tar-stream's entries yield Buffers; its types say unknown. */
function chunksOf(entry: Entry): AsyncIterable<Uint8Array> {
  return entry as AsyncIterable<unknown> as AsyncIterable<Uint8Array>;
}

interface DockerArchiveManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function importDockerArchive(contents: ArchiveContents, content: ContentStore): Promise<ImportedImage[]> {
  const list = json(contents, "manifest.json");
  if (!Array.isArray(list)) throw new ImportError("manifest.json is not a list");
  const out: ImportedImage[] = [];
  for (const [i, raw] of (list as unknown[]).entries()) {
    const item = raw as Partial<DockerArchiveManifestEntry>;
    if (typeof item?.Config !== "string" || !Array.isArray(item.Layers)) throw new ImportError(`manifest.json[${i}]: needs Config and Layers`);
    const config = await storeMember(contents, content, item.Config);
    const parsedConfig = parseImageConfig(await content.read(config.digest));
    if (parsedConfig.rootfs.diff_ids.length !== item.Layers.length) {
      throw new ImportError(`manifest.json[${i}]: ${item.Layers.length} layers but the config lists ${parsedConfig.rootfs.diff_ids.length} diff ids`);
    }
    const layers: Descriptor[] = [];
    for (const path of item.Layers) {
      const blob = await storeMember(contents, content, path);
      layers.push({ mediaType: layerMediaType(await sniffBlob(content, blob.digest)), digest: blob.digest, size: blob.size });
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      config: { mediaType: mediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers,
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const stored = await content.write(body, { digest: sha256Digest(body), size: body.length });
    const references = (item.RepoTags ?? []).map((t) => parseImageReference(t));
    out.push({ descriptor: { mediaType: mediaTypes.ociManifest, ...stored }, references, annotations: {} });
  }
  return out;
}

async function importOciArchive(contents: ArchiveContents, content: ContentStore): Promise<ImportedImage[]> {
  const doc = parseManifestDocument(memberData(contents, "index.json"), mediaTypes.ociIndex);
  if (doc.kind !== "index") throw new ImportError("index.json is not an image index");
  const out: ImportedImage[] = [];
  for (const descriptor of doc.index.manifests) {
    await checkImageContent(content, descriptor);
    const annotations = descriptor.annotations ?? {};
    const name = annotations[imageNameAnnotation] ?? refAsName(annotations[refNameAnnotation]);
    const references = name !== undefined ? [parseImageReference(name)] : [];
    const kept: Record<string, string> = {};
    if (annotations[refNameAnnotation] !== undefined) kept[refNameAnnotation] = annotations[refNameAnnotation];
    out.push({ descriptor: { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size }, references, annotations: kept });
  }
  return out;
}

/**
 * A ref.name that is a whole reference (`registry/app:1`, `busybox:1.36`) names the image; a
 * bare tag (`latest`) has no repository, so the image is kept unnamed rather than guessed at.
 */
function refAsName(refName: string | undefined): string | undefined {
  if (refName === undefined || !/[/:@]/.test(refName)) return undefined;
  return refName;
}

/** The archive must hold the manifest, its config and its layers (for an index: linux/amd64's). */
async function checkImageContent(content: ContentStore, descriptor: Descriptor): Promise<void> {
  const need = async (d: Descriptor, what: string) => {
    const size = await content.size(d.digest);
    if (size === undefined) throw new ImportError(`${what} ${d.digest} is not in the archive`);
    if (size !== d.size) throw new ImportError(`${what} ${d.digest}: ${size} bytes, its descriptor says ${d.size}`);
  };
  await need(descriptor, "manifest");
  let doc = parseManifestDocument(await content.read(descriptor.digest), descriptor.mediaType);
  if (doc.kind === "index") {
    const chosen = selectPlatformManifest(doc.index);
    if (!chosen) throw new ImportError(`index ${descriptor.digest} has no linux/amd64 image`);
    await need(chosen, "manifest");
    doc = parseManifestDocument(await content.read(chosen.digest), chosen.mediaType);
    if (doc.kind !== "manifest") throw new ImportError(`manifest ${chosen.digest}: an index inside an index is not supported`);
  }
  await need(doc.manifest.config, "config");
  for (const layer of doc.manifest.layers) await need(layer, "layer");
}

async function storeMember(contents: ArchiveContents, content: ContentStore, path: string): Promise<BlobInfo> {
  const member = contents.get(path);
  if (!member) throw new ImportError(`${path} is not in the archive`);
  if (member.blob) return member.blob;
  const data = member.data!;
  const digest = sha256Digest(data);
  if (!(await content.has(digest))) await content.write(data, { digest, size: data.length });
  member.blob = { digest, size: data.length };
  return member.blob;
}

function memberData(contents: ArchiveContents, path: string): Buffer {
  const member = contents.get(path);
  if (!member?.data) throw new ImportError(`${path} is missing from the archive or too large`);
  return member.data;
}

function json(contents: ArchiveContents, path: string): unknown {
  try {
    return JSON.parse(memberData(contents, path).toString("utf8"));
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${path} is not valid JSON`);
  }
}

type Compression = "gzip" | "zstd" | "none";

async function sniff(stream: Readable): Promise<Compression> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return compressionOf(Buffer.concat(chunks));
}

async function sniffBlob(content: ContentStore, digest: string): Promise<Compression> {
  const fh = await open(content.blobPath(digest), "r");
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return compressionOf(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

function compressionOf(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  return "none";
}

function layerMediaType(c: Compression): string {
  return c === "gzip" ? mediaTypes.ociLayerGzip : c === "zstd" ? mediaTypes.ociLayerZstd : mediaTypes.ociLayer;
}

/** Archive member names without "./" prefixes or trailing slashes. */
function clean(name: string): string {
  return posix.normalize(name).replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, "");
}
