/** The OpenAPI documents kubectl downloads: v3 (explain, validation, client-side apply) and v2 (validating List items). */
export {
  buildOpenApiV3,
  buildOpenApiV3Index,
  openApiV3Key,
  parseGroupVersion,
  type GroupVersion,
  type OpenApiResource,
  type OpenApiSubresource,
  type OpenApiV3Document,
  type OpenApiV3Index,
  type PathItem,
} from "./openapi-v3.js";
export type { JsonSchema } from "./openapi-schemas.js";
export { buildOpenApiV2, type OpenApiV2Document } from "./openapi-v2.js";
export { encodeOpenApiV2Protobuf } from "./openapi-v2-protobuf.js";
