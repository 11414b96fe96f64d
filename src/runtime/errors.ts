/**
 * Runtime errors carry a reason the agent maps to what the kubelet reports: a bad reference
 * becomes InvalidImageName, a failed pull ErrImagePull, a missing sandbox or container
 * NotFound. Callers switch on `reason`, never on message text.
 */
export type RuntimeErrorReason =
  | "NotFound"
  | "AlreadyExists"
  | "InvalidArgument"
  | "InvalidImageName"
  | "ErrImagePull"
  | "FailedPrecondition"
  | "Internal";

export class RuntimeError extends Error {
  constructor(
    readonly reason: RuntimeErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RuntimeError";
  }
}

export function isRuntimeError(e: unknown, reason?: RuntimeErrorReason): e is RuntimeError {
  return e instanceof RuntimeError && (reason === undefined || e.reason === reason);
}

export function notFound(what: string): RuntimeError {
  return new RuntimeError("NotFound", `${what} not found`);
}
