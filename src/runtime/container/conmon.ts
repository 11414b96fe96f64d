/**
 * Creates a container under conmon, the monitor that outlives us: conmon runs `runc create`,
 * then stays as the container's parent, writes its output as CRI-format log lines and its
 * exit code to an exit file. conmon daemonizes, so the container is never a child of Node.
 * Instead of sleeping until runc has made the container, we read conmon's sync pipe (the fd
 * named by _OCI_SYNCPIPE): with API version 1 it reports {"data": pid} on success and a
 * negative value with runc's error message on failure.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { RuntimeError } from "../errors.js";

export interface ConmonCreateOptions {
  conmonPath: string;
  runcPath: string;
  runcRoot: string;
  id: string;
  /** A readable name for conmon's own logs. */
  name: string;
  bundle: string;
  /** CRI-format log file (k8s-file driver); its directory must exist. */
  logPath: string;
  exitDir: string;
  socketDir: string;
  terminal: boolean;
  stdin: boolean;
  /** Close the container's stdin when the first attached client goes (Kubernetes' stdinOnce). */
  stdinOnce: boolean;
  timeoutMs?: number;
}

export function conmonArgs(o: ConmonCreateOptions): string[] {
  const args = [
    "--api-version", "1",
    "-c", o.id,
    "-u", o.id,
    "-n", o.name,
    "-r", o.runcPath,
    "-b", o.bundle,
    "-p", `${o.bundle}/pidfile`,
    "-P", `${o.bundle}/conmon.pid`,
    "-l", `k8s-file:${o.logPath}`,
    "--exit-dir", o.exitDir,
    "--socket-dir-path", o.socketDir,
    "--runtime-arg", `--root=${o.runcRoot}`,
    "--log-level", "error",
  ];
  if (o.terminal) args.push("-t");
  if (o.stdin) args.push("-i");
  // conmon closes stdin whenever an attached client leaves unless told otherwise.
  if (o.stdin && !o.stdinOnce) args.push("--leave-stdin-open");
  return args;
}

interface SyncMessage {
  data: number;
  message?: string;
}

/** Reads the first JSON line conmon writes on the sync pipe. */
function firstMessage(pipe: Readable): Promise<SyncMessage | undefined> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const done = (m: SyncMessage | undefined): void => {
      pipe.off("data", onData);
      pipe.off("end", onEnd);
      resolve(m);
    };
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString();
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      try {
        done(JSON.parse(buf.slice(0, nl)) as SyncMessage);
      } catch (e) {
        reject(new RuntimeError("Internal", `conmon wrote an unreadable sync message: ${buf.slice(0, nl)}`, { cause: e }));
      }
    };
    const onEnd = (): void => done(undefined);
    pipe.on("data", onData);
    pipe.on("end", onEnd);
    pipe.on("error", reject);
  });
}

/** Runs `runc create` under conmon and returns the container's init pid. */
export async function createWithConmon(o: ConmonCreateOptions): Promise<number> {
  const child = spawn(o.conmonPath, conmonArgs(o), {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    env: { ...process.env, _OCI_SYNCPIPE: "3" },
    detached: true,
  });
  const stderr: Buffer[] = [];
  child.stderr!.on("data", (b: Buffer) => stderr.push(b));
  const sync = child.stdio[3] as Readable;
  const spawnFailed = new Promise<never>((_, reject) => child.once("error", reject));
  spawnFailed.catch(() => {}); // an error after the race is settled must not go unhandled
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RuntimeError("Internal", `conmon did not report container ${o.id} within ${o.timeoutMs ?? 60000} ms`)),
      o.timeoutMs ?? 60000,
    );
  });
  try {
    const msg = await Promise.race([firstMessage(sync), spawnFailed, timeout]);
    if (!msg) {
      const why = Buffer.concat(stderr).toString().trim() || "conmon exited without reporting";
      throw new RuntimeError("Internal", `creating container ${o.id}: ${why}`);
    }
    if (msg.data <= 0) {
      throw new RuntimeError("Internal", `creating container ${o.id}: ${(msg.message ?? "runc create failed").trim()}`);
    }
    return msg.data;
  } finally {
    clearTimeout(timer);
    // The daemonized conmon keeps its end of the pipes; we must not wait for them to close.
    sync.destroy();
    child.stderr!.destroy();
    child.unref();
  }
}
