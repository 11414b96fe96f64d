/**
 * Creates a container under conmon, the monitor that outlives us: conmon runs `runc create`,
 * then stays as the container's parent, writes its output as CRI-format log lines and its
 * exit code to an exit file. conmon daemonizes, so the container is never a child of Node.
 * Instead of sleeping until runc has made the container, we read conmon's sync pipe (the fd
 * named by _OCI_SYNCPIPE): with API version 1 it reports {"data": pid} on success and a
 * negative value with runc's error message on failure.
 */
import { spawnThroughHelper } from "../command-spawner.js";
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

/**
 * Runs `runc create` under conmon and returns the container's init pid. conmon is started
 * from the spawner helper like every other command (command-spawner.ts says why), which
 * hands back its first sync message.
 */
export async function createWithConmon(o: ConmonCreateOptions): Promise<number> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const outcome = await spawnThroughHelper({
    file: o.conmonPath,
    args: conmonArgs(o),
    env: { ...process.env, _OCI_SYNCPIPE: "3" },
    daemon: true,
    timeoutMs,
  });
  const line = outcome.stdout.toString();
  if (line === "") {
    const why = outcome.stderr.toString().trim() || (outcome.code === null && outcome.signal === null ? `no report within ${timeoutMs} ms` : "conmon exited without reporting");
    throw new RuntimeError("Internal", `creating container ${o.id}: ${why}`);
  }
  let msg: SyncMessage;
  try {
    msg = JSON.parse(line) as SyncMessage;
  } catch (e) {
    throw new RuntimeError("Internal", `conmon wrote an unreadable sync message: ${line}`, { cause: e });
  }
  if (!(msg.data > 0)) {
    throw new RuntimeError("Internal", `creating container ${o.id}: ${(msg.message ?? "runc create failed").trim()}`);
  }
  return msg.data;
}
