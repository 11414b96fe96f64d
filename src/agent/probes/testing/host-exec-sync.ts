/**
 * For tests: the runtime's ExecSync stood in for by a real process on the host, so exec
 * probes are tested against commands that really run, exit and time out.
 */
import { spawn } from "node:child_process";
import type { ExecSyncResult } from "../../../runtime/index.js";

export function hostExecSync(command: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.stdout.on("data", (c: Buffer) => stdout.push(c));
    child.stderr.on("data", (c: Buffer) => stderr.push(c));
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), exitCode: code ?? -1, timedOut });
    });
  });
}
