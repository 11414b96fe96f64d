/**
 * Who the container's process runs as: runAsUsername, runAsUser or the image's USER
 * ("name|uid[:group|gid]"), resolved against the container's own /etc/passwd and /etc/group
 * as containerd does. A name the image does not know is the pod's mistake (InvalidArgument,
 * "no users found"), not a runtime failure. The files are read inside the root filesystem
 * with symlinks resolved against that root, so an image cannot point us at the host's files.
 */
import { lstat, readFile, readlink } from "node:fs/promises";
import { posix } from "node:path";
import { RuntimeError } from "../errors.js";
import type { ResolvedUser } from "./oci-spec.js";

export interface UserRequest {
  runAsUser?: number;
  runAsUsername?: string;
  runAsGroup?: number;
  supplementalGroups?: number[];
  /** The image config's User. */
  imageUser?: string;
}

export interface UserFiles {
  passwd?: string;
  group?: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const f = line.trim().split(":");
    if (f.length < 4 || f[0] === "" || line.startsWith("#")) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (Number.isInteger(uid) && Number.isInteger(gid)) out.push({ name: f[0]!, uid, gid });
  }
  return out;
}

function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const f = line.trim().split(":");
    if (f.length < 3 || f[0] === "" || line.startsWith("#")) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, gid, members: (f[3] ?? "").split(",").filter(Boolean) });
  }
  return out;
}

const numeric = /^[0-9]+$/;

/**
 * The user spec in containerd's precedence: a username, then a uid, then the image's USER,
 * then root. runAsGroup replaces whatever group that spec names.
 */
function userSpec(req: UserRequest): { user: string; group?: string } {
  let user = "0";
  let group: string | undefined;
  if (req.runAsUsername) user = req.runAsUsername;
  else if (req.runAsUser !== undefined) user = String(req.runAsUser);
  else if (req.imageUser) {
    const [u, g] = req.imageUser.split(":", 2);
    user = u || "0";
    if (g) group = g;
  }
  if (req.runAsGroup !== undefined) group = String(req.runAsGroup);
  return group === undefined ? { user } : { user, group };
}

export function resolveUser(req: UserRequest, files: UserFiles): ResolvedUser {
  const passwd = parsePasswd(files.passwd);
  const groups = parseGroup(files.group);
  const spec = userSpec(req);

  let uid: number;
  let gid = 0;
  let username: string | undefined;
  if (numeric.test(spec.user)) {
    uid = Number(spec.user);
    // A uid the image does not know is allowed; it runs with group 0.
    const entry = passwd.find((p) => p.uid === uid);
    if (entry) {
      gid = entry.gid;
      username = entry.name;
    }
  } else {
    const entry = passwd.find((p) => p.name === spec.user);
    if (!entry) throw new RuntimeError("InvalidArgument", `unable to find user ${spec.user}: no users found`);
    uid = entry.uid;
    gid = entry.gid;
    username = entry.name;
  }
  if (spec.group !== undefined) {
    if (numeric.test(spec.group)) gid = Number(spec.group);
    else {
      const entry = groups.find((g) => g.name === spec.group);
      if (!entry) throw new RuntimeError("InvalidArgument", `unable to find group ${spec.group}: no groups found`);
      gid = entry.gid;
    }
  }

  // The primary group, the groups that list the user as a member, and the pod's
  // supplementalGroups: sorted and unique, as containerd merges them.
  const extra = username ? groups.filter((g) => g.name !== username && g.members.includes(username)).map((g) => g.gid) : [];
  const additionalGids = [...new Set([gid, ...extra, ...(req.supplementalGroups ?? [])])].sort((a, b) => a - b);
  return { uid, gid, additionalGids };
}

/**
 * Resolves `path` inside `root` the way the kernel would after a chroot: absolute symlink
 * targets and ".." stop at the root. Returns the host path, or undefined when a component
 * is missing or links loop.
 */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  const pending = posix.normalize(path).split("/").filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    const host = posix.join(root, ...resolved, part);
    let st;
    try {
      st = await lstat(host);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      if (++links > 40) return undefined;
      const target = await readlink(host);
      if (target.startsWith("/")) resolved.length = 0;
      pending.unshift(...target.split("/").filter(Boolean));
      continue;
    }
    resolved.push(part);
  }
  return posix.join(root, ...resolved);
}

async function readInRoot(root: string, path: string): Promise<string | undefined> {
  const host = await resolveInRoot(root, path);
  if (!host) return undefined;
  try {
    // Only a regular file: a FIFO planted in the image would block the read forever.
    if (!(await lstat(host)).isFile()) return undefined;
    return await readFile(host, "utf8");
  } catch {
    return undefined;
  }
}

export async function readUserFiles(rootfs: string): Promise<UserFiles> {
  const [passwd, group] = await Promise.all([readInRoot(rootfs, "/etc/passwd"), readInRoot(rootfs, "/etc/group")]);
  const files: UserFiles = {};
  if (passwd !== undefined) files.passwd = passwd;
  if (group !== undefined) files.group = group;
  return files;
}

/** Reads the root filesystem's user database and resolves the request against it. */
export async function resolveImageUser(rootfs: string, req: UserRequest): Promise<ResolvedUser> {
  return resolveUser(req, await readUserFiles(rootfs));
}
