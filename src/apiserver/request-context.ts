/**
 * One API request on its way through the handler chain:
 *
 *   authenticate -> route (discovery | openapi | resource) -> authorize -> decode body
 *     -> verb handler (admission, defaults, validation in the registry) -> encode
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserInfo } from "./authorization/authorizer.js";
import type { ResourceRequestInfo } from "./request-info.js";
import type { ResourceEntry } from "./resources/resource-entry.js";

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly query: URLSearchParams;
  readonly info: ResourceRequestInfo;
  readonly entry: ResourceEntry;
  readonly user: UserInfo;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** `dryRun=All` (the only value upstream accepts besides none). */
export function isDryRun(query: URLSearchParams): boolean {
  return query.getAll("dryRun").includes("All");
}
