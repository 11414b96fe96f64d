/**
 * hostPath volumes (pkg/volume/hostpath checkType): the path is used as it is; its type,
 * when given, is checked first, and the *OrCreate types create what is missing.
 */
import { chmod, mkdir, open, stat } from "node:fs/promises";
import { unlessMissing } from "./missing.js";

/** Throws the kubelet's message when path is not of the given hostPath type. */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  if (type === undefined || type === "") return;
  const info = await unlessMissing(stat(path));
  const fail = (what: string) => new Error(`hostPath type check failed: ${path} is not ${what}`);
  switch (type) {
    case "DirectoryOrCreate":
    case "Directory":
      if (!info && type === "DirectoryOrCreate") {
        await mkdir(path, { recursive: true, mode: 0o755 });
        // 0755 whatever the agent's umask, as the type promises.
        await chmod(path, 0o755);
        return;
      }
      if (!info?.isDirectory()) throw fail("a directory");
      return;
    case "FileOrCreate":
    case "File":
      if (!info && type === "FileOrCreate") {
        // O_CREAT without O_EXCL, as os.OpenFile(path, O_CREATE, 0644): a racing creator wins.
        const file = await open(path, "a", 0o644);
        await file.close();
        await chmod(path, 0o644);
        return;
      }
      if (!info?.isFile()) throw fail("a file");
      return;
    case "Socket":
      if (!info?.isSocket()) throw fail("a socket file");
      return;
    case "CharDevice":
      if (!info?.isCharacterDevice()) throw fail("a character device");
      return;
    case "BlockDevice":
      if (!info?.isBlockDevice()) throw fail("a block device");
      return;
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}
