/**
 * postStart and preStop hooks as the kubelet runs them (pkg/kubelet/lifecycle handlers.go
 * HandlerRunner): exec in the container, httpGet against the pod (the probes' request
 * builder), sleep. The result is the failure message the kubelet puts in its
 * FailedPostStartHook / FailedPreStopHook event, or undefined when the hook succeeded.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Container, Handler } from "../api/index.js";
import type { ExecSyncResult } from "../runtime/index.js";
import { httpGetTarget, httpProbe } from "./probes/index.js";

export interface HookTarget {
  /** `name_namespace(uid)` (format.Pod). */
  podFullName: string;
  podIP: string;
  container: Container;
  execSync: (command: string[], timeoutSeconds: number) => Promise<ExecSyncResult>;
  /** How long the hook may take; the kubelet bounds preStop by the grace period. */
  timeoutSeconds: number;
  signal?: AbortSignal;
}

/** Go's %v of a []string. */
const goList = (items: readonly string[]): string => `[${items.join(" ")}]`;

export async function runLifecycleHook(handler: Handler, target: HookTarget): Promise<string | undefined> {
  const name = target.container.name ?? "";
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    let error: string;
    let output = "";
    try {
      const r = await target.execSync(command, target.timeoutSeconds);
      if (r.exitCode === 0 && !r.timedOut) return undefined;
      output = r.stdout.toString() + r.stderr.toString();
      error = r.timedOut ? `command timed out` : `command '${command.join(" ")}' exited with ${r.exitCode}: ${output}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    return `Exec lifecycle hook (${goList(command)}) for Container ${JSON.stringify(name)} in Pod ${JSON.stringify(target.podFullName)} failed - error: ${error}, message: ${JSON.stringify(output)}`;
  }
  if (handler.httpGet) {
    let error: string;
    try {
      const request = httpGetTarget(handler.httpGet, target.container, target.podIP);
      const outcome = await httpProbe(request, target.timeoutSeconds);
      if (outcome.error === undefined && outcome.result !== "failure" && outcome.result !== "unknown") return undefined;
      error = outcome.error ?? outcome.output;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    return `HTTP lifecycle hook (${handler.httpGet.path ?? ""}) for Container ${JSON.stringify(name)} in Pod ${JSON.stringify(target.podFullName)} failed - error: ${error}`;
  }
  if (handler.sleep) {
    const ms = Math.min(handler.sleep.seconds ?? 0, target.timeoutSeconds) * 1000;
    try {
      await sleep(ms, undefined, target.signal ? { signal: target.signal } : {});
    } catch {
      // Cut short by the grace period: that is no failure.
    }
    return undefined;
  }
  // tcpSocket hooks are deprecated and never run by the kubelet (it logs and moves on).
  return undefined;
}
