/**
 * Defaults of the small core kinds (pkg/apis/core/v1/defaults.go SetDefaults_Secret,
 * SetDefaults_Namespace, SetDefaults_NamespaceStatus, SetDefaults_Endpoints,
 * SetDefaults_NodeStatus) and the
 * namespace's create-time finalizer (pkg/registry/core/namespace/strategy.go PrepareForCreate).
 */
import type { ObjectMeta } from "../../meta/object.js";
import { defaultResourceList } from "./container-defaults.js";

interface Obj {
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface Secret extends Obj {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export interface Namespace extends Obj {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; [field: string]: unknown };
}

export interface Endpoints extends Obj {
  subsets?: {
    addresses?: Record<string, unknown>[];
    notReadyAddresses?: Record<string, unknown>[];
    ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
  }[];
}

export const namespaceNameLabel = "kubernetes.io/metadata.name";

export function defaultSecret(secret: Secret): void {
  if (!secret.type) secret.type = "Opaque";
}

/** Every namespace carries its own name as a label, so selectors can pick namespaces by name. */
export function defaultNamespace(ns: Namespace): void {
  const name = ns.metadata?.name;
  if (name) {
    ns.metadata!.labels ??= {};
    ns.metadata!.labels[namespaceNameLabel] = name;
  }
  if (ns.status && !ns.status.phase) ns.status.phase = "Active";
}

/**
 * On create a namespace starts Active and always holds the `kubernetes` finalizer, which the
 * namespace controller removes once the contents are gone.
 */
export function prepareNamespaceForCreate(ns: Namespace): void {
  ns.status = { phase: "Active" };
  ns.spec ??= {};
  const finalizers = ns.spec.finalizers ?? [];
  if (!finalizers.includes("kubernetes")) ns.spec.finalizers = [...finalizers, "kubernetes"];
}

export function defaultEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      if (!port.protocol) port.protocol = "TCP";
    }
  }
}

export interface NodeObject {
  status?: { capacity?: Record<string, string | number>; allocatable?: Record<string, string | number>; [k: string]: unknown };
}

/** Allocatable defaults to capacity; both are written in canonical quantity form (SetDefaults_NodeStatus). */
export function defaultNode(node: NodeObject): void {
  const status = node.status;
  if (!status) return;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
}
