/**
 * Unpacked layers, one directory per chain id under layout.layers, shared by every image
 * whose stack begins the same way. A layer is unpacked once from its verified blob into a
 * temporary directory, its diff id checked against the image config, and only then renamed
 * to its chain id, so a directory named by a chain id is always complete. Two requests for
 * one chain id at once share the unpack.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { InFlight } from "./concurrency.js";
import { processAlive, type ContentStore } from "./content-store.js";
import { unpackLayer } from "./layer-unpack.js";
import { digestHex, type Descriptor } from "./manifest.js";

export interface LayerRef {
  /** The chain id naming the unpacked directory. */
  chainId: string;
  /** The uncompressed digest the image config promises for this layer. */
  diffId: string;
  /** The stored (usually compressed) blob. */
  blob: Descriptor;
}

/** The unpacked layer's diff id is not the one the image config names. */
export class LayerVerificationError extends Error {
  override name = "LayerVerificationError";
}

const chainIdDir = /^[a-f0-9]{64}$/;
const tempPrefix = "tmp-";

export interface EnsureOptions {
  signal?: AbortSignal;
  onExtracting?: () => void;
  /** The layer blob's bytes as they arrive; the stored blob is read when absent. */
  source?: Readable;
}

export class LayerStore {
  private readonly unpacks = new InFlight<void>();

  private constructor(
    readonly root: string,
    private readonly content: ContentStore,
  ) {}

  static async open(root: string, content: ContentStore): Promise<LayerStore> {
    await mkdir(root, { recursive: true });
    const store = new LayerStore(root, content);
    await store.discardStaleUnpacks();
    return store;
  }

  /** Half-unpacked directories of a process that is gone are never used. */
  private async discardStaleUnpacks(): Promise<void> {
    for (const name of await readdir(this.root)) {
      if (!name.startsWith(tempPrefix)) continue;
      const pid = Number(name.slice(tempPrefix.length).split("-")[0]);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
      await rm(join(this.root, name), { recursive: true, force: true });
    }
  }

  path(chainId: string): string {
    return join(this.root, digestHex(chainId));
  }

  async has(chainId: string): Promise<boolean> {
    try {
      return (await lstat(this.path(chainId))).isDirectory();
    } catch {
      return false;
    }
  }

  /** Whether an unpack of this chain id is under way in this process. */
  isUnpacking(chainId: string): boolean {
    return this.unpacks.has(chainId);
  }

  /**
   * Makes sure the layer is unpacked; resolves with whether it already was. Unpacks from
   * `source` when given (the blob as it downloads), else from the stored blob. A source
   * this call does not need (the layer turned up meanwhile) is drained, so that whoever
   * feeds it is not held up. `onExtracting` is called when this call starts unpacking.
   */
  async ensure(layer: LayerRef, options: EnsureOptions = {}): Promise<boolean> {
    let used = false;
    try {
      if (!this.unpacks.has(layer.chainId) && (await this.has(layer.chainId))) return true;
      await this.unpacks.run(
        layer.chainId,
        async (signal) => {
          if (await this.has(layer.chainId)) return;
          used = true;
          options.onExtracting?.();
          await this.unpack(layer, options.source ?? this.content.createReadStream(layer.blob.digest), signal);
        },
        options.signal,
      );
      return false;
    } finally {
      if (!used) options.source?.resume();
    }
  }

  private async unpack(layer: LayerRef, source: Readable, signal: AbortSignal): Promise<void> {
    const temp = join(this.root, `${tempPrefix}${process.pid}-${randomBytes(6).toString("hex")}`);
    const onAbort = () => source.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      signal.throwIfAborted();
      // A source that ended before the unpack began would never signal the unpacker.
      if (source.destroyed) throw new Error(`layer ${layer.blob.digest}: its data stopped before unpacking began`);
      const { diffId } = await unpackLayer(source, layer.blob.mediaType, temp);
      signal.throwIfAborted();
      if (diffId !== layer.diffId) {
        throw new LayerVerificationError(`layer ${layer.blob.digest} unpacks to diff id ${diffId}, the image config says ${layer.diffId}`);
      }
      try {
        await rename(temp, this.path(layer.chainId));
      } catch (e) {
        // Another process unpacked the same chain id first: theirs is as good as ours.
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== "ENOTEMPTY" && code !== "EEXIST") || !(await this.has(layer.chainId))) throw e;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      source.destroy();
      await rm(temp, { recursive: true, force: true });
    }
  }

  /** Chain ids of every unpacked layer. */
  async list(): Promise<string[]> {
    return (await readdir(this.root)).filter((n) => chainIdDir.test(n)).map((n) => `sha256:${n}`);
  }

  /** Removes an unpacked layer; returns the bytes it held. */
  async remove(chainId: string): Promise<number> {
    const dir = this.path(chainId);
    const size = await directorySize(dir);
    await rm(dir, { recursive: true, force: true });
    return size;
  }
}

/** Bytes of the regular files below dir, not following symlinks. */
async function directorySize(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += (await lstat(p)).size;
    }
  }
  return total;
}
