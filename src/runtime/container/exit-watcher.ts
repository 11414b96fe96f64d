/**
 * Notices container exits from the exit files conmon writes (exits/<container id>, holding
 * the exit code) through inotify on that directory, so an exit is an event and nothing
 * polls. conmon writes the file atomically (temp file, then rename), so a file with the
 * container's name is always complete. A scan at start finds the exits that happened while
 * no process was watching. Consumers must accept the same exit more than once.
 */
import { watch, type FSWatcher } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

export interface ContainerExit {
  id: string;
  exitCode: number;
  /** When conmon wrote the exit file, in milliseconds since the epoch. */
  finishedAt: number;
}

/** Container ids are 64 hex characters; conmon's temporary files have a suffix. */
const containerId = /^[0-9a-f]{64}$/;

export async function readExitFile(dir: string, id: string): Promise<ContainerExit | undefined> {
  const path = join(dir, id);
  try {
    const [text, st] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    const code = Number.parseInt(text.trim(), 10);
    if (!Number.isFinite(code)) return undefined;
    return { id, exitCode: code, finishedAt: Math.round(st.mtimeMs) };
  } catch {
    return undefined;
  }
}

export class ExitWatcher {
  private watcher: FSWatcher | undefined;

  constructor(
    private readonly dir: string,
    private readonly onExit: (exit: ContainerExit) => void,
  ) {}

  /** Starts watching, then returns the exits already on disk. */
  async start(): Promise<ContainerExit[]> {
    this.watchDir();
    return this.scan();
  }

  private watchDir(): void {
    const w = watch(this.dir, (_event, filename) => {
      if (filename && containerId.test(filename)) void this.report(filename);
    });
    // A failed watcher is closed by Node: watch again, then rescan for what was missed.
    w.on("error", () => {
      if (this.watcher !== w) return;
      w.close();
      try {
        this.watchDir();
      } catch {
        this.watcher = undefined;
        return;
      }
      void this.rescan();
    });
    this.watcher = w;
  }

  async scan(): Promise<ContainerExit[]> {
    const names = (await readdir(this.dir)).filter((n) => containerId.test(n));
    const exits = await Promise.all(names.map((n) => readExitFile(this.dir, n)));
    return exits.filter((e): e is ContainerExit => e !== undefined);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async report(id: string): Promise<void> {
    const exit = await readExitFile(this.dir, id);
    if (exit && this.watcher) this.onExit(exit);
  }

  private async rescan(): Promise<void> {
    if (!this.watcher) return;
    for (const exit of await this.scan().catch(() => [])) this.onExit(exit);
  }
}
