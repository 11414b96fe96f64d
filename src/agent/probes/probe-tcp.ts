/**
 * TCP probes (pkg/probe/tcp): healthy when a connection opens within the timeout, even if
 * the server closes it at once.
 */
import { connect } from "node:net";
import { dialErrorMessage, dialTimeoutMessage } from "./go-net-errors.js";
import type { ProbeOutcome } from "./probe-outcome.js";

export function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (outcome: ProbeOutcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ result: "failure", output: dialTimeoutMessage(host, port) }), timeoutSeconds * 1000);
    socket.once("connect", () => finish({ result: "success", output: "" }));
    // Dial errors become failures, not errors, so that timeouts and refusals count (upstream).
    socket.once("error", (error) => finish({ result: "failure", output: dialErrorMessage(error, host, port) }));
  });
}
