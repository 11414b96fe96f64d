/**
 * The shape of the API types Peapod serves, as a navigable graph of named structs.
 *
 * The graph is generated at build time from a dependency that carries the upstream API
 * definitions (see scripts/generate-schemas.mjs); the patch metadata (merge keys and
 * strategies) comes from one table of API facts. Strict decoding, strategic merge patch
 * and the OpenAPI documents all read this one graph, so they never disagree.
 */

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export type SchemaType =
  | { readonly kind: "string"; readonly format?: string }
  | { readonly kind: "integer"; readonly format?: string }
  | { readonly kind: "number"; readonly format?: string }
  | { readonly kind: "boolean" }
  /** intstr.IntOrString */
  | { readonly kind: "int-or-string" }
  /** resource.Quantity: a string or a number on input, a string on output */
  | { readonly kind: "quantity" }
  /** metav1.Time, or metav1.MicroTime when `micro` is set: an RFC 3339 string */
  | { readonly kind: "time"; readonly format: "date-time"; readonly micro?: true }
  /** []byte: a base64 string */
  | { readonly kind: "bytes" }
  | { readonly kind: "array"; readonly items: SchemaType }
  | { readonly kind: "map"; readonly values: SchemaType }
  | { readonly kind: "struct"; readonly name: string }
  /**
   * Anything, never looked into (runtime.RawExtension, metav1.FieldsV1); `name` is the
   * upstream definition that stands for it in OpenAPI.
   */
  | { readonly kind: "any"; readonly name?: string };

export type PatchStrategy = "merge" | "replace" | "retainKeys" | "merge,retainKeys";

export interface FieldDef {
  readonly type: SchemaType;
  readonly description: string;
  /** x-kubernetes-patch-merge-key: lists of objects merged by this key in a strategic merge patch. */
  readonly patchMergeKey?: string;
  /** x-kubernetes-patch-strategy */
  readonly patchStrategy?: PatchStrategy;
}

export interface StructDef {
  /** The OpenAPI definition name, e.g. `io.k8s.api.core.v1.Pod`. */
  readonly name: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  readonly required: readonly string[];
  /** Set on top-level kinds (x-kubernetes-group-version-kind). */
  readonly gvk?: readonly GroupVersionKind[];
}

export interface Schema {
  struct(name: string): StructDef | undefined;
  /** The struct of a top-level kind, e.g. ("", "v1", "Pod"). */
  structForKind(gvk: GroupVersionKind): StructDef | undefined;
  /** Every struct, for building OpenAPI documents. */
  structs(): Iterable<StructDef>;
}
