/**
 * Content negotiation: reading request bodies (JSON, YAML, Kubernetes protobuf, the patch
 * types) within the size limit, and choosing the response form (JSON or a Table).
 */
import type { IncomingMessage } from "node:http";
import { parse as parseYaml } from "yaml";
import {
  BadRequestError, RequestEntityTooLargeError, UnsupportedMediaTypeError, decodeKubernetesProtobuf, isPlainObject,
} from "../api/index.js";

/** Upstream's limit on request bodies (apiserver MaxRequestBodyBytes, 3 MiB). */
export const maxRequestBodyBytes = 3 * 1024 * 1024;

export type PatchType = "json" | "merge" | "strategic" | "apply";

export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > maxRequestBodyBytes) {
    req.resume();
    throw new RequestEntityTooLargeError(maxRequestBodyBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxRequestBodyBytes) {
      req.resume();
      throw new RequestEntityTooLargeError(maxRequestBodyBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface DecodedBody {
  readonly value: unknown;
  /** The raw JSON text when the body was JSON, for duplicate-field detection. */
  readonly jsonText?: string;
}

/** Decodes an object body (create, update) by its Content-Type. */
export function decodeObjectBody(body: Buffer, contentType: string | undefined): DecodedBody {
  const type = mediaType(contentType);
  switch (type) {
    case "":
    case "application/json":
    case "*/*": {
      const text = body.toString("utf8");
      return { value: parseJson(text, "couldn't get version/kind; json parse error"), jsonText: text };
    }
    case "application/yaml":
    case "application/x-yaml":
    case "text/yaml":
      return { value: parseYamlBody(body.toString("utf8")) };
    case "application/vnd.kubernetes.protobuf":
      return { value: decodeKubernetesProtobuf(new Uint8Array(body)).object };
    default:
      throw new UnsupportedMediaTypeError(type);
  }
}

export function patchTypeOf(contentType: string | undefined): PatchType {
  switch (mediaType(contentType)) {
    case "application/json-patch+json":
      return "json";
    case "application/merge-patch+json":
      return "merge";
    case "application/strategic-merge-patch+json":
      return "strategic";
    case "application/apply-patch+yaml":
      return "apply";
    default:
      throw new UnsupportedMediaTypeError(mediaType(contentType));
  }
}

export function parseJson(text: string, prefix: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadRequestError(`${prefix}: ${(e as Error).message}`);
  }
}

function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new BadRequestError(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}

export function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new BadRequestError(`${what}: the body must be a JSON object`);
  return value;
}

/** The response form a client accepts: a meta.k8s.io/v1 Table, or the object as JSON. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const clause of accept.split(",")) {
    const params = clause.split(";").map((p) => p.trim());
    const type = params[0]!.toLowerCase();
    if (type !== "application/json") continue;
    const has = (k: string, v: string): boolean => params.includes(`${k}=${v}`);
    if (has("as", "Table") && has("g", "meta.k8s.io") && (has("v", "v1") || has("v", "v1beta1"))) return true;
  }
  return false;
}

export const tableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";
