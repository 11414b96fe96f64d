/**
 * Mounts through mount(8): Node has no mount(2). Everything the runtime mounts (overlay
 * root filesystems, per-pod tmpfs, bind-mounted namespace files) is undone through here,
 * and /proc/self/mountinfo is the one source of truth for what is still mounted.
 */
import { readFileSync } from "node:fs";
import { resolve, sep } from "node:path";
import { run } from "./command.js";

/** Mount points in this mount namespace, from /proc/self/mountinfo (octal escapes decoded). */
export function mountPoints(): string[] {
  const text = readFileSync("/proc/self/mountinfo", "utf8");
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
  const root = resolve(dir);
  const under = mountPoints().filter((m) => m === root || m.startsWith(root + sep));
  return [...new Set(under)].sort((a, b) => b.length - a.length);
}

/** noexec unless `exec`: a memory emptyDir may hold programs, as on the kubelet; /dev/shm may not. */
export async function mountTmpfs(target: string, options: { mode?: number; sizeBytes?: number; exec?: boolean } = {}): Promise<void> {
  const opts = ["nosuid", "nodev", ...(options.exec ? [] : ["noexec"]), `mode=${(options.mode ?? 0o1777).toString(8)}`];
  if (options.sizeBytes) opts.push(`size=${options.sizeBytes}`);
  await run("mount", ["-t", "tmpfs", "-o", opts.join(","), "tmpfs", target]);
}

export async function bindMount(source: string, target: string): Promise<void> {
  await run("mount", ["--bind", source, target]);
}

/**
 * Unmounts target and everything below it. Not mounted is not an error: teardown must be
 * idempotent and must work after a crash half-way through setup. A busy mount is
 * detached lazily rather than left behind.
 */
export async function unmountAll(target: string): Promise<void> {
  for (const m of mountsUnder(target)) {
    try {
      await run("umount", [m]);
    } catch {
      if (isMountPoint(m)) await run("umount", ["-l", m]);
    }
  }
}
