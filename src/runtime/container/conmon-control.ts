/**
 * conmon's control fifo: `ctl` in the container's bundle, read by conmon while it lives, one
 * `TYPE ARG1 ARG2\n` message a line (conmon src/ctrl.c). Resizes (attach) and log reopens
 * (log rotation) both go through here.
 */
import { closeSync, constants, openSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { RuntimeError } from "../errors.js";

/** conmon's control message types (src/config.h: WIN_RESIZE_EVENT, REOPEN_LOGS_EVENT). */
export const winResizeEvent = 1;
export const reopenLogsEvent = 2;

/** Writes one control message; false when conmon is gone (nobody reads the fifo). */
export function writeControlMessage(bundle: string, type: number, arg1 = 0, arg2 = 0): boolean {
  let fd: number;
  try {
    // Non-blocking: conmon holds the reading end while it lives, and we must never hang here.
    fd = openSync(join(bundle, "ctl"), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    writeSync(fd, `${type} ${arg1} ${arg2}\n`);
    return true;
  } catch {
    return false; // conmon went away meanwhile
  } finally {
    closeSync(fd);
  }
}

/** How long conmon gets to create the new log file, and how often we look for it. */
const reopenTimeoutMs = 2_000;
const reopenPollMs = 10;

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/**
 * Asks conmon to reopen its log file (CRI ReopenContainerLog) and waits until a new file is at
 * `logPath`: conmon writes the new file as `<path>.tmp` and renames it over the path, so a file
 * there with another inode than before means the reopen happened. conmon answers nothing, and
 * can drop a message that arrives right behind another (attach.ts), hence the check.
 */
export async function reopenConmonLog(bundle: string, logPath: string, timeoutMs = reopenTimeoutMs): Promise<void> {
  const before = inodeOf(logPath);
  if (!writeControlMessage(bundle, reopenLogsEvent)) {
    throw new RuntimeError("FailedPrecondition", `cannot reopen the log of ${bundle}: conmon is not running`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = inodeOf(logPath);
    if (now !== undefined && now !== before) return;
    if (Date.now() >= deadline) throw new RuntimeError("Internal", `conmon did not reopen ${logPath} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, reopenPollMs));
  }
}
