/**
 * A local process standing in for a container behind `serveRemoteCommand`, for tests that drive
 * the real kubectl through `src/httpstream`: it runs the requested command on this machine in
 * a directory of the test's choosing (plain pipes, or a node-pty terminal with `-t`), passes
 * resizes on, kills the process when the client goes away, and reports every process it
 * started so a test can check none outlived its client.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { spawn as spawnPty } from "node-pty";
import type { RemoteCommandResult, RemoteCommandStreams } from "../../src/httpstream/remotecommand/index.js";

export interface LocalProcess {
  readonly pid: number;
  /** Resolves with how the process ended: its exit code, or the signal's name. */
  readonly ended: Promise<number | string>;
  /** False once `ended` resolved. */
  readonly running: boolean;
}

export interface LocalCommandRunner {
  /** A `run` for `serveRemoteCommand` that executes `command`. */
  run(command: readonly string[], streams: RemoteCommandStreams): Promise<RemoteCommandResult>;
  /** Every process started so far, in order. */
  readonly processes: LocalProcess[];
  /** Every terminal size `run` received, in order. */
  readonly resizes: Array<{ width: number; height: number }>;
}

export function localCommandRunner(cwd: string): LocalCommandRunner {
  const processes: LocalProcess[] = [];
  const resizes: Array<{ width: number; height: number }> = [];
  const track = (pid: number, ended: Promise<number | string>): void => {
    const entry = { pid, ended, running: true };
    void ended.then(() => (entry.running = false));
    processes.push(entry);
  };
  const run = (command: readonly string[], streams: RemoteCommandStreams): Promise<RemoteCommandResult> => {
    const [file, ...args] = command;
    if (file === undefined) return Promise.resolve({ error: "no command given" });
    return streams.tty ? runInTerminal(file, args, streams) : runPiped(file, args, streams);
  };

  const runPiped = (file: string, args: string[], streams: RemoteCommandStreams): Promise<RemoteCommandResult> =>
    new Promise((resolve) => {
      const child = spawn(file, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
      child.once("error", (e: NodeJS.ErrnoException) =>
        resolve({ error: e.code === "ENOENT" ? `exec: "${file}": executable file not found in $PATH` : e.message }),
      );
      if (child.pid === undefined) return;
      track(child.pid, new Promise((r) => child.once("exit", (code, signal) => r(code ?? signal ?? "unknown"))));
      child.stdin.on("error", () => {}); // the process may exit before reading all its input
      if (streams.stdin) streams.stdin.pipe(child.stdin);
      else child.stdin.end();
      if (streams.stdout) child.stdout.pipe(streams.stdout, { end: false });
      else child.stdout.resume();
      if (streams.stderr) child.stderr.pipe(streams.stderr, { end: false });
      else child.stderr.resume();
      const kill = (): boolean => child.kill("SIGKILL");
      streams.signal.addEventListener("abort", kill, { once: true });
      // 'close' waits for stdout and stderr to end, so all output has been handed on.
      child.once("close", (code, signal) => {
        streams.signal.removeEventListener("abort", kill);
        resolve({ exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0) });
      });
    });

  const runInTerminal = (file: string, args: string[], streams: RemoteCommandStreams): Promise<RemoteCommandResult> =>
    new Promise((resolve) => {
      const pty = spawnPty(file, args, { cols: 80, rows: 24, cwd, encoding: null, env: process.env as Record<string, string> });
      let markEnded: (how: number | string) => void = () => {};
      track(pty.pid, new Promise((r) => (markEnded = r)));
      // With encoding null node-pty hands out Buffers, though its typings say string.
      pty.onData((d: string | Buffer) => streams.stdout?.write(d));
      streams.stdin?.on("data", (d: Buffer) => pty.write(d.toString("utf8")));
      void (async () => {
        for await (const size of streams.resize ?? []) {
          resizes.push(size);
          if (size.width > 0 && size.height > 0) pty.resize(size.width, size.height);
        }
      })().catch(() => {});
      const kill = (): void => pty.kill("SIGKILL");
      streams.signal.addEventListener("abort", kill, { once: true });
      pty.onExit(({ exitCode, signal }) => {
        streams.signal.removeEventListener("abort", kill);
        markEnded(signal ? `signal ${signal}` : exitCode);
        resolve({ exitCode: signal ? 128 + signal : exitCode });
      });
    });

  return { run, processes, resizes };
}
