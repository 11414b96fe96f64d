/**
 * One probe run, whatever its handler (the kubelet's prober.runProbe and
 * runProbeWithRetries): picks exec, httpGet, tcpSocket or grpc and aims it at the pod.
 */
import type { Container, Probe } from "../../api/index.js";
import { resolveContainerPort } from "./container-port.js";
import { execProbe, type ExecSync } from "./probe-exec.js";
import { grpcProbe } from "./probe-grpc.js";
import { httpGetTarget, httpProbe } from "./probe-http.js";
import { errorText, type ProbeOutcome } from "./probe-outcome.js";
import { tcpProbe } from "./probe-tcp.js";

/** Errors (not failures) are retried this many times before the run counts as errored. */
const maxProbeRetries = 3;

export interface ProbeTarget {
  /** `name_namespace(uid)`, as the kubelet names a pod in messages. */
  podFullName: string;
  podIP: string;
  container: Container;
  /** Runs a command in this container (the runtime's ExecSync, bound to the container ID). */
  execSync: ExecSync;
  /**
   * The kubelet expands `$(VAR)` in exec probe commands from the container's static env
   * values only (ExpandContainerCommandOnlyStatic); the agent passes its expansion here.
   */
  expandCommand?: (command: string[], container: Container) => string[];
}

export const defaultTimeoutSeconds = 1;

export async function runProbeWithRetries(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  let outcome: ProbeOutcome = { result: "unknown", output: "" };
  for (let i = 0; i < maxProbeRetries; i++) {
    outcome = await runProbe(probe, target);
    if (outcome.error === undefined) return outcome;
  }
  return outcome;
}

export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutSeconds = probe.timeoutSeconds || defaultTimeoutSeconds;
  const { container, podIP } = target;
  try {
    if (probe.exec) {
      const command = probe.exec.command ?? [];
      return await execProbe(target.expandCommand ? target.expandCommand(command, container) : command, timeoutSeconds, target.execSync);
    }
    if (probe.httpGet) return await httpProbe(httpGetTarget(probe.httpGet, container, podIP), timeoutSeconds);
    if (probe.tcpSocket) {
      const port = resolveContainerPort(probe.tcpSocket.port, container);
      return await tcpProbe(probe.tcpSocket.host || podIP, port, timeoutSeconds);
    }
    if (probe.grpc) return await grpcProbe(podIP, probe.grpc.port ?? 0, probe.grpc.service ?? "", timeoutSeconds);
  } catch (error) {
    // Building the request failed (a port name that does not resolve): unknown, with the reason.
    return { result: "unknown", output: "", error: errorText(error) };
  }
  return { result: "unknown", output: "", error: `missing probe handler for ${target.podFullName}:${container.name ?? ""}` };
}
