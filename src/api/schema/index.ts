/** The struct graph of the served API types, its patch metadata, and strict decoding against it. */
export type * from "./schema.js";
export { loadSchema, schemaFromData, type SchemaData } from "./load-schema.js";
export { PATCH_METADATA, type PatchFact } from "./patch-metadata.js";
export {
  findDuplicateFields,
  findStrictDecodingErrors,
  findUnknownFields,
  strictDecodingBadRequest,
  strictDecodingMessage,
  strictDecodingPatchInvalid,
  strictDecodingWarnings,
} from "./strict-decoding.js";
export { findTypeError, pruneUnknownFields } from "./type-check.js";
