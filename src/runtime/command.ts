/**
 * Runs the host binaries the runtime drives (runc, conmon, CNI plugins, mount, nft) and
 * turns a failure into an error that names the command and carries its stderr, because
 * that text is the only diagnosis those tools give.
 */
import { spawn } from "node:child_process";

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

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      const name = [file.split("/").pop(), ...args.slice(0, 2)].join(" ");
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(name, code, stdout, stderr, signal));
    });
    child.stdin.on("error", () => {}); // a child that exits before reading its input
    child.stdin.end(options.input);
  });
}
