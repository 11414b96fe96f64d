/**
 * A container's root filesystem: the image's unpacked layers stacked read-only with
 * overlayfs under a private upper and work directory. The kernel limits mount options to
 * one page, so long layer lists are given relative to their common parent, the way
 * containerd's overlay snapshotter does.
 */
import { dirname, relative, resolve } from "node:path";
import { run } from "../command.js";

export interface OverlayMount {
  /** Layer directories in image order: the base layer first. */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  target: string;
}

const pageSize = 4096;

export async function mountOverlay(m: OverlayMount): Promise<void> {
  if (m.lowerDirs.length === 0) throw new Error("overlay needs at least one lower directory");
  // overlayfs lists the topmost lower layer first.
  const lowers = [...m.lowerDirs].reverse();
  let options = `lowerdir=${lowers.join(":")},upperdir=${m.upperDir},workdir=${m.workDir}`;
  let cwd: string | undefined;
  if (options.length >= pageSize - 64) {
    cwd = commonParent(lowers);
    const rel = lowers.map((l) => relative(cwd!, l));
    options = `lowerdir=${rel.join(":")},upperdir=${m.upperDir},workdir=${m.workDir}`;
    if (options.length >= pageSize) {
      throw new Error(`overlay options for ${lowers.length} layers exceed the kernel's ${pageSize}-byte limit`);
    }
  }
  await run("mount", ["-t", "overlay", "overlay", "-o", options, m.target], cwd ? { cwd } : {});
}

/** The deepest directory containing every path; relative to it each lower dir is shortest. */
function commonParent(paths: string[]): string {
  let parent = dirname(resolve(paths[0]!));
  for (const p of paths) {
    const abs = resolve(p);
    while (parent !== "/" && !abs.startsWith(`${parent}/`)) parent = dirname(parent);
  }
  return parent;
}
