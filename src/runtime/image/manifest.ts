/**
 * The OCI image and Docker schema 2 documents the store reads: descriptors, manifests,
 * indexes (manifest lists) and image configs, their media types, checked parsing, the
 * linux/amd64 platform choice and layer chain ids. Registries and archives hand us these
 * as untrusted bytes, so parsing checks every field the store later relies on.
 */
import { createHash } from "node:crypto";
import type { ImageRuntimeConfig } from "../runtime.js";

export const mediaTypes = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

/** Annotation containerd writes with the full image name; we key index.json entries on it. */
export const imageNameAnnotation = "io.containerd.image.name";
/** The OCI annotation for a tag (or, in some archives, a full reference). */
export const refNameAnnotation = "org.opencontainers.image.ref.name";

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: string; diff_ids: string[] };
  created?: string;
}

export type ManifestDocument = { kind: "manifest"; manifest: ImageManifest } | { kind: "index"; index: ImageIndex };

const digestRegexp = /^sha256:[a-f0-9]{64}$/;

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

export function isManifestMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.dockerManifest;
}

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;
}

export function isSchema1MediaType(mediaType: string): boolean {
  return mediaType === mediaTypes.dockerSchema1 || mediaType === mediaTypes.dockerSchema1Signed;
}

export function isGzipLayer(mediaType: string): boolean {
  return mediaType.endsWith("+gzip") || mediaType.endsWith(".gzip");
}

/** Layer media types the unpacker understands (foreign/non-distributable layers included). */
export function isLayerMediaType(mediaType: string): boolean {
  return (
    mediaType.startsWith("application/vnd.oci.image.layer.") ||
    mediaType.startsWith("application/vnd.docker.image.rootfs.")
  );
}

export class ManifestError extends Error {
  override name = "ManifestError";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkDescriptor(v: unknown, what: string): Descriptor {
  if (!isObject(v)) throw new ManifestError(`${what}: not a descriptor`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== "string") throw new ManifestError(`${what}: missing mediaType`);
  if (typeof digest !== "string" || !digestRegexp.test(digest)) throw new ManifestError(`${what}: invalid digest ${String(digest)}`);
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw new ManifestError(`${what}: invalid size ${String(size)}`);
  return v as unknown as Descriptor;
}

/**
 * Parses a manifest or an index. The media type comes from the body's own mediaType field,
 * else from the transport's Content-Type; Docker schema 1 is refused with a clear message.
 */
export function parseManifestDocument(body: Uint8Array, contentType?: string): ManifestDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    throw new ManifestError("manifest is not valid JSON");
  }
  if (!isObject(doc)) throw new ManifestError("manifest is not a JSON object");
  const declared = typeof doc.mediaType === "string" ? doc.mediaType : undefined;
  const mediaType = declared ?? contentType?.split(";")[0]?.trim() ?? "";
  if (doc.schemaVersion === 1 || isSchema1MediaType(mediaType)) {
    throw new ManifestError(
      `Docker Image Format v1 and Docker Image manifest version 2, schema 1 (media type ${JSON.stringify(
        mediaType || mediaTypes.dockerSchema1,
      )}) are not supported: rebuild or push the image with a schema 2 or OCI manifest`,
    );
  }
  if (doc.schemaVersion !== 2) throw new ManifestError(`unsupported manifest schemaVersion ${String(doc.schemaVersion)}`);
  const looksLikeIndex = Array.isArray(doc.manifests);
  if (isIndexMediaType(mediaType) || (!isManifestMediaType(mediaType) && looksLikeIndex)) {
    if (!Array.isArray(doc.manifests)) throw new ManifestError("index has no manifests");
    doc.manifests.forEach((d, i) => checkDescriptor(d, `index manifests[${i}]`));
    return { kind: "index", index: doc as unknown as ImageIndex };
  }
  if (isManifestMediaType(mediaType) || (mediaType === "" && isObject(doc.config))) {
    checkDescriptor(doc.config, "manifest config");
    if (!Array.isArray(doc.layers)) throw new ManifestError("manifest has no layers");
    doc.layers.forEach((d, i) => {
      const layer = checkDescriptor(d, `manifest layers[${i}]`);
      if (!isLayerMediaType(layer.mediaType)) throw new ManifestError(`manifest layers[${i}]: unsupported media type ${layer.mediaType}`);
    });
    return { kind: "manifest", manifest: doc as unknown as ImageManifest };
  }
  throw new ManifestError(`unsupported manifest media type ${JSON.stringify(mediaType)}`);
}

export function parseImageConfig(body: Uint8Array): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    throw new ManifestError("image config is not valid JSON");
  }
  if (!isObject(doc)) throw new ManifestError("image config is not a JSON object");
  const rootfs = doc.rootfs;
  if (!isObject(rootfs) || !Array.isArray(rootfs.diff_ids)) throw new ManifestError("image config has no rootfs.diff_ids");
  for (const d of rootfs.diff_ids) {
    if (typeof d !== "string" || !digestRegexp.test(d)) throw new ManifestError(`image config: invalid diff id ${String(d)}`);
  }
  if (doc.config !== undefined && doc.config !== null && !isObject(doc.config)) throw new ManifestError("image config: config is not an object");
  return {
    ...(doc as unknown as ImageConfig),
    architecture: typeof doc.architecture === "string" ? doc.architecture : "",
    os: typeof doc.os === "string" ? doc.os : "",
  };
}

/** The host platform this runtime runs images for. */
export const hostPlatform: Platform = { os: "linux", architecture: "amd64" };

/**
 * The index entry for linux/amd64. amd64 has no variants in use, so an entry without a
 * variant is preferred over one that names a microarchitecture level (v2, v3…), which
 * this host might not run.
 */
export function selectPlatformManifest(index: ImageIndex, platform: Platform = hostPlatform): Descriptor | undefined {
  const candidates = index.manifests.filter(
    (d) =>
      (isManifestMediaType(d.mediaType) || d.mediaType === "") &&
      d.platform?.os === platform.os &&
      d.platform?.architecture === platform.architecture,
  );
  return candidates.find((d) => !d.platform?.variant || d.platform.variant === "v1") ?? undefined;
}

/** Chain ids of the layer stack per the OCI image spec: each names a layer and all below it. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const parent = out[out.length - 1];
    out.push(parent === undefined ? diffId : sha256Digest(Buffer.from(`${parent} ${diffId}`)));
  }
  return out;
}

export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(":") + 1);
}
