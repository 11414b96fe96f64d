/**
 * A thin wrapper over the runc commands the container manager uses directly (creation goes
 * through conmon). Every call passes `--root` so this runtime's containers live in their own
 * runc state directory, apart from any other runc user on the host; "does not exist" is an
 * answer (undefined / nothing to do), not an error, so teardown stays idempotent.
 */
import { CommandError, run } from "../command.js";

export type RuncStatus = "creating" | "created" | "running" | "pausing" | "paused" | "stopped";

export interface RuncState {
  id: string;
  pid: number;
  status: RuncStatus;
  bundle: string;
  created: string;
}

function missing(e: unknown): boolean {
  return e instanceof CommandError && /does not exist|not exist|no such file/i.test(e.stderr + e.stdout);
}

function notRunning(e: unknown): boolean {
  return e instanceof CommandError && /not running|stopped|process already finished|no such process/i.test(e.stderr + e.stdout);
}

export class Runc {
  constructor(
    readonly binary: string,
    readonly root: string,
  ) {}

  /** Arguments that put any runc subcommand under this runtime's root. */
  args(...rest: string[]): string[] {
    return ["--root", this.root, ...rest];
  }

  async state(id: string): Promise<RuncState | undefined> {
    try {
      const { stdout } = await run(this.binary, this.args("state", id));
      return JSON.parse(stdout) as RuncState;
    } catch (e) {
      if (missing(e)) return undefined;
      throw e;
    }
  }

  async list(): Promise<RuncState[]> {
    const { stdout } = await run(this.binary, this.args("list", "--format", "json"));
    // runc prints "null" when it has no containers.
    return (JSON.parse(stdout.trim() || "null") as RuncState[] | null) ?? [];
  }

  async start(id: string): Promise<void> {
    await run(this.binary, this.args("start", id));
  }

  /** Sends a signal; a container that has already stopped or is gone is not an error. */
  async kill(id: string, signal: string, options: { all?: boolean } = {}): Promise<void> {
    try {
      await run(this.binary, this.args("kill", ...(options.all ? ["--all"] : []), id, signal));
    } catch (e) {
      if (missing(e) || notRunning(e)) return;
      throw e;
    }
  }

  /** Deletes runc's state and cgroup of the container; forced, it kills a running one first. */
  async delete(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await run(this.binary, this.args("delete", ...(options.force ? ["--force"] : []), id));
    } catch (e) {
      if (missing(e)) return;
      throw e;
    }
  }
}
