/**
 * Everything the verb handlers need about one served resource, assembled once at start.
 */
import type { GenericRegistry } from "../registry/generic-registry.js";
import type { DeleteOptions, DeleteResult, GracefulDeletePolicy } from "../registry/delete.js";
import type { ResourceType } from "./resource-types.js";

export interface ResourceEntry {
  readonly type: ResourceType;
  readonly registry: GenericRegistry;
  /** Kinds with graceful deletion (pods); others delete at once unless finalizers hold them. */
  readonly graceful?: GracefulDeletePolicy;
  /** Upstream returns the deleted object for some kinds (pods) and a Status for the rest. */
  readonly returnDeletedObject: boolean;
  /** Kinds whose deletion is a process of its own (namespaces). */
  readonly customDelete?: (name: string, options: DeleteOptions) => Promise<DeleteResult>;
}
