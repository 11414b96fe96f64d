/**
 * Parses a request path into what it addresses, as upstream's RequestInfoFactory does:
 *
 *   /api/v1/namespaces/{ns}/pods/{name}/{subresource}
 *   /apis/{group}/{version}/namespaces/{ns}/{resource}/{name}/{subresource}
 *   /api/v1/namespaces/{name}            (the namespace object itself)
 *
 * The verb follows from the method, whether a name is present, and `watch=true`.
 */

export type Verb =
  | "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface ResourceRequestInfo {
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resource: string;
  readonly name: string;
  readonly subresource: string;
  readonly verb: Verb | "";
}

/** Returns undefined for paths that do not address a resource (discovery, health, openapi). */
export function parseResourcePath(method: string, path: string, query: URLSearchParams): ResourceRequestInfo | undefined {
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace = "";
  // "namespaces/{ns}/{resource}..." addresses objects in a namespace; "namespaces" and
  // "namespaces/{name}[/{subresource}]" address Namespace objects themselves.
  if (rest[0] === "namespaces" && rest.length >= 3 && !(group === "" && (rest[2] === "status" || rest[2] === "finalize") && rest.length === 3)) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  const [resource = "", name = "", subresource = "", ...extra] = rest;
  if (extra.length > 0) return undefined;
  const watch = query.get("watch") === "true" || query.get("watch") === "1";
  return { group, version, namespace, resource, name, subresource, verb: verbFor(method, name !== "", watch) };
}

function verbFor(method: string, named: boolean, watch: boolean): Verb | "" {
  switch (method) {
    case "GET":
    case "HEAD":
      if (watch) return "watch";
      return named ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return "";
  }
}
