/**
 * Writing responses. Every failure leaves through `writeError`, the one place where an
 * error becomes a `Status` body (style principle 8).
 */
import type { ServerResponse } from "node:http";
import { InternalError, StatusError, type Status } from "../api/index.js";

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = "application/json"): void {
  writeJsonText(res, code, JSON.stringify(body), contentType);
}

export function writeJsonText(res: ServerResponse, code: number, text: string, contentType = "application/json"): void {
  res.writeHead(code, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-cache, private",
  });
  res.end(text);
}

/** A `Warning: 299 - "text"` header per warning; kubectl prints each as `Warning: text`. */
export function setWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  res.setHeader("Warning", warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, " "))}`));
}

export function toStatusError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new InternalError(message);
}

export function writeError(res: ServerResponse, e: unknown): void {
  const err = toStatusError(e);
  if (err.code >= 500 && !(e instanceof StatusError)) {
    console.error("peapod: internal error:", e);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeJson(res, err.code, err.toStatus());
}

export function successStatus(details: Status["details"], code = 200): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code, ...(details ? { details } : {}) };
}
