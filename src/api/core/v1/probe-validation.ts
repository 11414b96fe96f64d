/**
 * Probes and lifecycle hooks (pkg/apis/core/validation validateProbe, validateHandler,
 * validateLifecycle and the per-probe rules).
 */
import { FieldPath, forbidden, internalError, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from "../../meta/name-validation.js";
import { validateNonnegativeField } from "../../meta/object-meta-validation.js";
import type { Handler, IntOrString, Lifecycle, Probe } from "./pod-types.js";

/** A port given by number or by the name of a container port. */
export function validatePortNumOrName(port: IntOrString | undefined, path: FieldPath): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === "string") return isValidPortName(port).map((msg) => invalid(path, port, msg));
  // An absent intstr is the integer 0 in Go.
  if (port === undefined || port === null) return isValidPortNum(0).map((msg) => invalid(path, 0, msg));
  return [internalError(path, `unknown type: ${typeof port}`)];
}

/**
 * Sleep hooks must end within the grace period. 1.32 keeps the
 * AllowPodLifecycleSleepActionZeroValue gate off, so zero is refused too.
 */
function validateSleep(seconds: number, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  if (gracePeriod === undefined || gracePeriod === null) return [];
  if (seconds <= 0 || seconds > gracePeriod) {
    return [invalid(path, seconds,
      `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`)];
  }
  return [];
}

type HandlerKind = "exec" | "httpGet" | "tcpSocket" | "grpc" | "sleep";

/** Exactly one handler; probes cannot sleep and hooks cannot use gRPC. */
export function validateHandler(h: Handler, allowed: readonly HandlerKind[], gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of allowed) {
    const value = h[kind];
    if (value === undefined || value === null) continue;
    const p = path.child(kind);
    if (count > 0) {
      errs.push(forbidden(p, "may not specify more than 1 handler type"));
      continue;
    }
    count++;
    switch (kind) {
      case "exec":
        if (!h.exec?.command?.length) errs.push(required(p.child("command")));
        break;
      case "httpGet": {
        const g = h.httpGet!;
        if (!g.path) errs.push(required(p.child("path")));
        errs.push(...validatePortNumOrName(g.port, p.child("port")));
        if (g.scheme !== "HTTP" && g.scheme !== "HTTPS") errs.push(notSupported(p.child("scheme"), g.scheme ?? "", ["HTTP", "HTTPS"]));
        for (const header of g.httpHeaders ?? []) {
          for (const msg of isHTTPHeaderName(header.name ?? "")) errs.push(invalid(p.child("httpHeaders"), header.name ?? "", msg));
        }
        break;
      }
      case "tcpSocket":
        errs.push(...validatePortNumOrName(h.tcpSocket!.port, p.child("port")));
        break;
      case "grpc":
        errs.push(...validatePortNumOrName(h.grpc!.port ?? 0, p.child("port")));
        break;
      case "sleep":
        errs.push(...validateSleep(h.sleep!.seconds ?? 0, gracePeriod, p));
        break;
    }
  }
  if (count === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

const probeHandlers: readonly HandlerKind[] = ["exec", "httpGet", "tcpSocket", "grpc"];
const hookHandlers: readonly HandlerKind[] = ["exec", "httpGet", "tcpSocket", "sleep"];

function validateProbeCommon(p: Probe, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs = validateHandler(p, probeHandlers, gracePeriod, path);
  for (const field of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const) {
    errs.push(...validateNonnegativeField(p[field] ?? 0, path.child(field)));
  }
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds !== null && p.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(path.child("terminationGracePeriodSeconds"), p.terminationGracePeriodSeconds, "must be greater than 0"));
  }
  return errs;
}

/** Liveness and startup probes decide restarts, so one success must be enough. */
export function validateLivenessProbe(p: Probe | undefined, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  if (!p) return [];
  const errs = validateProbeCommon(p, gracePeriod, path);
  if ((p.successThreshold ?? 0) !== 1) errs.push(invalid(path.child("successThreshold"), p.successThreshold ?? 0, "must be 1"));
  return errs;
}

export const validateStartupProbe = validateLivenessProbe;

/** A readiness probe never kills the container, so a kill grace period makes no sense. */
export function validateReadinessProbe(p: Probe | undefined, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  if (!p) return [];
  const errs = validateProbeCommon(p, gracePeriod, path);
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds !== null) {
    errs.push(invalid(path.child("terminationGracePeriodSeconds"), p.terminationGracePeriodSeconds, "must not be set for readinessProbes"));
  }
  return errs;
}

export function validateLifecycle(l: Lifecycle, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (l.postStart) errs.push(...validateHandler(l.postStart, hookHandlers, gracePeriod, path.child("postStart")));
  if (l.preStop) errs.push(...validateHandler(l.preStop, hookHandlers, gracePeriod, path.child("preStop")));
  return errs;
}
