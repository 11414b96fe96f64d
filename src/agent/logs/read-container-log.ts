/**
 * Reading a container's CRI log file for `kubectl logs` (the kubelet's ReadLogs): from the
 * tail offset or the start, through the writer's since/timestamps/limit rules, and with
 * `follow` on past the end: the file is watched (inotify through fs.watch) until the
 * container is no longer running, then read to its end once more and the stream ends. When
 * log rotation renames the file and the runtime starts a new one at the path, a follow reads
 * the old file to its end and continues with the new one from its start.
 */
import { watch, type FSWatcher } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { CriLogWriter, LineSplitter, parseCriLogLine, tailStart, type LogWriterOptions } from "./cri-log.js";

export interface ReadLogOptions extends LogWriterOptions {
  /** Only the last N lines of the file (absent: all). */
  tailLines?: number;
  follow: boolean;
}

export interface ReadLogControl {
  /** Ends the read (the client went away). */
  signal: AbortSignal;
  /** Whether the container still runs; following stops once it does not. */
  isRunning(): Promise<boolean>;
  /** How often a follow re-checks the container while the file is quiet (default 1 s). */
  recheckMs?: number;
}

const chunkSize = 64 * 1024;
/** How soon a follow looks again while its file was renamed and the new one is not there yet. */
const renamedRecheckMs = 50;

/** Streams the log at `path` to `write` (which should wait for the consumer); resolves at the end. */
export async function readContainerLog(
  path: string,
  options: ReadLogOptions,
  write: (chunk: Buffer) => Promise<void>,
  control: ReadLogControl,
): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (e) {
    // No output yet (the runtime creates the file at the first line): an empty log.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  let watcher = options.follow ? new FileChangeWatch(path) : undefined;
  try {
    let position = options.tailLines !== undefined ? await tailOffset(fh, options.tailLines) : 0;
    const splitter = new LineSplitter();
    const writer = new CriLogWriter(options);
    const buffer = Buffer.allocUnsafe(chunkSize);
    let lastPass = false;
    /** Log rotation put a new file at the path: read the old one to its end, then switch. */
    let replaced = false;
    for (;;) {
      if (control.signal.aborted) return;
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, position);
      if (bytesRead > 0) {
        position += bytesRead;
        for (const line of splitter.push(Buffer.from(buffer.subarray(0, bytesRead)))) {
          const msg = parseCriLogLine(line);
          if (!msg) continue;
          const out = writer.write(msg);
          if (out.length > 0) await write(out);
          if (writer.full || control.signal.aborted) return;
        }
        continue;
      }
      if (!watcher) return;
      if (replaced) {
        // The old file is read to its end (the runtime closed it before creating the new one):
        // go on with the new file from its start, as the kubelet's follow does.
        replaced = false;
        const next = await openIfPresent(path);
        if (next) {
          await fh.close();
          fh = next;
          position = 0;
          watcher.close();
          watcher = new FileChangeWatch(path);
          continue;
        }
      }
      const atPath = await fileAtPath(path, fh);
      if (atPath === "replaced") {
        replaced = true;
        continue;
      }
      if (lastPass) return;
      // At the end of the file: done once the container has stopped and its last lines are read.
      if (!(await control.isRunning())) {
        lastPass = true;
        continue;
      }
      // Renamed by a rotation and the new file not there yet: the watch of the old file will
      // not see the new one, so look again soon.
      const recheckMs = control.recheckMs ?? 1000;
      await watcher.changed(atPath === "missing" ? Math.min(recheckMs, renamedRecheckMs) : recheckMs, control.signal);
    }
  } finally {
    watcher?.close();
    await fh.close();
  }
}

/** What is at `path` now: the open file, another one (the open one was rotated away), or nothing. */
async function fileAtPath(path: string, fh: FileHandle): Promise<"same" | "replaced" | "missing"> {
  try {
    return (await stat(path)).ino === (await fh.stat()).ino ? "same" : "replaced";
  } catch {
    return "missing"; // renamed, and the new file is not there yet
  }
}

async function openIfPresent(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch {
    return undefined;
  }
}

/** Where the last `lines` lines of the file start, reading backwards in chunks. */
async function tailOffset(fh: FileHandle, lines: number): Promise<number> {
  const { size } = await fh.stat();
  let start = size;
  for (;;) {
    start = Math.max(0, start - chunkSize);
    const data = Buffer.alloc(size - start);
    await fh.read(data, 0, data.length, start);
    const at = tailStart(data, lines, start === 0);
    if (at !== undefined) return start + at;
  }
}

/** Wakes a waiter when the file changes, or after a timeout so the container can be re-checked. */
class FileChangeWatch {
  #watcher: FSWatcher | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;

  constructor(path: string) {
    try {
      this.#watcher = watch(path, { persistent: false }, () => {
        this.#dirty = true;
        this.#wake?.();
      });
      this.#watcher.on("error", () => this.close());
    } catch {
      // No inotify (watch limit reached): the timeout alone paces the reads.
    }
  }

  changed(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#dirty) {
      this.#dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        this.#dirty = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done);
      this.#wake = done;
    });
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
