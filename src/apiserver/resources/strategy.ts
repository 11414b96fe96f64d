/**
 * What differs between kinds on the write path, as upstream's registry "strategies"
 * (pkg/registry/<group>/<kind>/strategy.go): defaulting, validation, which parts a write
 * may touch (spec vs status), generation bumps, and the fields a field selector sees.
 * The generic registry calls these hooks in a fixed order; it never branches on kind.
 *
 *   decode -> defaults -> prepareForCreate|prepareForUpdate -> validate -> store
 */
import type { FieldError, KubeObject } from "../../api/index.js";

export interface Strategy {
  /** Applied to every object that comes in (create, update, patch result), as upstream defaulting on decode. */
  defaults(obj: KubeObject): void;
  /** Clears what a client may not set on create (status) and sets server-owned fields. */
  prepareForCreate(obj: KubeObject): void;
  /** Main resource: keep the old status. Bumps generation when the spec changed. */
  prepareForUpdate(obj: KubeObject, old: KubeObject): void;
  /** Status subresource: keep everything but status (and metadata labels/annotations). */
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void;
  validateCreate(obj: KubeObject): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** Warnings returned as `Warning` headers (upstream WarningsOnCreate/Update). */
  warnings(obj: KubeObject, old?: KubeObject): string[];
  /** The values field selectors match against. */
  selectableFields(obj: KubeObject): Record<string, string>;
}

/** Two versions served from one storage shape (core/v1 and events.k8s.io/v1 Event). */
export interface Conversion {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}
