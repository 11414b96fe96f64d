/**
 * The kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): the files of a configMap,
 * secret, downwardAPI or projected volume change all at once for a running container.
 *
 * Layout of a target directory:
 *
 *     ..2026_11_24_22_33_55.1234567890/   the payload of one version (0755)
 *     ..data -> ..2026_11_24_22_33_55.1234567890
 *     key    -> ..data/key                 one symlink per top-level name of the payload
 *
 * A new version is written into a fresh timestamped directory, then a temporary `..data_tmp`
 * symlink is renamed over `..data` (rename(2) is atomic), so a reader following `key`
 * sees either the whole old version or the whole new one. The old directory is removed last.
 */
import { randomInt } from "node:crypto";
import { chmod, lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, normalize } from "node:path";
import { unlessMissing } from "./missing.js";

/** One file of a payload: its bytes and permission bits. */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** Payload paths are relative, slash-separated and already cleaned. */
export type Payload = Map<string, FileProjection>;

const dataDirName = "..data";
const newDataDirName = "..data_tmp";
const maxFileNameLength = 255;
const maxPathLength = 4096;

/** The writer's own path check (atomic_writer.go validatePath), with its messages. */
export function validatePayloadPath(targetPath: string): string | undefined {
  if (targetPath === "") return `invalid path: must not be empty: ""`;
  if (targetPath.startsWith("/")) return `invalid path: must be relative path: ${targetPath}`;
  if (targetPath.length > maxPathLength) return `invalid path: must be less than or equal to ${maxPathLength} characters`;
  const items = targetPath.split("/");
  for (const item of items) {
    if (item === "..") return `invalid path: must not contain '..': ${targetPath}`;
    if (item.length > maxFileNameLength) return `invalid path: filenames must be less than or equal to ${maxFileNameLength} characters`;
  }
  if (items[0]!.startsWith("..") && items[0]!.length > 2) return `invalid path: must not start with '..': ${targetPath}`;
  return undefined;
}

function cleanPayload(payload: Payload): Payload {
  const out: Payload = new Map();
  for (const [path, file] of payload) {
    const problem = validatePayloadPath(path);
    if (problem) throw new Error(problem);
    out.set(normalize(path).replace(/\/+$/, ""), file);
  }
  return out;
}

/** Go's time.Format("..2006_01_02_15_04_05.") in UTC, the prefix of os.MkdirTemp. */
function timestampPrefix(now: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function newTimestampDir(targetDir: string): Promise<string> {
  for (;;) {
    const dir = join(targetDir, timestampPrefix(new Date()) + String(randomInt(2 ** 31)));
    try {
      await mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw error;
    }
    // 0755 whatever the umask: group and other must be able to walk into it.
    await chmod(dir, 0o755);
    return dir;
  }
}

/** Every file and directory below dir, relative to it. */
async function walk(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await walk(join(dir, entry.name), rel)));
  }
  return out;
}

/** Paths of the old version that the new payload no longer has (atomic_writer.go pathsToRemove). */
async function pathsToRemove(payload: Payload, oldTsPath: string): Promise<Set<string>> {
  const old = new Set(await walk(oldTsPath));
  for (const path of payload.keys()) {
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) old.delete(parts.slice(0, i).join("/"));
  }
  return old;
}

/** Whether any file differs from the old version, in content or mode. */
async function shouldWritePayload(payload: Payload, oldTsPath: string): Promise<boolean> {
  for (const [path, file] of payload) {
    const full = join(oldTsPath, path);
    try {
      const [content, info] = await Promise.all([readFile(full), stat(full)]);
      if (!content.equals(file.data) || (info.mode & 0o7777) !== file.mode) return true;
    } catch {
      return true;
    }
  }
  return false;
}

async function writePayloadToDir(payload: Payload, dir: string): Promise<void> {
  for (const [path, file] of payload) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true, mode: 0o755 });
    await writeFile(full, file.data, { mode: file.mode });
    // The mode given to open(2) is masked by the umask; the payload's mode is meant exactly.
    await chmod(full, file.mode);
  }
}

/**
 * Writes payload into targetDir (which must exist) as one atomic version. Returns whether
 * anything changed: an unchanged payload leaves the directory as it is, so a periodic
 * re-render costs only reads.
 */
export async function writeAtomically(targetDir: string, payload: Payload): Promise<boolean> {
  const clean = cleanPayload(payload);
  const dataDirPath = join(targetDir, dataDirName);
  const oldTsDir = await unlessMissing(readlink(dataDirPath));
  const oldTsPath = oldTsDir === undefined ? undefined : join(targetDir, oldTsDir);
  const stale = oldTsPath === undefined ? new Set<string>() : await pathsToRemove(clean, oldTsPath);
  const changed = oldTsPath === undefined || stale.size > 0 || (await shouldWritePayload(clean, oldTsPath));
  if (changed) {
    const tsDir = await newTimestampDir(targetDir);
    try {
      await writePayloadToDir(clean, tsDir);
      const newDataDirPath = join(targetDir, newDataDirName);
      await rm(newDataDirPath, { force: true });
      await symlink(basename(tsDir), newDataDirPath);
      await rename(newDataDirPath, dataDirPath);
    } catch (error) {
      await rm(join(targetDir, newDataDirName), { force: true });
      await rm(tsDir, { recursive: true, force: true });
      throw error;
    }
  }
  await createUserVisibleFiles(targetDir, clean);
  await removeUserVisiblePaths(targetDir, stale);
  if (changed && oldTsPath !== undefined) await rm(oldTsPath, { recursive: true, force: true });
  return changed;
}

/** One symlink per top-level name: `name -> ..data/name`. */
async function createUserVisibleFiles(targetDir: string, payload: Payload): Promise<void> {
  for (const path of payload.keys()) {
    const linkName = path.split("/")[0]!;
    const visible = join(targetDir, linkName);
    if ((await unlessMissing(readlink(visible))) === undefined) {
      if (await unlessMissing(lstat(visible))) throw new Error(`${visible} exists and is not a symlink`);
      await symlink(join(dataDirName, linkName), visible);
    }
  }
}

/** Only top-level symlinks live in the volume root; deeper paths went with the old version. */
async function removeUserVisiblePaths(targetDir: string, paths: Set<string>): Promise<void> {
  for (const path of paths) {
    if (path.includes("/")) continue;
    await unlessMissing(unlink(join(targetDir, path)));
  }
}
