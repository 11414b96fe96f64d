/**
 * Admission: checks that depend on other objects, run after decoding and before the
 * registry writes (upstream admission plugins). Only NamespaceLifecycle exists so far.
 */
import type { KubeObject } from "../../api/index.js";
import type { ResourceEntry } from "../resources/resource-entry.js";

export interface Admission {
  admitCreate(entry: ResourceEntry, namespace: string, obj: KubeObject): Promise<void>;
}
