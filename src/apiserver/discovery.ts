/**
 * API discovery in both forms kubectl 1.32 reads (kubectl-protocol.md §2): the aggregated
 * `apidiscovery.k8s.io/v2` documents on /api and /apis, chosen by the Accept header, and
 * the legacy APIVersions/APIGroupList/APIResourceList documents, which kubectl still
 * fetches directly (e.g. `auth can-i` asks for /api/v1).
 */
import { createHash } from "node:crypto";
import {
  groupVersionString, groupVersions, resourceTypes, type GroupVersion, type ResourceType,
} from "./resources/resource-types.js";

export const aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

export interface DiscoveryDocument {
  readonly body: string;
  readonly etag: string;
  readonly contentType: string;
}

function document(body: unknown, contentType: string): DiscoveryDocument {
  const text = JSON.stringify(body);
  return { body: text, etag: `"${createHash("sha256").update(text).digest("hex").slice(0, 32)}"`, contentType };
}

/** Whether the Accept header asks for aggregated discovery (any order of parameters). */
export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((clause) => {
    const p = clause.split(";").map((s) => s.trim());
    return p.includes("g=apidiscovery.k8s.io") && p.includes("as=APIGroupDiscoveryList") && p.includes("v=v2");
  });
}

const resourcesOf = (gv: GroupVersion): ResourceType[] =>
  resourceTypes.filter((r) => r.group === gv.group && r.version === gv.version);

function aggregatedResource(r: ResourceType): Record<string, unknown> {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? "Namespaced" : "Cluster",
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

function aggregatedGroup(group: string): Record<string, unknown> {
  const versions = groupVersions.filter((gv) => gv.group === group);
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((gv) => ({
      version: gv.version,
      resources: resourcesOf(gv).map(aggregatedResource),
      freshness: "Current",
    })),
  };
}

function aggregatedList(groups: string[]): unknown {
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items: groups.map(aggregatedGroup),
  };
}

const namedGroups = [...new Set(groupVersions.filter((gv) => gv.group !== "").map((gv) => gv.group))];

function legacyResourceList(gv: GroupVersion): unknown {
  const resources: Record<string, unknown>[] = [];
  for (const r of resourcesOf(gv)) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources) {
      resources.push({
        name: `${r.plural}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersionString(gv), resources };
}

function legacyGroup(group: string): Record<string, unknown> {
  const versions = groupVersions
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: groupVersionString(gv), version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** Precomputed once: discovery never changes while the server runs. */
export class Discovery {
  readonly aggregatedCore = document(aggregatedList([""]), aggregatedContentType);
  readonly aggregatedGroups = document(aggregatedList(namedGroups), aggregatedContentType);
  readonly legacyCore = document(
    { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "" }] },
    "application/json",
  );
  readonly legacyGroups = document(
    { kind: "APIGroupList", apiVersion: "v1", groups: namedGroups.map(legacyGroup) },
    "application/json",
  );
  private readonly resourceLists = new Map(
    groupVersions.map((gv) => [groupVersionString(gv), document(legacyResourceList(gv), "application/json")]),
  );
  private readonly groups = new Map(
    namedGroups.map((g) => [g, document({ kind: "APIGroup", apiVersion: "v1", ...legacyGroup(g) }, "application/json")]),
  );

  /** `/api/v1` or `/apis/{group}/{version}` */
  resourceList(gv: GroupVersion): DiscoveryDocument | undefined {
    return this.resourceLists.get(groupVersionString(gv));
  }

  /** `/apis/{group}` */
  group(name: string): DiscoveryDocument | undefined {
    return this.groups.get(name);
  }
}
