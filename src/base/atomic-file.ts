/**
 * Writes that are all-or-nothing and durable: readers (and a later start after a crash) see
 * either the old file or the complete new one, never a prefix of it, and once the write has
 * returned the new file survives a crash. Records that recovery relies on (a sandbox's
 * meta.json, an image index, a key) are written this way.
 *
 * A record of something a power loss ends anyway (a container's meta.json describes
 * processes) needs only the all-or-nothing part: a crash of our process alone leaves the
 * kernel's page cache, and with it the renamed file, intact. Such writes skip both flushes,
 * which are most of their cost.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** Default 0o644. */
  mode?: number;
  /** Default true: once the write returned, the new file survives a power loss. */
  durable?: boolean;
}

/**
 * Writes `data` to a temporary file beside `path` with `mode`, flushes it to disk, then
 * renames it over `path` and flushes the directory so the rename itself survives a crash.
 */
export async function writeFileAtomically(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const { mode = 0o644, durable = true } = options;
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    // "wx": never follow or reuse something already there. The mode is applied at creation,
    // so a secret is never readable by others, not even for a moment.
    const file = await open(temporary, "wx", mode);
    try {
      await file.writeFile(data);
      await file.chmod(mode);
      if (durable) await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  if (durable) await syncDirectory(dirname(path));
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
