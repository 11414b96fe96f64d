/**
 * NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): objects may only be
 * created in a namespace that exists and is not being deleted.
 */
import { ForbiddenError, NotFoundError, StatusError } from "../../api/index.js";
import type { GenericRegistry } from "../registry/generic-registry.js";
import type { Admission } from "./admission.js";

export function namespaceLifecycle(namespaces: GenericRegistry): Admission {
  return {
    async admitCreate(entry, namespace, obj) {
      if (!entry.type.namespaced || entry.type.virtual) return;
      let ns;
      try {
        ns = await namespaces.get("", namespace);
      } catch (e) {
        if (e instanceof NotFoundError) throw new NotFoundError({ group: "", resource: "namespaces" }, namespace);
        throw e;
      }
      if (ns.metadata.deletionTimestamp) {
        const err = new ForbiddenError(entry.registry.groupResource, obj.metadata.name ?? "",
          `unable to create new content in namespace ${namespace} because it is being terminated`);
        throw new StatusError(err.code, err.reason, err.message, {
          ...err.details,
          causes: [{ reason: "NamespaceTerminating", message: `namespace ${namespace} is being terminated`, field: "metadata.namespace" }],
        });
      }
    },
  };
}
