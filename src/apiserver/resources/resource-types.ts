/**
 * The resources Peapod serves, with the names, scopes, verbs and short names of upstream
 * Kubernetes 1.32 (as `kubectl api-resources -o wide` shows them on a real cluster).
 * Discovery, OpenAPI, routing and storage all read this one table.
 */

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

export interface SubresourceType {
  readonly name: string;
  /** The kind the subresource answers with (for discovery's responseKind). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly string[];
  /**
   * Served as a connection rather than an object (upstream's rest.Connecter: exec, attach,
   * portforward). Discovery lists the HTTP methods as verbs (GET -> get, POST -> create);
   * OpenAPI publishes them as `connect` operations with no object schema.
   */
  readonly connect?: boolean;
}

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly SubresourceType[];
  /** Where objects live in the store; two versions of one kind share it (core and events.k8s.io events). */
  readonly storagePrefix: string;
  /** Kinds whose writes go through create only (reviews): nothing is stored. */
  readonly virtual?: boolean;
  /** The main resource ignores status changes and the status subresource ignores the rest. */
  readonly hasStatus: boolean;
}

const all = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] as const;
const noCollection = ["create", "delete", "get", "list", "patch", "update", "watch"] as const;
const statusVerbs = ["get", "patch", "update"] as const;

interface Spec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly string[];
  status?: boolean;
  scale?: boolean;
  extraSubresources?: SubresourceType[];
  storagePrefix?: string;
  virtual?: boolean;
}

function define(s: Spec): ResourceType {
  const subresources: SubresourceType[] = [];
  if (s.status) {
    subresources.push({ name: "status", group: s.group, version: s.version, kind: s.kind, verbs: statusVerbs });
  }
  if (s.scale) {
    subresources.push({ name: "scale", group: "autoscaling", version: "v1", kind: "Scale", verbs: statusVerbs });
  }
  subresources.push(...(s.extraSubresources ?? []));
  // Upstream lists a resource's paths sorted (apiserver endpoints/installer.go), so
  // `pods/attach` comes before `pods/status` in both discovery forms.
  subresources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    group: s.group,
    version: s.version,
    kind: s.kind,
    listKind: `${s.kind}List`,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    namespaced: s.namespaced,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? all,
    subresources,
    storagePrefix: s.storagePrefix ?? `/registry/${s.group ? `${s.group}/` : ""}${s.plural}/`,
    hasStatus: s.status ?? false,
    ...(s.virtual ? { virtual: true } : {}),
  };
}

export const resourceTypes: readonly ResourceType[] = [
  define({ group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"], verbs: noCollection, status: true }),
  define({ group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"], status: true }),
  define({
    group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"], categories: ["all"], status: true,
    // Only what Peapod serves (no eviction, proxy or ephemeralcontainers yet), with the
    // kinds and verbs of Kubernetes 1.32's /api/v1.
    extraSubresources: [
      { name: "binding", group: "", version: "v1", kind: "Binding", verbs: ["create"] },
      { name: "log", group: "", version: "v1", kind: "Pod", verbs: ["get"] },
      { name: "exec", group: "", version: "v1", kind: "PodExecOptions", verbs: ["create", "get"], connect: true },
      { name: "attach", group: "", version: "v1", kind: "PodAttachOptions", verbs: ["create", "get"], connect: true },
      { name: "portforward", group: "", version: "v1", kind: "PodPortForwardOptions", verbs: ["create", "get"], connect: true },
    ],
  }),
  define({ group: "", version: "v1", kind: "Binding", plural: "bindings", namespaced: true, verbs: ["create"], virtual: true }),
  define({ group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"], storagePrefix: "/registry/events/" }),
  define({ group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"] }),
  define({ group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true }),
  define({ group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true, shortNames: ["sa"] }),
  define({ group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"], categories: ["all"], status: true }),
  define({ group: "", version: "v1", kind: "Endpoints", plural: "endpoints", namespaced: true, shortNames: ["ep"] }),
  define({ group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"], storagePrefix: "/registry/events/" }),
  define({ group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true }),
  define({ group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true, shortNames: ["deploy"], categories: ["all"], status: true, scale: true }),
  define({ group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, shortNames: ["rs"], categories: ["all"], status: true, scale: true }),
  define({ group: "apps", version: "v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true, shortNames: ["sts"], categories: ["all"], status: true, scale: true }),
  define({ group: "apps", version: "v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true, shortNames: ["ds"], categories: ["all"], status: true }),
  define({ group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, categories: ["all"], status: true }),
  define({ group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true, shortNames: ["cj"], categories: ["all"], status: true }),
  define({ group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", namespaced: false, verbs: ["create"], virtual: true }),
  define({ group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", namespaced: false, verbs: ["create"], virtual: true }),
];

/** Group-versions in the order discovery lists them; the first version of a group is preferred. */
export const groupVersions: readonly GroupVersion[] = dedupe(resourceTypes.map((r) => ({ group: r.group, version: r.version })));

function dedupe(gvs: GroupVersion[]): GroupVersion[] {
  const seen = new Set<string>();
  return gvs.filter((gv) => {
    const k = `${gv.group}/${gv.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function groupVersionString(gv: GroupVersion): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

const byPath = new Map(resourceTypes.map((r) => [`${r.group}/${r.version}/${r.plural}`, r]));

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

export function findResourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) as [string, string] : ["", apiVersion];
  return resourceTypes.find((r) => r.group === group && r.version === version && r.kind === kind);
}
