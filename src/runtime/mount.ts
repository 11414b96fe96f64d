/**
 * Mounts through mount(8): Node has no mount(2). Everything the runtime mounts (overlay
 * root filesystems, per-pod tmpfs, bind-mounted namespace files) is undone through here,
 * and /proc/self/mountinfo is the one source of truth for what is still mounted.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { run } from "./command.js";

/** Mount points in this mount namespace, from /proc/self/mountinfo (octal escapes decoded). */
export function mountPoints(): string[] {
  return parseMountInfo(readFileSync(mountInfo, "utf8"));
}

/**
 * mountPoints, read on the thread pool: the kernel builds mountinfo on every read, which
 * takes a while with hundreds of pods' mounts, and teardown reads it for each pod.
 */
async function readMountPoints(): Promise<string[]> {
  return parseMountInfo(await readFile(mountInfo, "utf8"));
}

const mountInfo = "/proc/self/mountinfo";

function parseMountInfo(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const field = line.split(" ")[4];
    if (field) out.push(field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return out;
}

export function isMountPoint(path: string): boolean {
  const p = resolve(path);
  return mountPoints().includes(p);
}

/** Mount points at or below dir, deepest first, so they can be unmounted in order. */
export function mountsUnder(dir: string): string[] {
  return below(mountPoints(), dir);
}

function below(points: readonly string[], dir: string): string[] {
  const root = resolve(dir);
  const under = points.filter((m) => m === root || m.startsWith(root + sep));
  return [...new Set(under)].sort((a, b) => b.length - a.length);
}

export interface TmpfsOptions {
  mode?: number;
  sizeBytes?: number;
  exec?: boolean;
}

/** mount(8)'s arguments for a tmpfs on target; noexec unless `exec`: a memory emptyDir may hold programs, as on the kubelet; /dev/shm may not. */
export function tmpfsMountArgs(target: string, options: TmpfsOptions = {}): string[] {
  const opts = ["nosuid", "nodev", ...(options.exec ? [] : ["noexec"]), `mode=${(options.mode ?? 0o1777).toString(8)}`];
  if (options.sizeBytes) opts.push(`size=${options.sizeBytes}`);
  return ["-t", "tmpfs", "-o", opts.join(","), "tmpfs", target];
}

export async function mountTmpfs(target: string, options: TmpfsOptions = {}): Promise<void> {
  await run("mount", tmpfsMountArgs(target, options));
}

export async function bindMount(source: string, target: string): Promise<void> {
  await run("mount", ["--bind", source, target]);
}

/**
 * Unmounts target and everything below it. Not mounted is not an error: teardown must be
 * idempotent and must work after a crash half-way through setup. A busy mount is
 * detached lazily rather than left behind.
 *
 * One umount(8) for all of them, deepest first (it takes them in order): a pod has several
 * mounts, and every command is a fork and an exec (command-spawner.ts says what they cost).
 * Only what is still mounted after that is retried, one by one, lazily.
 */
export async function unmountAll(target: string): Promise<void> {
  await unmountBelow(target);
}

/**
 * unmountAll, then what is still mounted below target (a stacked mount, say): a caller
 * about to delete the directory must not go on if anything is.
 */
export async function unmountBelow(target: string): Promise<string[]> {
  const mounts = below(await readMountPoints(), target);
  if (mounts.length === 0) return [];
  try {
    await run("umount", mounts);
  } catch {
    // Some were busy (or gone meanwhile): detach what is still there.
    for (const m of below(await readMountPoints(), target)) await run("umount", ["-l", m]);
  }
  return below(await readMountPoints(), target);
}
