/**
 * emptyDir volumes (pkg/volume/emptydir): a directory on the node's disk, or a tmpfs for
 * `medium: Memory`. The tmpfs of secret, downwardAPI and projected volumes is made here
 * too, because the kubelet builds those on a memory-backed emptyDir so that their contents
 * never reach a disk.
 */
import { chmod, mkdir } from "node:fs/promises";
import { compareQuantities, parseQuantity, quantityValue } from "../../api/index.js";
import type { QuantityValue, ResourceList } from "../../api/index.js";
import { isMountPoint, mountTmpfs } from "../../runtime/index.js";

/**
 * The tmpfs size of a memory-backed emptyDir (emptydir.go calculateEmptyDirMemorySize):
 * the node's allocatable memory, or sizeLimit when that is positive and smaller.
 * Undefined means the kernel's default (half of RAM), when allocatable is unknown.
 */
export function emptyDirMemorySize(sizeLimit: QuantityValue | undefined, nodeAllocatable: ResourceList): bigint | undefined {
  const allocatable = nodeAllocatable["memory"] === undefined ? undefined : parseQuantity(nodeAllocatable["memory"]);
  const limit = sizeLimit === undefined ? undefined : parseQuantity(sizeLimit);
  if (limit && quantityValue(limit) > 0n && (!allocatable || compareQuantities(limit, allocatable) <= 0)) return quantityValue(limit);
  return allocatable ? quantityValue(allocatable) : undefined;
}

/** A directory every container user can write (0777 whatever the umask), as the kubelet's. */
export async function setUpDiskDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o777);
}

/** A tmpfs at dir; already mounted is fine, so setting up twice does not stack mounts. */
export async function setUpTmpfs(dir: string, sizeBytes: bigint | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o750 });
  if (isMountPoint(dir)) return;
  await mountTmpfs(dir, { exec: true, ...(sizeBytes === undefined ? {} : { sizeBytes: Number(sizeBytes) }) });
}
