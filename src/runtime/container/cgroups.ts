/**
 * The host's cgroup hierarchies as runc's cgroupfs driver uses them: cgroup v1 (one
 * hierarchy per controller, often with a v2 "unified" mount beside them, as on this
 * machine) or a single v2 tree. An absolute cgroupsPath lands at the same path under every
 * hierarchy's mount point. The container manager needs this to tell an OOM kill from
 * the memory controller's counters before `runc delete` removes the cgroup, and to remove
 * the empty parent cgroups runc created, which runc itself leaves behind.
 */
import { existsSync, readFileSync, rmdirSync } from "node:fs";
import { posix } from "node:path";

export interface CgroupHost {
  version: 1 | 2;
  /** Mount points of every cgroup hierarchy (v1 controllers, name=systemd, unified). */
  hierarchies: string[];
  /** Mount point of the hierarchy with the memory controller. */
  memory: string | undefined;
  /** Whether memory limits can also limit swap (v1 memory.memsw.*, v2 memory.swap.max). */
  swapLimit: boolean;
}

interface CgroupMount {
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

function cgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const l = left.split(" ");
    const [fsType, , superOptions] = right.split(" ");
    // Only whole hierarchies: a bind mount of a sub-cgroup is not where runc creates paths.
    if ((fsType === "cgroup" || fsType === "cgroup2") && l[3] === "/" && l[4]) {
      out.push({ mountPoint: l[4], fsType, superOptions: (superOptions ?? "").split(",") });
    }
  }
  return out;
}

export function detectCgroups(mountinfo: string = readFileSync("/proc/self/mountinfo", "utf8")): CgroupHost {
  const mounts = cgroupMounts(mountinfo);
  const unifiedRoot = mounts.find((m) => m.fsType === "cgroup2" && m.mountPoint === "/sys/fs/cgroup");
  if (unifiedRoot) {
    return {
      version: 2,
      hierarchies: [unifiedRoot.mountPoint],
      memory: unifiedRoot.mountPoint,
      // runc turns swap == limit into memory.swap.max=0 and tolerates hosts without swap accounting.
      swapLimit: true,
    };
  }
  const memory = mounts.find((m) => m.fsType === "cgroup" && m.superOptions.includes("memory"))?.mountPoint;
  return {
    version: 1,
    hierarchies: [...new Set(mounts.map((m) => m.mountPoint))],
    memory,
    swapLimit: memory !== undefined && existsSync(posix.join(memory, "memory.memsw.limit_in_bytes")),
  };
}

/** How many processes of the cgroup the kernel's OOM killer has killed (0 when it is gone). */
export function oomKillCount(host: CgroupHost, cgroupsPath: string): number {
  if (!host.memory) return 0;
  const file = host.version === 1 ? "memory.oom_control" : "memory.events";
  let text: string;
  try {
    text = readFileSync(posix.join(host.memory, cgroupsPath, file), "utf8");
  } catch {
    return 0;
  }
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

function rmdirIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * Removes the container's cgroup in every hierarchy, then each parent up to the top of
 * the path while it is empty. rmdir refuses a cgroup with processes or children, so a
 * parent another pod or container still uses is never touched. A parent that `busy` names
 * is kept too: runc may be about to create a container below it, and removing it between
 * runc's mkdir of the parent and of the child would fail that create.
 */
export function removeCgroup(host: CgroupHost, cgroupsPath: string, busy: (parent: string) => boolean = () => false): void {
  const parts = posix.normalize(cgroupsPath).split("/").filter(Boolean);
  for (const root of host.hierarchies) {
    for (let n = parts.length; n > 0; n--) {
      if (n < parts.length && busy(`/${parts.slice(0, n).join("/")}`)) break;
      if (!rmdirIfEmpty(posix.join(root, ...parts.slice(0, n)))) break;
    }
  }
}

/** Whether the cgroup still exists in any hierarchy (for tests and reset checks). */
export function cgroupExists(host: CgroupHost, cgroupsPath: string): boolean {
  return host.hierarchies.some((root) => existsSync(posix.join(root, cgroupsPath)));
}
