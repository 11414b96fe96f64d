/** The OpenAPI v3 documents kubectl downloads (explain, validation, client-side apply). */
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
