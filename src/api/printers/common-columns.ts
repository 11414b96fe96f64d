/**
 * Columns many kinds share. Upstream takes most descriptions from the API field docs
 * (`SwaggerDoc()` of the 1.32 types); the texts below are those docs, word for word, so
 * a Table looks the same as one from a real API server.
 */
import { column, type TableColumnDefinition } from "./table.js";

/** metav1.ObjectMeta `name`. */
export const objectNameDescription =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/** metav1.ObjectMeta `creationTimestamp`. */
export const creationTimestampDescription =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

export const nameColumn: TableColumnDefinition = column("Name", "string", objectNameDescription, { format: "name" });

export const ageColumn: TableColumnDefinition = column("Age", "string", creationTimestampDescription);

/** Wide columns of the workload kinds, filled from the pod template. */
export const containersColumn: TableColumnDefinition = column(
  "Containers",
  "string",
  "Names of each container in the template.",
  { priority: 1 },
);

export const imagesColumn: TableColumnDefinition = column(
  "Images",
  "string",
  "Images referenced by each container in the template.",
  { priority: 1 },
);
