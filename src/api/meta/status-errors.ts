/**
 * The errors of the Kubernetes API (k8s.io/apimachinery/pkg/api/errors), one class per
 * Status reason. Code anywhere throws these; the API server turns them into a `Status`
 * body in one place and the client turns a `Status` back into the same class, so no one
 * ever matches on message text.
 */
import { aggregateText, errorBody, type FieldError } from "./field-errors.js";

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The `Status` object of meta/v1 as it travels on the wire. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, unknown>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Upstream prints a group-qualified resource as `pods` or `deployments.apps`. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** Upstream prints a group-qualified kind as `Pod` or `Deployment.apps`. */
export function qualifiedKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toStatus(): Status {
    const s: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      code: this.code,
    };
    // Upstream leaves out an empty reason (e.g. the 500s of a failed strategic merge patch).
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = this.details;
    return s;
  }

  /** Rebuilds the error a Status describes (the client side of the translation). */
  static fromStatus(s: Partial<Status>): StatusError {
    return new StatusError(s.code ?? 500, s.reason ?? "", s.message ?? "", s.details);
  }
}

/** Thrown when the named object does not exist. */
export class NotFoundError extends StatusError {
  constructor(gr: GroupResource, name: string) {
    super(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, {
      name, group: gr.group, kind: gr.resource,
    });
  }
}

/** Thrown when creating an object whose name is taken. */
export class AlreadyExistsError extends StatusError {
  constructor(gr: GroupResource, name: string) {
    super(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, {
      name, group: gr.group, kind: gr.resource,
    });
  }
}

/** Thrown when a write's resourceVersion precondition no longer holds (optimistic concurrency). */
export class ConflictError extends StatusError {
  constructor(gr: GroupResource, name: string, why: string, causes?: StatusCause[]) {
    super(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name, group: gr.group, kind: gr.resource, ...(causes ? { causes } : {}),
    });
  }

  static modified(gr: GroupResource, name: string): ConflictError {
    return new ConflictError(gr, name,
      "the object has been modified; please apply your changes to the latest version and try again");
  }
}

/** Thrown when an object fails validation; each field error becomes a cause. */
export class InvalidError extends StatusError {
  constructor(group: string, kind: string, name: string, readonly fieldErrors: readonly FieldError[]) {
    super(422, "Invalid", `${qualifiedKind(group, kind)} "${name}" is invalid: ${aggregateText(fieldErrors)}`, {
      name, group, kind,
      causes: fieldErrors.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })),
    });
  }
}

/** Thrown for a malformed request: bad JSON, bad selector, unknown field under Strict. */
export class BadRequestError extends StatusError {
  constructor(message: string, causes?: StatusCause[]) {
    super(400, "BadRequest", message, causes ? { causes } : undefined);
  }
}

/** Thrown when a watch or list asks for a resourceVersion that was compacted away. */
export class ExpiredError extends StatusError {
  constructor(message: string) {
    super(410, "Expired", message);
  }
}

/** Thrown when the request is understood but refused. */
export class ForbiddenError extends StatusError {
  constructor(gr: GroupResource, name: string, why: string) {
    const subject = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
    super(403, "Forbidden", `${subject} is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource });
  }
}

export class UnauthorizedError extends StatusError {
  constructor() {
    super(401, "Unauthorized", "Unauthorized");
  }
}

export class MethodNotSupportedError extends StatusError {
  constructor(gr: GroupResource, action: string) {
    super(405, "MethodNotAllowed", `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, {
      group: gr.group, kind: gr.resource,
    });
  }
}

export class UnsupportedMediaTypeError extends StatusError {
  constructor(contentType: string) {
    super(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${JSON.stringify(contentType)})`);
  }
}

export class NotAcceptableError extends StatusError {
  constructor(accepted: string) {
    super(406, "NotAcceptable", `only the following media types are accepted: ${accepted}`);
  }
}

export class RequestEntityTooLargeError extends StatusError {
  constructor(limit: number) {
    super(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
  }
}

/** Thrown when the server could not do something it should have been able to do. */
export class InternalError extends StatusError {
  constructor(cause: string) {
    super(500, "InternalError", `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
  }
}

/** Thrown when a request (or a watch for a future resourceVersion) runs out of time. */
export class TimeoutError extends StatusError {
  constructor(message: string, retryAfterSeconds = 0, causes?: StatusCause[]) {
    super(504, "Timeout", message, { retryAfterSeconds, ...(causes ? { causes } : {}) });
  }
}

/** Thrown when the URL names no known resource. */
export class NotFoundPathError extends StatusError {
  constructor() {
    super(404, "NotFound", "the server could not find the requested resource", { causes: [] });
    delete this.details!.causes;
  }
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}
