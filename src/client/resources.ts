/** The resources the agent, scheduler and controllers use, named once. */
import type { ApiResource } from "./rest-client.js";

export const podsResource: ApiResource = { group: "", version: "v1", plural: "pods", namespaced: true };
export const nodesResource: ApiResource = { group: "", version: "v1", plural: "nodes", namespaced: false };
export const namespacesResource: ApiResource = { group: "", version: "v1", plural: "namespaces", namespaced: false };
export const eventsResource: ApiResource = { group: "", version: "v1", plural: "events", namespaced: true };
export const configMapsResource: ApiResource = { group: "", version: "v1", plural: "configmaps", namespaced: true };
export const secretsResource: ApiResource = { group: "", version: "v1", plural: "secrets", namespaced: true };
export const servicesResource: ApiResource = { group: "", version: "v1", plural: "services", namespaced: true };
export const leasesResource: ApiResource = { group: "coordination.k8s.io", version: "v1", plural: "leases", namespaced: true };
