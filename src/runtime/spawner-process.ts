/**
 * The command spawner's own process (see command-spawner.ts): a small Node process that
 * starts the commands its parent asks for over the IPC channel and sends back their exit
 * status and output. Forking it is cheap because it is small, and the time its fork()
 * blocks is its own, not the parent's event loop.
 *
 * It ignores SIGINT and SIGTERM (a Ctrl-C reaches the whole process group, and the parent
 * may still run commands while it shuts down) and exits when its parent's channel closes.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type { SpawnReply, SpawnRequest } from "./command-spawner.js";

function send(reply: SpawnReply): void {
  // The parent may be gone: its channel closes, and the disconnect handler ends this process.
  if (process.connected) process.send!(reply);
}

/** A daemon (SpawnRequest.daemon): answered at its first line on fd 3, then let go. */
function runDaemon(req: SpawnRequest): void {
  let child;
  try {
    child = spawn(req.file, req.args, { stdio: ["ignore", "ignore", "pipe", "pipe"], env: req.env, cwd: req.cwd, detached: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    send({ id: req.id, error: { message: err.message, code: err.code } });
    return;
  }
  const report = child.stdio[3] as Readable;
  const err: Buffer[] = [];
  let line = "";
  let answered = false;
  const answer = (error?: NodeJS.ErrnoException): void => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    if (error) send({ id: req.id, error: { message: error.message, code: error.code } });
    else send({ id: req.id, code: child.exitCode, signal: child.signalCode, stdout: Buffer.from(line), stderr: Buffer.concat(err) });
    // The daemon keeps its ends of the pipes: do not wait for them to close.
    report.destroy();
    child.stderr!.destroy();
    child.unref();
  };
  const timer = setTimeout(() => answer(), req.timeoutMs ?? 60_000);
  child.stderr!.on("data", (b: Buffer) => err.push(b));
  child.on("error", (e: NodeJS.ErrnoException) => answer(e));
  report.on("data", (b: Buffer) => {
    line += b.toString();
    const nl = line.indexOf("\n");
    if (nl < 0) return;
    line = line.slice(0, nl);
    answer();
  });
  report.on("end", () => answer());
  report.on("error", () => answer());
}

function runRequest(req: SpawnRequest): void {
  if (req.daemon) {
    runDaemon(req);
    return;
  }
  let child;
  try {
    child = spawn(req.file, req.args, { stdio: ["pipe", "pipe", "pipe"], env: req.env, cwd: req.cwd, timeout: req.timeoutMs });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    send({ id: req.id, error: { message: err.message, code: err.code } });
    return;
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let failed = false;
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => err.push(b));
  child.on("error", (e: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    send({ id: req.id, error: { message: e.message, code: e.code } });
  });
  child.on("close", (code, signal) => {
    if (failed) return;
    send({ id: req.id, code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
  });
  child.stdin.on("error", () => {}); // a child that exits before reading its input
  child.stdin.end(req.input);
}

process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});
process.on("disconnect", () => process.exit(0));
process.on("message", (req: SpawnRequest) => runRequest(req));
send({ id: 0, ready: true });
