/**
 * Pulling an image over the distribution API: resolve the reference to a manifest (through
 * an index, choosing linux/amd64), fetch the config and layers in parallel into the content
 * store, each verified, and unpack every layer once by chain id, checking it against the
 * config's diff ids. Blobs and layers already stored are reused ("exists"). Two pulls of one
 * manifest, or of images sharing a blob, share the work. The manifests are stored last, and
 * the caller tags the image only after this resolves, so an interrupted pull leaves at most
 * verified blobs that garbage collection may take, never a named half-image.
 */
import { EventEmitter } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { LayerProgress, PullOptions } from "../runtime.js";
import { InFlight, Limiter } from "./concurrency.js";
import type { ContentStore } from "./content-store.js";
import type { LayerRef, LayerStore } from "./layer-store.js";
import {
  chainIds,
  mediaTypes,
  parseImageConfig,
  parseManifestDocument,
  selectPlatformManifest,
  sha256Digest,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  type ManifestDocument,
} from "./manifest.js";
import { isDigest, type ImageReference } from "./reference.js";
import { RegistryClient, RegistryError } from "./registry-client.js";
import { RuntimeError } from "../errors.js";

/** Parallel blob downloads per process; registries and disks do well with a few, not dozens. */
const downloadConcurrency = 4;
/** Byte-count progress is reported at most this often; state changes always are. */
const progressIntervalMs = 100;

type LayerEvent = Partial<Pick<LayerProgress, "state" | "done">>;

interface FetchedManifest {
  descriptor: Descriptor;
  body: Buffer;
  doc: ManifestDocument;
}

/** A pull step failed; the message is the step's part of the ErrImagePull text. */
class PullStepError extends Error {
  override name = "PullStepError";
}

export class Puller {
  private readonly blobFetches = new InFlight<void>();
  private readonly imageFetches = new InFlight<void>();
  private readonly downloads = new Limiter(downloadConcurrency);
  /** Layer progress by blob digest, so every pull waiting on a shared download sees it. */
  private readonly layerEvents = new EventEmitter().setMaxListeners(0);

  constructor(
    private readonly content: ContentStore,
    private readonly layers: LayerStore,
  ) {}

  /**
   * Pulls the image's content; resolves with the descriptor the reference names (a
   * manifest or an index) once everything it needs is stored and unpacked. Failures are
   * RuntimeError("ErrImagePull") with containerd-like text.
   */
  async pull(ref: ImageReference, options: PullOptions = {}): Promise<Descriptor> {
    try {
      return await this.pullOrThrow(ref, options);
    } catch (e) {
      throw pullError(ref, e);
    }
  }

  private async pullOrThrow(ref: ImageReference, options: PullOptions): Promise<Descriptor> {
    const client = new RegistryClient(ref.domain, ref.path, options.auth);
    const top = await this.resolve(client, ref, options.signal);
    let image: FetchedManifest = top;
    if (top.doc.kind === "index") {
      const chosen = selectPlatformManifest(top.doc.index);
      if (!chosen) throw new PullStepError(`no match for platform in manifest ${top.descriptor.digest}: not found`);
      image = await this.fetchByDigest(client, chosen, options.signal);
      if (image.doc.kind !== "manifest") throw new PullStepError(`manifest ${chosen.digest}: an index inside an index is not supported`);
    }
    const manifest = (image.doc as { manifest: ImageManifest }).manifest;
    const tracker = new ProgressTracker(manifest.layers, this.layerEvents, options.onProgress);
    try {
      await this.imageFetches.run(image.descriptor.digest, (signal) => this.fetchContent(client, manifest, signal), options.signal);
    } finally {
      tracker.close();
    }
    tracker.finish();
    if (image !== top) await this.store(image);
    await this.store(top);
    return top.descriptor;
  }

  /**
   * The manifest a tag or digest names, checked against its digest. A HEAD finds the digest
   * first, so that a manifest already stored is not fetched again; registries that do not
   * answer HEAD get a GET.
   */
  private async resolve(client: RegistryClient, ref: ImageReference, signal?: AbortSignal): Promise<FetchedManifest> {
    const name = ref.normalized;
    const target = ref.digest ?? ref.tag!;
    try {
      let digest = ref.digest;
      let contentType = "";
      try {
        const head = await client.headManifest(target, signal);
        contentType = head.contentType;
        if (digest === undefined && head.digest !== undefined && isDigest(head.digest)) digest = head.digest;
      } catch (e) {
        if (!(e instanceof RegistryError && (e.status === 405 || e.status === 501))) throw e;
      }
      if (digest !== undefined && (await this.content.has(digest))) {
        return checked(await this.content.read(digest), contentType, digest);
      }
      const response = await client.getManifest(digest ?? target, signal);
      const actual = sha256Digest(response.body);
      const expected = digest ?? response.digest;
      if (expected !== undefined && actual !== expected) {
        throw new PullStepError(`manifest digest mismatch: expected ${expected}, the registry sent content that hashes to ${actual}`);
      }
      return checked(response.body, response.contentType, actual);
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) throw new PullStepError(`failed to resolve reference ${JSON.stringify(name)}: ${name}: not found`);
      if (e instanceof RegistryError || e instanceof PullStepError) {
        throw new PullStepError(`failed to resolve reference ${JSON.stringify(name)}: ${e.message}`);
      }
      throw e;
    }
  }

  /** A manifest by digest: from the content store when it is there, else from the registry. */
  private async fetchByDigest(client: RegistryClient, descriptor: Descriptor, signal?: AbortSignal): Promise<FetchedManifest> {
    if (await this.content.has(descriptor.digest)) {
      const body = await this.content.read(descriptor.digest);
      return checked(body, descriptor.mediaType, descriptor.digest);
    }
    const response = await client.getManifest(descriptor.digest, signal).catch((e: unknown) => {
      if (e instanceof RegistryError && e.status === 404) throw new PullStepError(`manifest ${descriptor.digest}: not found`);
      throw e;
    });
    const digest = sha256Digest(response.body);
    if (digest !== descriptor.digest || response.body.length !== descriptor.size) {
      throw new PullStepError(`manifest ${descriptor.digest}: digest or size mismatch (got ${digest}, ${response.body.length} bytes)`);
    }
    return checked(response.body, descriptor.mediaType || response.contentType, digest);
  }

  private async store(m: FetchedManifest): Promise<void> {
    if (!(await this.content.has(m.descriptor.digest))) {
      await this.content.write(m.body, { digest: m.descriptor.digest, size: m.body.length });
    }
  }

  /**
   * Config and layers, in parallel: each layer is unpacked as soon as its blob is stored
   * and the config (which holds the diff ids) is known. The first failure stops the rest,
   * and this returns only once nothing is running any more.
   */
  private async fetchContent(client: RegistryClient, manifest: ImageManifest, outer: AbortSignal): Promise<void> {
    const controller = new AbortController();
    const stop = () => controller.abort(outer.reason);
    outer.addEventListener("abort", stop, { once: true });
    const signal = controller.signal;
    try {
      const config = (async (): Promise<ImageConfig> => {
        await this.ensureBlob(client, manifest.config, signal);
        const parsed = parseImageConfig(await this.content.read(manifest.config.digest));
        if (parsed.rootfs.diff_ids.length !== manifest.layers.length) {
          throw new PullStepError(
            `mismatched image rootfs and manifest layers: the config lists ${parsed.rootfs.diff_ids.length} diff ids, the manifest ${manifest.layers.length} layers`,
          );
        }
        return parsed;
      })();
      const tasks: Promise<unknown>[] = [config];
      manifest.layers.forEach((layer, i) => {
        tasks.push(
          (async () => {
            const { rootfs } = await config;
            const ref: LayerRef = { chainId: chainIds(rootfs.diff_ids)[i]!, diffId: rootfs.diff_ids[i]!, blob: layer };
            const existed = await this.fetchLayer(client, ref, signal);
            this.emit(layer.digest, { state: existed ? "exists" : "done", done: layer.size });
          })(),
        );
      });
      for (const t of tasks) t.catch(() => controller.abort(new Error("another part of the pull failed")));
      const results = await Promise.allSettled(tasks);
      // Report the failure that started it, not the aborts it caused in the other tasks.
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown);
      if (failures.length > 0) throw failures.find((f) => !isAbort(f)) ?? failures[0];
    } finally {
      outer.removeEventListener("abort", stop);
    }
  }

  /**
   * One layer's blob stored and its directory unpacked; resolves with whether both were
   * there already. A layer that is wholly new is unpacked from the download as it arrives,
   * so download and unpack overlap; its directory is named only once its diff id checks out.
   */
  private async fetchLayer(client: RegistryClient, ref: LayerRef, signal: AbortSignal): Promise<boolean> {
    const { digest } = ref.blob;
    const extractFailed = (e: unknown) => {
      throw signal.aborted || e instanceof PullStepError ? e : new PullStepError(`failed to extract layer ${ref.diffId}: ${errorText(e)}`);
    };
    const blobStored = !this.blobFetches.has(digest) && (await this.content.has(digest));
    const layerWanted = !this.layers.isUnpacking(ref.chainId) && !(await this.layers.has(ref.chainId));
    if (blobStored || !layerWanted || this.blobFetches.has(digest)) {
      const blobExisted = await this.ensureBlob(client, ref.blob, signal);
      const layerExisted = await this.layers
        .ensure(ref, { signal, onExtracting: () => this.emit(digest, { state: "extracting" }) })
        .catch(extractFailed);
      return blobExisted && layerExisted;
    }
    const stream = new PassThrough();
    // The unpack listens once it starts; until then a failed download must not be an uncaught 'error'.
    stream.on("error", () => undefined);
    let unpacked = false;
    const unpacking = this.layers.ensure(ref, { signal, source: stream }).then(
      () => void (unpacked = true),
      extractFailed,
    );
    // Awaited below, after the download: a failed download is the better diagnosis.
    unpacking.catch(() => undefined);
    try {
      await this.ensureBlob(client, ref.blob, signal, stream);
    } catch (e) {
      stream.destroy(e instanceof Error ? e : new Error(String(e)));
      await unpacking.catch(() => undefined);
      throw e;
    }
    if (!unpacked) this.emit(digest, { state: "extracting" });
    await unpacking;
    return false;
  }

  /**
   * Stores a blob unless present; resolves with whether it already was. Shared by digest.
   * `tee`, when given, receives the blob's bytes too (the caller checked that this call
   * starts the download).
   */
  private async ensureBlob(client: RegistryClient, descriptor: Descriptor, signal: AbortSignal, tee?: PassThrough): Promise<boolean> {
    if (!tee && !this.blobFetches.has(descriptor.digest) && (await this.content.has(descriptor.digest))) return true;
    await this.blobFetches.run(
      descriptor.digest,
      (shared) => this.downloads.run(() => this.download(client, descriptor, shared, tee)),
      signal,
    );
    return false;
  }

  private async download(client: RegistryClient, descriptor: Descriptor, signal: AbortSignal, tee?: PassThrough): Promise<void> {
    signal.throwIfAborted();
    const { digest, size } = descriptor;
    if (await this.content.has(digest)) {
      // Stored meanwhile by another process: the tee gets the stored copy.
      if (tee) await pipeline(this.content.createReadStream(digest), tee);
      return;
    }
    this.emit(digest, { state: "downloading", done: 0 });
    try {
      const { body } = await client.getBlob(digest, signal);
      const toStore = tee ? fanOut(body, tee) : body;
      try {
        await this.content.write(toStore, {
          digest,
          size,
          signal,
          onProgress: (done) => this.emit(digest, { state: done === size ? "verifying" : "downloading", done }),
        });
      } catch (e) {
        body.destroy();
        throw e;
      }
    } catch (e) {
      if (signal.aborted) throw e;
      throw new PullStepError(`failed to copy: ${errorText(e)}`);
    }
  }

  private emit(digest: string, event: LayerEvent): void {
    this.layerEvents.emit(digest, event);
  }
}

/**
 * Feeds the response to the content store and to `tee` (an unpack) at once, at the pace of
 * the slower. An error on the response reaches both; a tee that quits early (the unpack
 * failed or no longer needs data) is dropped without stopping the download.
 */
function fanOut(body: Readable, tee: PassThrough): PassThrough {
  const toStore = new PassThrough();
  body.on("error", (e) => {
    // A consumer that has stopped (its stream already destroyed) needs no error, and would throw it.
    if (!toStore.destroyed) toStore.destroy(e);
    if (!tee.destroyed) tee.destroy(e);
  });
  body.pipe(toStore);
  body.pipe(tee);
  return toStore;
}

function checked(body: Buffer, contentType: string, digest: string): FetchedManifest {
  let doc: ManifestDocument;
  try {
    doc = parseManifestDocument(body, contentType);
  } catch (e) {
    throw new PullStepError(errorText(e));
  }
  const declared = (doc.kind === "index" ? doc.index.mediaType : doc.manifest.mediaType) ?? contentType.split(";")[0]!.trim();
  const fallback = doc.kind === "index" ? mediaTypes.ociIndex : mediaTypes.ociManifest;
  const mediaType = declared && declared !== "application/json" ? declared : fallback;
  return { descriptor: { mediaType, digest, size: body.length }, body, doc };
}

/** What one pull reports: its own layers' states, fed by whichever pull does the work. */
class ProgressTracker {
  private readonly layers: LayerProgress[];
  private readonly listeners = new Map<string, (e: LayerEvent) => void>();
  private lastReport = 0;

  constructor(
    descriptors: readonly Descriptor[],
    private readonly events: EventEmitter,
    private readonly onProgress?: (layers: readonly LayerProgress[]) => void,
  ) {
    this.layers = descriptors.map((d) => ({ digest: d.digest, total: d.size, done: 0, state: "waiting" }));
    if (!onProgress) return;
    for (const d of descriptors) {
      if (this.listeners.has(d.digest)) continue;
      const listener = (e: LayerEvent) => this.update(d.digest, e);
      this.listeners.set(d.digest, listener);
      events.on(d.digest, listener);
    }
    this.report();
  }

  private update(digest: string, e: LayerEvent): void {
    let stateChanged = false;
    for (const l of this.layers) {
      if (l.digest !== digest) continue;
      if (e.state !== undefined && e.state !== l.state) {
        l.state = e.state;
        stateChanged = true;
      }
      if (e.done !== undefined) l.done = e.done;
    }
    if (stateChanged || Date.now() - this.lastReport >= progressIntervalMs) this.report();
  }

  private report(): void {
    this.lastReport = Date.now();
    this.onProgress?.(this.layers.map((l) => ({ ...l })));
  }

  close(): void {
    for (const [digest, listener] of this.listeners) this.events.off(digest, listener);
    this.listeners.clear();
  }

  /** Layers whose events this pull missed (it joined late) are done all the same. */
  finish(): void {
    if (!this.onProgress) return;
    for (const l of this.layers) {
      if (l.state !== "exists") l.state = "done";
      l.done = l.total;
    }
    this.report();
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === "AbortError" || e.message === "another part of the pull failed");
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function pullError(ref: ImageReference, e: unknown): RuntimeError {
  if (e instanceof RuntimeError && e.reason === "ErrImagePull") return e;
  const detail = isAbort(e) ? "pull aborted" : errorText(e);
  return new RuntimeError("ErrImagePull", `failed to pull and unpack image ${JSON.stringify(ref.normalized)}: ${detail}`, { cause: e });
}
