/**
 * Exec probes (pkg/probe/exec): run the command in the container, exit 0 means healthy.
 * The agent hands in the runtime's ExecSync bound to the container, so this module knows
 * nothing of runtimes and can be tested with any function that runs a command.
 */
import { goQuote } from "../../api/index.js";
import type { ExecSyncResult } from "../../runtime/index.js";
import { errorText, limitOutput, type ProbeOutcome } from "./probe-outcome.js";

/** Runs `command` in one container, ending it after `timeoutSeconds`. */
export type ExecSync = (command: string[], timeoutSeconds: number) => Promise<ExecSyncResult>;

export async function execProbe(command: string[], timeoutSeconds: number, execSync: ExecSync): Promise<ProbeOutcome> {
  let r: ExecSyncResult;
  try {
    r = await execSync(command, timeoutSeconds);
  } catch (error) {
    // The command could not be run at all: an error, not a verdict on the container.
    return { result: "unknown", output: "", error: errorText(error) };
  }
  if (r.timedOut) {
    // The CRI client's text (remote_runtime.go); the output of a killed command is dropped.
    return { result: "failure", output: `command ${goQuote(command.join(" "))} timed out` };
  }
  // The kubelet reads stdout then stderr into one buffer (RunInContainer).
  const output = limitOutput(Buffer.concat([r.stdout, r.stderr]));
  return { result: r.exitCode === 0 ? "success" : "failure", output };
}
