/**
 * The OpenAPI v3 documents kubectl downloads: `/openapi/v3` (an index of group-versions)
 * and one document per group-version (`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`).
 *
 * kubectl 1.32 reads them for three things, and each shapes what is here:
 *  - `--validate=strict` (the default of create, apply, replace) first checks that the
 *    PATCH operation of the kind has a `fieldValidation` query parameter
 *    (cli-runtime pkg/resource/query_param_verifier_v3.go); without it kubectl refuses.
 *  - client-side apply uses strategic merge patch when a PATCH operation with the kind's
 *    `x-kubernetes-group-version-kind` accepts `application/strategic-merge-patch+json`,
 *    taking merge keys from `components.schemas` (kubectl pkg/cmd/apply/patcher.go).
 *    Every PATCH operation of a kind (main resource and status) must agree, since kubectl
 *    takes whichever it finds first.
 *  - `kubectl explain` finds the kind through the collection or item path's operations,
 *    then the schema whose GVK list holds it (kubectl pkg/explain/v2/templates/plaintext.tmpl).
 *
 * This module is pure: the API server serializes the document and computes its hash.
 */
import type { GroupVersionKind, Schema } from "../schema/schema.js";
import { componentSchemas, definitionNames, type JsonSchema } from "./openapi-schemas.js";
import { operation, pathParameters, type GroupVersion, type Operation, type Verb } from "./openapi-operations.js";

export type { GroupVersion } from "./openapi-operations.js";

export interface OpenApiSubresource {
  /** e.g. `status`, `scale`, `binding`, `log`, `exec`. */
  readonly name: string;
  /** The group, version and kind the subresource reads and writes (Pod for status, autoscaling/v1 Scale for scale). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Kubernetes verbs; defaults by name (status and scale: get, update, patch; binding: create; …). */
  readonly verbs?: readonly string[];
}

export interface OpenApiResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in URLs, e.g. `pods`. */
  readonly plural: string;
  readonly namespaced: boolean;
  /** Kubernetes verbs as in discovery: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: readonly string[];
  readonly subresources: readonly OpenApiSubresource[];
}

export interface OpenApiV3Document {
  readonly openapi: "3.0.0";
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, JsonSchema>>;
  };
}

export type PathItem = { parameters?: JsonSchema[] } & Partial<Record<"get" | "put" | "post" | "patch" | "delete", Operation>>;

export interface OpenApiV3Index {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

/** `v1` → core v1, `apps/v1` → apps v1 (the apiVersion form of a group-version). */
export function parseGroupVersion(groupVersion: string): GroupVersion {
  const parts = groupVersion.split("/");
  const [group, version] = parts.length === 1 ? ["", parts[0]!] : [parts[0]!, parts[1] ?? ""];
  // `api/v1` and `apis/apps/v1` are index keys, not group-versions: refuse rather than
  // publish a document under a key kubectl never asks for.
  if (parts.length > 2 || version === "" || group === "api" || group === "apis") {
    throw new Error(`OpenAPI: ${JSON.stringify(groupVersion)} is not a group-version such as "v1" or "apps/v1"`);
  }
  return { group, version };
}

/** The key of a group-version in the index and its URL tail: `api/v1`, `apis/apps/v1`. */
export function openApiV3Key(groupVersion: string): string {
  const gv = parseGroupVersion(groupVersion);
  return gv.group === "" ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/**
 * The `/openapi/v3` index of the given group-versions (`v1`, `apps/v1`). `hashOf(key)`
 * gives the content hash of the document under that key (upstream uses the upper-case
 * hex SHA-512 of the serialized document); kubectl caches documents by this URL.
 */
export function buildOpenApiV3Index(groupVersions: readonly string[], hashOf: (key: string) => string): OpenApiV3Index {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of groupVersions.map(openApiV3Key).sort()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(key)}` };
  }
  return { paths };
}

const subresourceVerbs: Readonly<Record<string, readonly string[]>> = {
  status: ["get", "update", "patch"],
  scale: ["get", "update", "patch"],
  ephemeralcontainers: ["get", "update", "patch"],
  resize: ["get", "update", "patch"],
  binding: ["create"],
  eviction: ["create"],
  log: ["get"],
  exec: ["connect"],
  attach: ["connect"],
  portforward: ["connect"],
  proxy: ["connect"],
};

const subresourceMethods: Readonly<Record<string, "get" | "put" | "patch" | "post">> = {
  get: "get", update: "put", patch: "patch", create: "post",
};

/** The OpenAPI v3 document of one group-version (`v1`, `apps/v1`), from the resources served in it. */
export function buildOpenApiV3(groupVersion: string, resources: readonly OpenApiResource[], schema: Schema): OpenApiV3Document {
  const gv = parseGroupVersion(groupVersion);
  const paths = new Map<string, PathItem>();
  const roots = new Set<string>([definitionNames.status]);
  const structName = (gvk: GroupVersionKind): string | undefined => {
    const name = schema.structForKind(gvk)?.name;
    if (name) roots.add(name);
    return name;
  };
  const add = (path: string, params: JsonSchema[], method: keyof Omit<PathItem, "parameters">, op: Operation): void => {
    const item = paths.get(path) ?? { parameters: params };
    item[method] = op;
    paths.set(path, item);
  };

  const base = openApiV3Key(groupVersion);
  for (const r of resources) {
    if (r.group !== gv.group || r.version !== gv.version) {
      throw new Error(`OpenAPI: resource ${r.plural} is in ${r.group ? `${r.group}/` : ""}${r.version}, not ${groupVersion}`);
    }
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const objectName = structName(gvk);
    if (!objectName) throw new Error(`OpenAPI: the schema has no kind ${r.kind} in ${base}`);
    const listName = structName({ ...gvk, kind: `${r.kind}List` });
    const verbs = new Set(r.verbs);
    const scope = r.namespaced ? "/namespaces/{namespace}" : "";
    const collection = `/${base}${scope}/${r.plural}`;
    const item = `${collection}/{name}`;
    const ctx = { gv, gvk, resourceKind: r.kind, namespaced: r.namespaced, objectName, listName };
    if (verbs.has("delete") || verbs.has("deletecollection")) roots.add(definitionNames.deleteOptions);
    if (verbs.has("patch")) roots.add(definitionNames.patch);
    if (verbs.has("watch")) roots.add(definitionNames.watchEvent);

    const collectionParams = pathParameters({ namespaced: r.namespaced, named: false });
    const itemParams = pathParameters({ namespaced: r.namespaced, named: true });
    const collectionVerbs: Array<[Verb, "get" | "post" | "delete"]> = [["list", "get"], ["create", "post"], ["deletecollection", "delete"]];
    for (const [verb, method] of collectionVerbs) {
      if (verbs.has(verb)) add(collection, collectionParams, method, operation(verb, ctx));
    }
    const itemVerbs: Array<[Verb, "get" | "put" | "patch" | "delete"]> = [["get", "get"], ["update", "put"], ["patch", "patch"], ["delete", "delete"]];
    for (const [verb, method] of itemVerbs) {
      if (verbs.has(verb)) add(item, itemParams, method, operation(verb, ctx));
    }
    if (verbs.has("watch")) {
      add(`/${base}/watch${scope}/${r.plural}`, collectionParams, "get", operation("watchlist", ctx));
      add(`/${base}/watch${scope}/${r.plural}/{name}`, itemParams, "get", operation("watch", ctx));
    }
    if (r.namespaced && verbs.has("list")) {
      const all = { ...ctx, namespaced: false, allNamespaces: true };
      const params = pathParameters({ namespaced: false, named: false });
      add(`/${base}/${r.plural}`, params, "get", operation("list", all));
      if (verbs.has("watch")) add(`/${base}/watch/${r.plural}`, params, "get", operation("watchlist", all));
    }

    for (const sub of r.subresources) {
      const subVerbs = sub.verbs ?? subresourceVerbs[sub.name] ?? ["get"];
      const subGvk = { group: sub.group, version: sub.version, kind: sub.kind };
      const subCtx = { ...ctx, gvk: subGvk, objectName: structName(subGvk), listName: undefined, subresource: sub.name };
      const path = `${item}/${sub.name}`;
      if (subVerbs.includes("patch")) roots.add(definitionNames.patch);
      for (const verb of subVerbs) {
        if (verb === "connect") {
          add(path, itemParams, "get", operation("connect", { ...subCtx, method: "Get" }));
          add(path, itemParams, "post", operation("connect", { ...subCtx, method: "Post" }));
          continue;
        }
        const method = subresourceMethods[verb];
        if (!method) throw new Error(`OpenAPI: verb ${verb} of subresource ${r.plural}/${sub.name} has no operation`);
        add(path, itemParams, method, operation(verb as Verb, subCtx));
      }
    }
  }

  const sortedPaths = Object.fromEntries([...paths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "unversioned" },
    paths: sortedPaths,
    components: {
      schemas: componentSchemas(roots, schema),
      securitySchemes: {
        BearerToken: { description: "Bearer Token authentication", in: "header", name: "authorization", type: "apiKey" },
      },
    },
  };
}
