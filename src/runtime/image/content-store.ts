/**
 * Content-addressed blobs in an OCI image layout (`oci-layout`, `blobs/sha256/<hex>`).
 * A blob becomes visible only once its bytes hashed to the expected digest and size: data
 * is written to `ingest/`, checked, fsynced and then renamed into place, so whatever sits
 * under `blobs/` can be trusted without re-hashing. Ingest files are never trusted: they
 * are removed on a mismatch, on abort, and, after a crash, when the store is next opened.
 */
import { randomBytes, createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { digestHex } from "./manifest.js";

export interface BlobInfo {
  digest: string;
  size: number;
}

export interface BlobWriteOptions {
  /** The digest the bytes must hash to; absent when the store computes it (archive import). */
  digest?: string;
  /** The exact length; writing stops as soon as the source goes past it. */
  size?: number;
  signal?: AbortSignal;
  /** Called with the running byte count as data is written. */
  onProgress?: (written: number) => void;
}

/** The bytes did not match their descriptor; nothing was stored. */
export class BlobVerificationError extends Error {
  override name = "BlobVerificationError";
}

const digestRegexp = /^sha256:[a-f0-9]{64}$/;
const layoutFile = JSON.stringify({ imageLayoutVersion: "1.0.0" });

export class ContentStore {
  private readonly blobDir: string;
  private readonly ingestDir: string;

  private constructor(readonly root: string) {
    this.blobDir = join(root, "blobs", "sha256");
    this.ingestDir = join(root, "ingest");
  }

  static async open(root: string): Promise<ContentStore> {
    const store = new ContentStore(root);
    await mkdir(store.blobDir, { recursive: true });
    await mkdir(store.ingestDir, { recursive: true });
    await writeFileIfMissing(join(root, "oci-layout"), layoutFile);
    await store.discardStaleIngests();
    return store;
  }

  /**
   * Removes partial writes left by a process that is gone. Ingest files carry their
   * writer's pid, so a second process on the same root (a CLI beside the server) does not
   * delete writes still in progress.
   */
  private async discardStaleIngests(): Promise<void> {
    for (const name of await readdir(this.ingestDir)) {
      const pid = Number(name.split("-")[0]);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) continue;
      await rm(join(this.ingestDir, name), { force: true, recursive: true });
    }
  }

  blobPath(digest: string): string {
    if (!digestRegexp.test(digest)) throw new BlobVerificationError(`invalid digest ${JSON.stringify(digest)}`);
    return join(this.blobDir, digestHex(digest));
  }

  /** The stored blob's size, or undefined when it is not stored. */
  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.blobPath(digest))).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  read(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  createReadStream(digest: string): Readable {
    return createReadStream(this.blobPath(digest));
  }

  /**
   * Stores bytes from source under their digest after checking digest and size. On any
   * failure (mismatch, abort, source error) the ingest file is removed and nothing is stored.
   */
  async write(source: AsyncIterable<Uint8Array> | Uint8Array, options: BlobWriteOptions = {}): Promise<BlobInfo> {
    if (options.digest !== undefined && !digestRegexp.test(options.digest)) {
      throw new BlobVerificationError(`invalid digest ${JSON.stringify(options.digest)}`);
    }
    const ingestPath = join(this.ingestDir, `${process.pid}-${randomBytes(8).toString("hex")}`);
    const label = `blob ${options.digest ?? "(import)"}`;
    const hash = createHash("sha256");
    let written = 0;
    const fh = await open(ingestPath, "wx", 0o644);
    let committed = false;
    try {
      try {
        const chunks = source instanceof Uint8Array ? [source] : source;
        for await (const chunk of chunks) {
          options.signal?.throwIfAborted();
          written += chunk.length;
          if (options.size !== undefined && written > options.size) {
            throw new BlobVerificationError(`${label}: size mismatch: more than the expected ${options.size} bytes`);
          }
          hash.update(chunk);
          await fh.write(chunk);
          options.onProgress?.(written);
        }
        options.signal?.throwIfAborted();
        if (options.size !== undefined && written !== options.size) {
          throw new BlobVerificationError(`${label}: size mismatch: got ${written} bytes, expected ${options.size}`);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      const digest = `sha256:${hash.digest("hex")}`;
      if (options.digest !== undefined && digest !== options.digest) {
        throw new BlobVerificationError(`${label}: digest mismatch: the content hashes to ${digest}`);
      }
      await rename(ingestPath, this.blobPath(digest));
      committed = true;
      return { digest, size: written };
    } finally {
      if (!committed) await rm(ingestPath, { force: true });
    }
  }

  /** Every stored blob, for garbage collection. */
  async list(): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    for (const name of await readdir(this.blobDir)) {
      const digest = `sha256:${name}`;
      if (!digestRegexp.test(digest)) continue;
      const size = await this.size(digest);
      if (size !== undefined) out.push({ digest, size });
    }
    return out;
  }

  /** Removes a blob; returns the bytes freed (0 when it was not stored). */
  async delete(digest: string): Promise<number> {
    const size = await this.size(digest);
    if (size === undefined) return 0;
    await rm(this.blobPath(digest), { force: true });
    return size;
  }
}

/** Whether a process with this pid exists (owners of ingest and unpack files). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function writeFileIfMissing(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}
