/**
 * What one probe run found, in the kubelet's terms (pkg/probe Result plus output and
 * error). Handlers never throw: everything they learn ends up in one of these.
 */
export type ProbeOutcomeResult = "success" | "warning" | "failure" | "unknown";

export interface ProbeOutcome {
  result: ProbeOutcomeResult;
  /** The probe's output: exec stdout+stderr, an HTTP body or the failure text the kubelet shows. */
  output: string;
  /**
   * Set when the probe could not be carried out (a bad port name, an exec that could not
   * start): the kubelet retries, then throws the result away and records "errored".
   */
  error?: string;
}

/** The kubelet keeps at most 10 KiB of exec output and of an HTTP body (maxReadLength). */
export const maxProbeOutputBytes = 10 * 1024;

/** The Kubernetes minor version Peapod emulates, as probes announce it. */
export const kubeProbeUserAgent = "kube-probe/1.32";

export function limitOutput(bytes: Buffer): string {
  return bytes.subarray(0, maxProbeOutputBytes).toString("utf8");
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
