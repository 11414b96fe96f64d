/**
 * Runs a command in a running container with `runc exec`, which copies the container's
 * process settings (env, user, capabilities, cwd). Without a TTY, runc hands its own stdio
 * to the process, so pipes carry stdin, stdout and stderr and runc's exit code is the
 * command's. With a TTY, runc needs a terminal of its own: it runs on a pseudo-terminal
 * from node-pty, relays it to a new console in the container and passes window resizes on.
 *
 * Killing the runc client is not enough when a client goes away: the exec'd process lives
 * in the container's namespaces and would outlive it, so runc's --pid-file tells us which
 * host pid to kill.
 */
import { spawn as spawnChild } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import { Writable } from "node:stream";
import { spawn as spawnPty } from "node-pty";
import { RuntimeError } from "../errors.js";
import type { ExecOptions, ExecSession, ExecSyncResult, TerminalSize } from "../runtime.js";
import type { Runc } from "./runc.js";

export interface ExecTarget {
  runc: Runc;
  containerId: string;
  /** A directory for the exec's pid file (the container's directory). */
  stateDir: string;
}

function killByPidFile(pidFile: string): void {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
  } catch {
    return;
  }
  if (!(pid > 1)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n ? 128 + n : 255;
}

function pipeStdin(stdin: ExecOptions["stdin"], write: (b: Buffer) => void, end: () => void): void {
  if (!stdin) return;
  stdin.on("data", (b: Buffer | string) => write(typeof b === "string" ? Buffer.from(b) : b));
  stdin.once("end", end);
  stdin.on("error", end);
}

function startPiped(t: ExecTarget, o: ExecOptions, pidFile: string): ExecSession {
  const child = spawnChild(t.runc.binary, t.runc.args("exec", "--pid-file", pidFile, t.containerId, ...o.cmd), {
    stdio: [o.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let exited = false;
  if (o.stdin && child.stdin) {
    const stdin = child.stdin;
    stdin.on("error", () => {}); // the process may exit without reading its input
    pipeStdin(o.stdin, (b) => stdin.write(b), () => stdin.end());
  }
  const forward = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream | undefined): void => {
    if (!from) return;
    if (to) from.on("data", (b: Buffer) => to.write(b));
    else from.resume();
  };
  forward(child.stdout, o.stdout);
  forward(child.stderr, o.stderr);
  const exit = new Promise<number>((resolve, reject) => {
    child.once("error", (e) => reject(new RuntimeError("Internal", `runc exec: ${e.message}`, { cause: e })));
    child.once("close", (code, signal) => {
      exited = true;
      rmSync(pidFile, { force: true });
      resolve(exitStatus(code, signal));
    });
  });
  return {
    exit,
    resize: () => {},
    kill: () => {
      if (exited) return;
      killByPidFile(pidFile);
      child.kill("SIGKILL");
    },
  };
}

function startTerminal(t: ExecTarget, o: ExecOptions, pidFile: string): ExecSession {
  const size: TerminalSize = o.size ?? { width: 80, height: 24 };
  const pty = spawnPty(t.runc.binary, t.runc.args("exec", "-t", "--pid-file", pidFile, t.containerId, ...o.cmd), {
    cols: size.width,
    rows: size.height,
    encoding: null,
    env: process.env as Record<string, string>,
  });
  let exited = false;
  // With encoding null node-pty hands out Buffers, though its typings say string.
  pty.onData((d: string | Buffer) => o.stdout?.write(d));
  // A terminal has no separate end of input: end-of-file is ^D, as a shell reads it.
  pipeStdin(o.stdin, (b) => pty.write(b), () => {
    if (!exited) pty.write("\x04");
  });
  const exit = new Promise<number>((resolve) => {
    pty.onExit(({ exitCode, signal }) => {
      exited = true;
      rmSync(pidFile, { force: true });
      resolve(signal ? 128 + signal : exitCode);
    });
  });
  return {
    exit,
    resize: (s) => {
      if (!exited && s.width > 0 && s.height > 0) pty.resize(s.width, s.height);
    },
    kill: () => {
      if (exited) return;
      killByPidFile(pidFile);
      pty.kill("SIGKILL");
    },
  };
}

export function startExec(t: ExecTarget, o: ExecOptions): ExecSession {
  if (o.cmd.length === 0) throw new RuntimeError("InvalidArgument", "exec needs a command");
  const pidFile = join(t.stateDir, `exec-${randomBytes(6).toString("hex")}.pid`);
  return o.tty ? startTerminal(t, o, pidFile) : startPiped(t, o, pidFile);
}

/** Runs a command to completion with its output collected, killed after the timeout (0: none). */
export async function execSync(t: ExecTarget, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const collect = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into.push(chunk);
        done();
      },
    });
  const session = startExec(t, { cmd, tty: false, stdout: collect(stdout), stderr: collect(stderr) });
  let timedOut = false;
  const timer =
    timeoutSeconds > 0
      ? setTimeout(() => {
          timedOut = true;
          session.kill();
        }, timeoutSeconds * 1000)
      : undefined;
  try {
    const exitCode = await session.exit;
    return { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode, timedOut };
  } finally {
    clearTimeout(timer);
  }
}
