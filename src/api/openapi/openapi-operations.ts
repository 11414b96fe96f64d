/**
 * One OpenAPI operation per Kubernetes verb, shaped as upstream's API server publishes
 * them (k8s.io/apiserver pkg/endpoints/installer.go): operation ids such as
 * `readCoreV1NamespacedPodStatus`, the `x-kubernetes-action` and
 * `x-kubernetes-group-version-kind` extensions, the query parameters each verb takes, and
 * the request body content types. Parameter descriptions are our own wording.
 */
import type { GroupVersionKind } from "../schema/schema.js";
import { definitionNames, type JsonSchema } from "./openapi-schemas.js";

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

export type Verb = "get" | "list" | "watch" | "watchlist" | "create" | "update" | "patch" | "delete" | "deletecollection" | "connect";

export interface OperationContext {
  readonly gv: GroupVersion;
  /** The kind the operation reads or writes (for a subresource, the subresource's kind). */
  readonly gvk: GroupVersionKind;
  /** The kind of the resource the path belongs to (Pod for pods/status and pods/binding). */
  readonly resourceKind: string;
  readonly namespaced: boolean;
  /** Definition of gvk's object, when the schema has one (connect and log bodies do not). */
  readonly objectName: string | undefined;
  readonly listName: string | undefined;
  readonly allNamespaces?: boolean;
  readonly subresource?: string;
  /** For connect operations: `Get` or `Post`. */
  readonly method?: "Get" | "Post";
}

export type Operation = JsonSchema;

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const query = (name: string, type: "string" | "integer" | "boolean", description: string): JsonSchema =>
  ({ description, in: "query", name, schema: { type, uniqueItems: true } });

const params = {
  pretty: query("pretty", "string", "If 'true', the output is indented for reading."),
  dryRun: query("dryRun", "string", "When set to All, the request is validated, defaulted and admitted, but nothing is persisted."),
  fieldManager: query("fieldManager", "string", "The name of the actor making the change, recorded in managedFields."),
  fieldValidation: query("fieldValidation", "string",
    "What to do with fields the schema does not know and fields given twice: Ignore drops them, Warn drops them and answers with a warning for each, Strict rejects the request."),
  force: query("force", "boolean", "For apply patches: take ownership of fields other managers own instead of failing with a conflict."),
  allowWatchBookmarks: query("allowWatchBookmarks", "boolean", "Ask the watch to send BOOKMARK events carrying the latest resourceVersion."),
  continue: query("continue", "string", "The token from a previous chunk of the same list, to fetch the next chunk."),
  fieldSelector: query("fieldSelector", "string", "Only objects whose fields match this selector. Defaults to everything."),
  labelSelector: query("labelSelector", "string", "Only objects whose labels match this selector. Defaults to everything."),
  limit: query("limit", "integer", "The most objects to return; the list metadata then holds a continue token if more remain."),
  resourceVersion: query("resourceVersion", "string", "Which resourceVersion the result may be served from. Unset means the most recent."),
  resourceVersionMatch: query("resourceVersionMatch", "string", "How resourceVersion is matched for lists: Exact or NotOlderThan."),
  sendInitialEvents: query("sendInitialEvents", "boolean", "Start a watch with ADDED events for the current state, then a bookmark."),
  timeoutSeconds: query("timeoutSeconds", "integer", "End the list or watch call after this many seconds."),
  watch: query("watch", "boolean", "Stream changes to the listed objects instead of returning the list."),
  gracePeriodSeconds: query("gracePeriodSeconds", "integer", "Seconds to wait before the object is deleted; 0 deletes at once. Unset uses the object's default."),
  orphanDependents: query("orphanDependents", "boolean", "Deprecated: use propagationPolicy. Whether dependents are orphaned."),
  propagationPolicy: query("propagationPolicy", "string", "How dependents are garbage collected: Orphan, Background or Foreground."),
};

const listParams = [params.allowWatchBookmarks, params.continue, params.fieldSelector, params.labelSelector, params.limit,
  params.resourceVersion, params.resourceVersionMatch, params.sendInitialEvents, params.timeoutSeconds, params.watch];
const writeParams = [params.dryRun, params.fieldManager, params.fieldValidation];
const deleteParams = [params.dryRun, params.gracePeriodSeconds, params.orphanDependents, params.propagationPolicy];

/** Query parameters of subresources that are not plain objects. */
const subresourceParams: Readonly<Record<string, readonly JsonSchema[]>> = {
  log: [
    query("container", "string", "The container to read; optional when the pod has one container."),
    query("follow", "boolean", "Keep streaming the log as it grows."),
    query("insecureSkipTLSVerifyBackend", "boolean", "Do not verify the serving certificate of the node."),
    query("limitBytes", "integer", "Stop after this many bytes."),
    query("previous", "boolean", "Read the log of the previous, terminated instance of the container."),
    query("sinceSeconds", "integer", "Only lines newer than this many seconds."),
    query("sinceTime", "string", "Only lines newer than this RFC 3339 time."),
    query("tailLines", "integer", "Only this many lines from the end."),
    query("timestamps", "boolean", "Start each line with its RFC 3339 time."),
  ],
  exec: [
    query("command", "string", "The command to run; repeat the parameter for each argument."),
    query("container", "string", "The container to run it in."),
    query("stderr", "boolean", "Stream the command's standard error."),
    query("stdin", "boolean", "Stream standard input to the command."),
    query("stdout", "boolean", "Stream the command's standard output."),
    query("tty", "boolean", "Run the command with a terminal."),
  ],
  attach: [
    query("container", "string", "The container to attach to."),
    query("stderr", "boolean", "Stream the container's standard error."),
    query("stdin", "boolean", "Stream standard input to the container."),
    query("stdout", "boolean", "Stream the container's standard output."),
    query("tty", "boolean", "Attach with a terminal."),
  ],
  portforward: [query("ports", "integer", "The pod ports to forward.")],
};

/** Path-level parameters: the path segments, and `pretty`. */
export function pathParameters(p: { readonly namespaced: boolean; readonly named: boolean }): JsonSchema[] {
  const out: JsonSchema[] = [];
  if (p.named) out.push({ description: "The name of the object.", in: "path", name: "name", required: true, schema: { type: "string", uniqueItems: true } });
  if (p.namespaced) out.push({ description: "The namespace of the object.", in: "path", name: "namespace", required: true, schema: { type: "string", uniqueItems: true } });
  out.push(params.pretty);
  return out;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** `core`, `apps`, `rbacAuthorization`: upstream's tag and operation-id spelling of a group. */
function groupWord(group: string): string {
  if (group === "") return "core";
  const [first = "", ...rest] = group.replace(/\.k8s\.io$/, "").split(".");
  return first + rest.map(capitalize).join("");
}

const objectContent = (schema: JsonSchema, streams = false): JsonSchema => {
  const types = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];
  if (streams) types.push("application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch");
  return Object.fromEntries(types.sort().map((t) => [t, { schema }]));
};

const respond = (codes: readonly string[], content: JsonSchema): JsonSchema => {
  const text: Record<string, string> = { "200": "OK", "201": "Created", "202": "Accepted" };
  const out: Record<string, JsonSchema> = {};
  for (const c of codes) out[c] = { content, description: text[c]! };
  out["401"] = { description: "Unauthorized" };
  return out;
};

const patchContentTypes = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  // Offered because every served kind's schema carries its full patch metadata; without
  // it kubectl would build patches that replace merged lists whole.
  "application/strategic-merge-patch+json",
];

/** The operation for one verb on one path. */
export function operation(verb: Verb, ctx: OperationContext): Operation {
  const gvWord = `${capitalize(groupWord(ctx.gv.group))}${capitalize(ctx.gv.version)}`;
  const scope = ctx.namespaced ? "Namespaced" : "";
  const sub = ctx.subresource ? capitalize(ctx.subresource) : "";
  const kind = ctx.resourceKind;
  const object = ctx.objectName ? ref(ctx.objectName) : { type: "string" };
  const what = ctx.subresource ? `${ctx.subresource} of the specified ${kind}` : `the specified ${kind}`;

  let id: string;
  let description: string;
  let action: string = verb;
  let parameters: readonly JsonSchema[] = [];
  let requestBody: JsonSchema | undefined;
  let responses: JsonSchema;

  switch (verb) {
    case "get":
      id = `read${gvWord}${scope}${kind}${sub}`;
      description = `read ${what}`;
      parameters = ctx.subresource ? subresourceParams[ctx.subresource] ?? [] : [];
      responses = respond(["200"], ctx.subresource === "log" ? { "text/plain": { schema: { type: "string" } } } : objectContent(object));
      break;
    case "list":
      id = ctx.allNamespaces ? `list${gvWord}${kind}ForAllNamespaces` : `list${gvWord}${scope}${kind}`;
      description = `list or watch objects of kind ${kind}`;
      parameters = listParams;
      responses = respond(["200"], objectContent(ref(ctx.listName ?? ctx.objectName!), true));
      break;
    case "watch":
    case "watchlist":
      id = verb === "watch" ? `watch${gvWord}${scope}${kind}`
        : ctx.allNamespaces ? `watch${gvWord}${kind}ListForAllNamespaces` : `watch${gvWord}${scope}${kind}List`;
      description = verb === "watch" ? `watch changes to an object of kind ${kind}. deprecated: use the 'watch' parameter with a list operation instead`
        : `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead`;
      parameters = listParams;
      responses = respond(["200"], objectContent(ref(definitionNames.watchEvent), true));
      break;
    case "create":
      id = `create${gvWord}${scope}${kind}${sub}`;
      description = ctx.subresource ? `create ${what}` : `create a ${kind}`;
      parameters = writeParams;
      requestBody = { content: { "*/*": { schema: object } }, required: true };
      responses = respond(["200", "201", "202"], objectContent(object));
      action = "post";
      break;
    case "update":
      id = `replace${gvWord}${scope}${kind}${sub}`;
      description = `replace ${what}`;
      parameters = writeParams;
      requestBody = { content: { "*/*": { schema: object } }, required: true };
      responses = respond(["200", "201"], objectContent(object));
      action = "put";
      break;
    case "patch":
      id = `patch${gvWord}${scope}${kind}${sub}`;
      description = `partially update ${what}`;
      parameters = [...writeParams, params.force];
      requestBody = { content: Object.fromEntries(patchContentTypes.map((t) => [t, { schema: ref(definitionNames.patch) }])), required: true };
      responses = respond(["200", "201"], objectContent(object));
      break;
    case "delete":
      id = `delete${gvWord}${scope}${kind}`;
      description = `delete a ${kind}`;
      parameters = deleteParams;
      requestBody = { content: { "*/*": { schema: ref(definitionNames.deleteOptions) } } };
      responses = respond(["200", "202"], objectContent(object));
      break;
    case "deletecollection":
      id = `delete${gvWord}Collection${scope}${kind}`;
      description = `delete collection of ${kind}`;
      parameters = [...deleteParams, params.continue, params.fieldSelector, params.labelSelector, params.limit,
        params.resourceVersion, params.resourceVersionMatch, params.sendInitialEvents, params.timeoutSeconds];
      requestBody = { content: { "*/*": { schema: ref(definitionNames.deleteOptions) } } };
      responses = respond(["200"], objectContent(ref(definitionNames.status)));
      break;
    case "connect":
      id = `connect${gvWord}${ctx.method ?? "Get"}${scope}${kind}${sub}`;
      description = `connect ${(ctx.method ?? "Get").toUpperCase()} requests to ${ctx.subresource} of ${kind}`;
      parameters = ctx.subresource ? subresourceParams[ctx.subresource] ?? [] : [];
      responses = respond(["200"], { "*/*": { schema: { type: "string" } } });
      break;
  }

  return {
    description,
    operationId: id,
    ...(parameters.length > 0 ? { parameters: [...parameters] } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    tags: [`${groupWord(ctx.gv.group)}_${ctx.gv.version}`],
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: ctx.gvk.group, kind: ctx.gvk.kind, version: ctx.gvk.version },
  };
}
