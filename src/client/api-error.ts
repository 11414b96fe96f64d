/**
 * The error a failed API request throws: the server's `Status` turned back into the
 * StatusError vocabulary of src/api (one class per idea on both sides of the wire), with
 * the Status itself kept for callers that need its details. Callers test the class of
 * failure with the helpers below, as upstream's `apierrors.IsNotFound` etc., never the text.
 */
import { StatusError, isPlainObject, type Status } from "../api/index.js";

export class ApiError extends StatusError {
  constructor(readonly status: Status) {
    super(status.code, status.reason ?? "", status.message ?? "", status.details);
  }

  /** A Status made up for a response that carried none (a proxy's HTML, an empty body). */
  static fromResponse(code: number, body: string): ApiError {
    const parsed = parseStatus(body);
    if (parsed) return new ApiError(parsed);
    return new ApiError({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code,
      reason: reasonForCode(code),
      message: body.trim() || `the server responded with the status code ${code} but did not return more information`,
    });
  }
}

/** The body as a Status, if it is one. */
export function parseStatus(body: string | unknown): Status | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(value) || value["kind"] !== "Status" || typeof value["code"] !== "number") return undefined;
  return value as unknown as Status;
}

/** As upstream's `apierrors.NewGenericServerResponse` picks a reason for a bare status code. */
function reasonForCode(code: number): string {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return code >= 500 ? "InternalError" : "";
  }
}

function reasonOf(e: unknown): string | undefined {
  return e instanceof StatusError ? e.reason : undefined;
}

export function isNotFound(e: unknown): boolean {
  return reasonOf(e) === "NotFound";
}

/** A precondition or resourceVersion no longer holds (409 Conflict). */
export function isConflict(e: unknown): boolean {
  return reasonOf(e) === "Conflict";
}

export function isAlreadyExists(e: unknown): boolean {
  return reasonOf(e) === "AlreadyExists";
}

/** The resourceVersion asked for was compacted away (410: reason Expired or Gone): relist. */
export function isGone(e: unknown): boolean {
  return e instanceof StatusError && (e.code === 410 || e.reason === "Expired" || e.reason === "Gone");
}
