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
import { readFileSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * runc's own failure to start the process (a missing binary, a bad cwd) is exit code 255
 * with an error-level line in its log, which goes to a file so that the process's stderr
 * carries only the process's output. That is an error, not an exit code: containerd reports
 * it as `OCI runtime exec failed: <runc's message>: unknown`, and so do we.
 */
function runcLogArgs(logFile: string): string[] {
  return ["--log", logFile, "--log-format", "json"];
}

function startFailure(logFile: string, code: number): RuntimeError | undefined {
  if (code !== 255) return undefined;
  let text: string;
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === "error" || entry.level === "fatal") && entry.msg) {
        return new RuntimeError("Internal", `OCI runtime exec failed: ${entry.msg}: unknown`);
      }
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** Settles an exec's exit once runc is gone: its exit code, or why runc could not start it. */
function settle(resolve: (code: number) => void, reject: (e: Error) => void, files: { pidFile: string; logFile: string }, code: number): void {
  const failure = startFailure(files.logFile, code);
  rmSync(files.pidFile, { force: true });
  rmSync(files.logFile, { force: true });
  if (failure) reject(failure);
  else resolve(code);
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
  const logFile = `${pidFile}.log`;
  const child = spawnChild(t.runc.binary, t.runc.args(...runcLogArgs(logFile), "exec", "--pid-file", pidFile, t.containerId, ...o.cmd), {
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
      settle(resolve, reject, { pidFile, logFile }, exitStatus(code, signal));
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

/**
 * The container's process spec with the exec's command and terminal size. `runc exec -t`
 * alone sizes the new console from its own terminal only after the process has started, so
 * a command that looks at once saw 0x0; a process spec's consoleSize is applied by runc's
 * init before the process runs. Without --process runc starts from the same spec.process.
 */
function terminalProcessSpec(t: ExecTarget, cmd: string[], size: TerminalSize): object {
  const spec = JSON.parse(readFileSync(join(t.stateDir, "config.json"), "utf8")) as { process?: Record<string, unknown> };
  return { ...spec.process, args: cmd, terminal: true, consoleSize: { height: size.height, width: size.width } };
}

function startTerminal(t: ExecTarget, o: ExecOptions, pidFile: string): ExecSession {
  const size: TerminalSize = o.size && o.size.width > 0 && o.size.height > 0 ? o.size : { width: 80, height: 24 };
  const processFile = pidFile.replace(/\.pid$/, ".process.json");
  writeFileSync(processFile, JSON.stringify(terminalProcessSpec(t, o.cmd, size)));
  const logFile = `${pidFile}.log`;
  const pty = spawnPty(t.runc.binary, t.runc.args(...runcLogArgs(logFile), "exec", "-t", "--pid-file", pidFile, "--process", processFile, t.containerId), {
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
  const exit = new Promise<number>((resolve, reject) => {
    pty.onExit(({ exitCode, signal }) => {
      exited = true;
      rmSync(processFile, { force: true });
      settle(resolve, reject, { pidFile, logFile }, signal ? 128 + signal : exitCode);
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
