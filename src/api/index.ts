/** The API layer: object types and the pure rules of the Kubernetes API. No I/O. */
export * from "./meta/field-errors.js";
export * from "./meta/status-errors.js";
export * from "./meta/object.js";
export * from "./schema/index.js";
export * from "./openapi/index.js";
export * from "./protobuf/index.js";
export * from "./selectors/index.js";
export * from "./events.k8s.io/event-conversion.js";
export * from "./printers/index.js";
export * from "./patch/index.js";
export * from "./validation.js";
export * from "./defaults.js";
