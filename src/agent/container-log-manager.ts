/**
 * Container log rotation (the kubelet's container log manager): conmon appends a running
 * container's output to its CRI log file forever, so every monitor interval each running
 * container's file that has reached the max size is rotated: rotated files beyond the
 * allowance are removed (oldest first, so an ongoing read of a newer one is not broken), all
 * but the newest rotated file are gzipped, the current file is renamed to
 * `<log path>.<timestamp>` and the runtime reopens the log (CRI ReopenContainerLog), so the
 * container writes a fresh file at the same path. If the reopen fails the file is renamed
 * back, as upstream does, and the next interval tries again.
 *
 * At most maxFiles files per container stay: after a rotation, the current file, the two
 * newest rotated ones (plain: a follow may still be reading the one just renamed) and
 * maxFiles-3 gzipped ones. Rotated names have one-second resolution, so a container rotates at
 * most once a second (a second rotation would overwrite the first; it waits for the next pass).
 */
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { systemClock, type Clock } from "../base/index.js";
import type { ContainerStatus as RuntimeContainerStatus, RuntimeService } from "../runtime/index.js";
import { podUidLabel } from "./pod-sandbox-config.js";

/** The kubelet's defaults (containerLogMaxSize, containerLogMaxFiles, containerLogMaxWorkers, containerLogMonitorInterval). */
export const defaultContainerLogMaxSize = 10 * 1024 * 1024;
export const defaultContainerLogMaxFiles = 5;
export const defaultContainerLogMaxWorkers = 1;
export const defaultContainerLogMonitorIntervalMs = 10_000;

const compressSuffix = ".gz";
const tmpSuffix = ".tmp";

export interface ContainerLogPolicy {
  /** Bytes a log file may reach before it is rotated. */
  maxSize: number;
  /** Files kept per container, the current one included (at least 2). */
  maxFiles: number;
}

/** The kubelet's validation of containerLogMaxFiles (and a usable size); returns the problems. */
export function validateContainerLogPolicy(p: ContainerLogPolicy): string[] {
  const errors: string[] = [];
  if (!(Number.isInteger(p.maxFiles) && p.maxFiles > 1)) errors.push("invalid configuration: containerLogMaxFiles must be greater than 1");
  if (!(p.maxSize > 0)) errors.push(`invalid configuration: containerLogMaxSize ${p.maxSize} must be greater than 0`);
  return errors;
}

/** Go's layout "20060102-150405" in local time, as the kubelet names rotated files. */
export function rotationTimestamp(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

export interface RotationPlan {
  /** Leftovers of an interrupted compression, and rotated files beyond the allowance. */
  remove: string[];
  /** Rotated files to gzip: every kept one but the newest, unless already compressed. */
  compress: string[];
}

/**
 * What to do with a container's rotated files (`<log path>.*`, the current file excluded)
 * before the current file is rotated. Pure, so the rules are tested on listings alone.
 */
export function planLogRotation(rotated: readonly string[], maxFiles: number): RotationPlan {
  const present = new Set(rotated);
  // A .tmp is a compression that never finished; a plain file beside its .gz was compressed
  // but not removed yet (upstream's cleanupUnusedLogs).
  const unused = rotated.filter((f) => f.endsWith(tmpSuffix) || present.has(`${f}${compressSuffix}`));
  const inUse = rotated.filter((f) => !unused.includes(f)).sort();
  // The runtime writes a new current file and the current one becomes rotated: beside those
  // two, maxFiles-2 rotated files may stay.
  const excess = Math.max(0, inUse.length - Math.max(0, maxFiles - 2));
  const kept = inUse.slice(excess);
  return {
    remove: [...unused, ...inUse.slice(0, excess)],
    compress: kept.slice(0, -1).filter((f) => !f.endsWith(compressSuffix)),
  };
}

/** The rotated files of a container's log: `<log path>.*` beside it. */
export async function rotatedLogsOf(logPath: string): Promise<string[]> {
  const prefix = `${basename(logPath)}.`;
  try {
    return (await readdir(dirname(logPath))).filter((n) => n.startsWith(prefix)).map((n) => join(dirname(logPath), n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Removes a container's log file and its rotated files (container GC, when the instance goes). */
export async function removeContainerLogs(logPath: string): Promise<void> {
  await rm(logPath, { force: true });
  for (const f of await rotatedLogsOf(logPath)) await rm(f, { force: true });
}

/** gzips into `<file>.tmp`, renames that to `<file>.gz`, then removes the plain file. */
async function compressLog(file: string): Promise<void> {
  const tmp = `${file}${tmpSuffix}`;
  try {
    await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp, { mode: 0o640 }));
    await rename(tmp, `${file}${compressSuffix}`);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rm(file, { force: true });
}

export interface ContainerLogManagerOptions extends ContainerLogPolicy {
  runtime: Pick<RuntimeService, "listContainers" | "reopenContainerLog">;
  /** Default 10 s. */
  monitorIntervalMs?: number;
  /** Containers rotated at once (default 1). */
  maxWorkers?: number;
  clock?: Clock;
  log?: (message: string) => void;
}

export class ContainerLogManager {
  readonly #o: ContainerLogManagerOptions;
  readonly #clock: Clock;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: ContainerLogManagerOptions) {
    const errors = validateContainerLogPolicy(options);
    if (errors.length > 0) throw new Error(errors.join("; "));
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Starts the monitor (again after a stop). */
  start(): void {
    if (this.#loop) return;
    this.#abort = new AbortController();
    this.#loop = this.#run(this.#abort.signal);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const interval = this.#o.monitorIntervalMs ?? defaultContainerLogMonitorIntervalMs;
    for (;;) {
      try {
        await this.#clock.sleep(interval, signal);
      } catch {
        return; // stopped
      }
      try {
        await this.rotateLogs();
      } catch (e) {
        this.#log(`container log rotation: ${String(e)}`);
      }
    }
  }

  #log(message: string): void {
    (this.#o.log ?? ((m) => console.error(m)))(message);
  }

  /** One pass over the agent's running containers (the monitor runs it every interval). */
  async rotateLogs(): Promise<void> {
    const running = (await this.#o.runtime.listContainers({ state: "CONTAINER_RUNNING" }))
      .filter((c) => c.logPath !== "" && c.labels[podUidLabel] !== undefined);
    const queue = [...running];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c && !this.#abort.signal.aborted; c = queue.shift()) {
        try {
          await this.#rotateIfNeeded(c);
        } catch (e) {
          this.#log(`cannot rotate the log of container ${c.id} (${c.metadata.name}): ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.#o.maxWorkers ?? defaultContainerLogMaxWorkers) }, worker));
  }

  async #rotateIfNeeded(c: RuntimeContainerStatus): Promise<void> {
    let size: number;
    try {
      size = (await stat(c.logPath)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      // Someone removed the file: the runtime writes a new one (as upstream does).
      await this.#o.runtime.reopenContainerLog(c.id);
      return;
    }
    if (size < this.#o.maxSize) return;
    const plan = planLogRotation(await rotatedLogsOf(c.logPath), this.#o.maxFiles);
    for (const f of plan.remove) await rm(f, { force: true });
    for (const f of plan.compress) await compressLog(f);
    await this.#rotateLatest(c);
  }

  async #rotateLatest(c: RuntimeContainerStatus): Promise<void> {
    const rotated = `${c.logPath}.${rotationTimestamp(this.#clock.now())}`;
    // The name has one-second resolution: a second rotation within it waits for the next
    // interval rather than overwrite the file rotated before.
    if (await exists(rotated) || await exists(`${rotated}${compressSuffix}`)) return;
    await rename(c.logPath, rotated);
    try {
      await this.#o.runtime.reopenContainerLog(c.id);
    } catch (e) {
      // The container keeps writing to the renamed file: give it its name back.
      try {
        await rename(rotated, c.logPath);
      } catch (back) {
        this.#log(`cannot rename ${rotated} back to ${c.logPath}: ${String(back)}`);
      }
      throw e;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
