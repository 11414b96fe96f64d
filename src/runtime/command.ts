/**
 * Runs the host binaries the runtime drives (runc, conmon, CNI plugins, mount, nft) and
 * turns a failure into an error that names the command and carries its stderr, because
 * that text is the only diagnosis those tools give.
 */
import { spawnThroughHelper } from "./command-spawner.js";

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
    signal: NodeJS.Signals | null,
  ) {
    const detail = stderr.trim() || stdout.trim() || (signal ? `killed by ${signal}` : `exit status ${exitCode}`);
    super(`${command}: ${detail}`);
    this.name = "CommandError";
  }
}

/** Runs the command from the spawner helper process (command-spawner.ts says why). */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const outcome = await spawnThroughHelper({
    file,
    args,
    env: options.env ?? process.env,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const stdout = outcome.stdout.toString();
  const stderr = outcome.stderr.toString();
  if (outcome.code === 0) return { stdout, stderr };
  const name = [file.split("/").pop(), ...args.slice(0, 2)].join(" ");
  throw new CommandError(name, outcome.code, stdout, stderr, outcome.signal);
}
