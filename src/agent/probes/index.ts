/** Liveness, readiness and startup probes: the handlers and the per-container workers. */
export { Prober, probeKindName } from "./prober.js";
export type { ProbeKind, ProbeResult, ProbeResultUpdate, ProbeEvent, ProberOptions, RunningContainer } from "./prober.js";
export { runProbe, runProbeWithRetries, type ProbeTarget } from "./run-probe.js";
export { execProbe, type ExecSync } from "./probe-exec.js";
export { httpGetTarget, httpProbe, type HTTPProbeTarget } from "./probe-http.js";
export { tcpProbe } from "./probe-tcp.js";
export { grpcProbe } from "./probe-grpc.js";
export { resolveContainerPort } from "./container-port.js";
export type { ProbeOutcome, ProbeOutcomeResult } from "./probe-outcome.js";
