/**
 * The Status the server writes once on the error stream when a remote command ends (protocol
 * v4 and v5, WebSocket and SPDY alike; spec §7.3). kubectl turns `NonZeroExitCode` into its own
 * exit code, reading the `ExitCode` cause as an unsigned 8-bit number (client-go
 * `remotecommand/v4.go` errorDecoderV4), and prints any other Failure as `error: <message>`.
 */

export type RemoteCommandResult = { readonly exitCode: number } | { readonly error: string };

/** What the command was, for the messages; upstream's texts differ between exec and attach. */
export interface RemoteCommandRequest {
  readonly kind: "exec" | "attach";
  readonly command: readonly string[];
}

/** The JSON text, with the fields in the order Go's encoder writes `metav1.Status`. */
export function remoteCommandStatus(result: RemoteCommandResult, request: RemoteCommandRequest): string {
  if ("error" in result) {
    // kubelet cri/streaming/remotecommand ServeExec / ServeAttach wrap the runtime's error, and
    // apierrors.NewInternalError adds the prefix and the cause.
    const wrapped = `${request.kind === "exec" ? "error executing command in container" : "error attaching to container"}: ${result.error}`;
    return JSON.stringify({
      metadata: {},
      status: "Failure",
      message: `Internal error occurred: ${wrapped}`,
      reason: "InternalError",
      details: { causes: [{ message: wrapped }] },
      code: 500,
    });
  }
  if (result.exitCode === 0) return JSON.stringify({ metadata: {}, status: "Success" });
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    // The kubelet's text around the CRI runtime's exit error (containerd's wording, with Go's
    // %v of the argument slice).
    message: `command terminated with non-zero exit code: error executing command [${request.command.join(" ")}], exit code ${result.exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(result.exitCode) }] },
  });
}
