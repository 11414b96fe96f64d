/**
 * Reading fields of objects that arrive as plain JSON. The printers see stored objects,
 * which are normally well formed, but a table must never fail because one object is odd:
 * upstream prints from typed structs, where a missing field is simply its zero value, so
 * every reader here falls back to that zero value instead of throwing.
 */
import { isPlainObject } from "../meta/object.js";

export type JsonObject = Record<string, unknown>;

const emptyObject: JsonObject = Object.freeze({}) as JsonObject;

/** A nested object, or an empty one when the field is missing or not an object. */
export function objectAt(parent: unknown, key: string): JsonObject {
  if (!isPlainObject(parent)) return emptyObject;
  const v = parent[key];
  return isPlainObject(v) ? v : emptyObject;
}

/** A nested object, or undefined when absent: for Go pointers to structs, where nil matters. */
export function optionalObjectAt(parent: unknown, key: string): JsonObject | undefined {
  if (!isPlainObject(parent)) return undefined;
  const v = parent[key];
  return isPlainObject(v) ? v : undefined;
}

/** A string field, or "" (Go's zero value). */
export function stringAt(parent: unknown, key: string): string {
  if (!isPlainObject(parent)) return "";
  const v = parent[key];
  return typeof v === "string" ? v : "";
}

/** A string field, or undefined when absent: for Go `*string` fields, where nil matters. */
export function optionalStringAt(parent: unknown, key: string): string | undefined {
  if (!isPlainObject(parent)) return undefined;
  const v = parent[key];
  return typeof v === "string" ? v : undefined;
}

/** An integer field, or 0. Fractions are cut toward zero, as a Go int would hold them. */
export function integerAt(parent: unknown, key: string): number {
  const v = optionalIntegerAt(parent, key);
  return v ?? 0;
}

/** An integer field, or undefined when absent: for Go `*int32` fields. */
export function optionalIntegerAt(parent: unknown, key: string): number | undefined {
  if (!isPlainObject(parent)) return undefined;
  const v = parent[key];
  return typeof v === "number" && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

/** A boolean field, or false. */
export function booleanAt(parent: unknown, key: string): boolean {
  return optionalBooleanAt(parent, key) ?? false;
}

/** A boolean field, or undefined when absent: for Go `*bool` fields. */
export function optionalBooleanAt(parent: unknown, key: string): boolean | undefined {
  if (!isPlainObject(parent)) return undefined;
  const v = parent[key];
  return typeof v === "boolean" ? v : undefined;
}

/** The object entries of a list field; anything that is not an object is skipped. */
export function objectsAt(parent: unknown, key: string): JsonObject[] {
  if (!isPlainObject(parent)) return [];
  const v = parent[key];
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** The string entries of a list field. */
export function stringsAt(parent: unknown, key: string): string[] {
  if (!isPlainObject(parent)) return [];
  const v = parent[key];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
}

/** The number of entries of a list field (Go `len` of a slice), 0 when absent. */
export function lengthAt(parent: unknown, key: string): number {
  if (!isPlainObject(parent)) return 0;
  const v = parent[key];
  return Array.isArray(v) ? v.length : 0;
}

/** The number of keys of a map field (Go `len` of a map), 0 when absent. */
export function sizeAt(parent: unknown, key: string): number {
  return Object.keys(objectAt(parent, key)).length;
}

/** A map of strings (labels, selectors); non-string values are skipped. */
export function stringMapAt(parent: unknown, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(objectAt(parent, key))) {
    if (typeof v === "string") out[k] = v;
  }
  return out;
}

/** `metadata` of an object. */
export function metadataOf(obj: unknown): JsonObject {
  return objectAt(obj, "metadata");
}
