/**
 * subPath mounts (pkg/kubelet/kubelet_pods.go makeMounts and pkg/volume/util/subpath
 * subpath_linux.go): the sub-path is resolved with its symlinks once, must stay inside the
 * volume, and is bind-mounted to a private mount point so that what the container gets is
 * the checked file, not whatever a symlink points to by the time the container starts.
 */
import { constants } from "node:fs";
import { lstat, mkdir, open, realpath, rmdir, stat, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { bindMount, unmountAll } from "../../runtime/index.js";

export function pathWithinBase(fullPath: string, basePath: string): boolean {
  const rel = relative(basePath, fullPath);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !rel.startsWith("/"));
}

/** The user-facing checks of makeMounts; the message names the subPath, not the host path. */
export function checkSubPath(subPath: string): void {
  if (subPath.startsWith("/")) throw new Error(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split("/").includes("..")) throw new Error(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
}

/**
 * Creates the missing part of subPath as directories, refusing to follow a symlink out of
 * the volume on the way (subpath_linux.go doSafeMakeDir).
 */
async function safeMakeDir(volumePath: string, subPath: string): Promise<void> {
  const base = await realpath(volumePath);
  let current = base;
  for (const segment of subPath.split("/").filter((s) => s !== "" && s !== ".")) {
    const next = join(current, segment);
    try {
      await lstat(next);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await mkdir(next, { mode: (await stat(base)).mode & 0o7777 });
    }
    current = await realpath(next);
    if (!pathWithinBase(current, base)) throw new Error(`path ${next} is outside of allowed base ${base}`);
  }
}

/** Linux's O_PATH (the same value on x86_64 and arm64); Node does not export it. */
const O_PATH = 0o10000000;

/**
 * Opens rel below base one component at a time without following any symlink
 * (subpath_linux.go doSafeOpen). Node has no openat(2), but /proc/self/fd/N/name looks
 * name up inside the directory that descriptor N holds, which is the same thing.
 */
export async function openBeneath(base: string, rel: string): Promise<FileHandle> {
  let handle = await open(base, O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY);
  try {
    for (const segment of rel.split("/").filter((s) => s !== "" && s !== ".")) {
      const next = await open(`/proc/self/fd/${handle.fd}/${segment}`, O_PATH | constants.O_NOFOLLOW);
      await handle.close();
      handle = next;
      if ((await handle.stat()).isSymbolicLink()) throw new Error(`${segment} is a symlink`);
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** An old mount point may be a file where a directory is needed now; never recursive. */
async function removeMountPoint(path: string): Promise<void> {
  for (const remove of [rmdir, unlink]) {
    try {
      await remove(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    }
  }
}

/**
 * Returns the host path to mount for subPath of the volume at volumePath, bind-mounted at
 * mountPoint. Errors are the kubelet's terse ones: details of the host stay in the log.
 */
export async function prepareSubPath(options: {
  volumePath: string;
  subPath: string;
  mountPoint: string;
  volumeMountName: string;
  containerName: string;
}): Promise<string> {
  const { volumePath, subPath, mountPoint, volumeMountName, containerName } = options;
  checkSubPath(subPath);
  const full = join(volumePath, subPath);
  const exists = await lstat(full).then(
    () => true,
    () => false,
  );
  if (!exists) {
    try {
      await safeMakeDir(volumePath, subPath);
    } catch {
      throw new Error(`failed to create subPath directory for volumeMount "${volumeMountName}" of container "${containerName}"`);
    }
  }
  try {
    const base = await realpath(volumePath);
    // Symlinks inside the volume are fine (configMap keys are symlinks into ..data), so
    // resolve them once; whatever they lead to must still be inside the volume.
    const resolved = await realpath(full);
    if (!pathWithinBase(resolved, base)) throw new Error(`subpath "${resolved}" not within volume path "${base}"`);
    const pinned = await openBeneath(base, relative(base, resolved));
    try {
      const checked = await pinned.stat();
      await unmountAll(mountPoint);
      await removeMountPoint(mountPoint);
      await mkdir(checked.isDirectory() ? mountPoint : dirname(mountPoint), { recursive: true, mode: 0o750 });
      if (!checked.isDirectory()) await (await open(mountPoint, "a", 0o640)).close();
      // Through the pinned descriptor; mount(8) may still turn it back into a path, so what
      // got mounted is compared with what was checked, and a swapped-in symlink loses.
      await bindMount(`/proc/${process.pid}/fd/${pinned.fd}`, mountPoint);
      const mounted = await stat(mountPoint);
      if (mounted.dev !== checked.dev || mounted.ino !== checked.ino) {
        await unmountAll(mountPoint);
        throw new Error(`subpath ${resolved} changed while it was mounted`);
      }
    } finally {
      await pinned.close();
    }
    return mountPoint;
  } catch {
    throw new Error(`failed to prepare subPath for volumeMount "${volumeMountName}" of container "${containerName}"`);
  }
}
