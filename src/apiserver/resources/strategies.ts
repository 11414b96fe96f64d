/**
 * The Strategy of each served kind, assembled from the API layer's pure rules
 * (defaulting, validation, selectable fields) and the upstream spec/status split:
 * - on create, status is reset (pods start `Pending` with their QoS class, gated ones
 *   also with PodScheduled=False/SchedulingGated; namespaces `Active`), except for nodes,
 *   whose agent reports status from the start;
 * - an update of the main resource keeps the old status; a status update keeps
 *   everything else, metadata included (upstream ResetObjectMetaForStatus);
 * - kinds with a generation bump it whenever the spec changes (Deployment: also annotations).
 */
import { isDeepStrictEqual } from "node:util";
import {
  applyCreateDefaults, applyDefaults, fieldsFor, podInitialStatus, validateCreate, validateStatusUpdate, validateUpdate,
  warningsFor,
  type KubeObject,
} from "../../api/index.js";
import type { ResourceType } from "./resource-types.js";
import type { Strategy } from "./strategy.js";

const kindsWithGeneration = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"]);

function initialStatus(type: ResourceType, obj: KubeObject): unknown {
  if (type.group !== "") return {};
  switch (type.kind) {
    case "Pod":
      return podInitialStatus(obj);
    case "Namespace":
      return { phase: "Active" };
    case "Service":
      return { loadBalancer: {} };
    default:
      return {};
  }
}

export function strategyFor(type: ResourceType): Strategy {
  const { group, kind } = type;
  const generation = kindsWithGeneration.has(kind);
  const bumpsOn = (obj: KubeObject, old: KubeObject): boolean =>
    !isDeepStrictEqual(obj["spec"], old["spec"])
    || (kind === "Deployment" && !isDeepStrictEqual(obj.metadata.annotations ?? {}, old.metadata.annotations ?? {}));

  return {
    defaults: (obj) => applyDefaults(group, kind, obj),
    prepareForCreate(obj) {
      if (type.hasStatus && kind !== "Node") obj["status"] = initialStatus(type, obj);
      if (generation) obj.metadata.generation = 1;
      else delete obj.metadata.generation;
      applyCreateDefaults(group, kind, obj);
    },
    prepareForUpdate(obj, old) {
      if (type.hasStatus) {
        if (old["status"] === undefined) delete obj["status"];
        else obj["status"] = old["status"];
      }
      if (generation) {
        obj.metadata.generation = (old.metadata.generation ?? 1) + (bumpsOn(obj, old) ? 1 : 0);
      } else {
        delete obj.metadata.generation;
      }
    },
    prepareForStatusUpdate(obj, old) {
      const status = obj["status"];
      for (const k of Object.keys(obj)) delete obj[k];
      Object.assign(obj, structuredClone(old));
      if (status === undefined) delete obj["status"];
      else obj["status"] = status;
    },
    validateCreate: (obj) => validateCreate(group, kind, obj),
    validateUpdate: (obj, old) => validateUpdate(group, kind, obj, old),
    validateStatusUpdate: (obj, old) => validateStatusUpdate(group, kind, obj, old),
    warnings: (obj, old) => warningsFor(group, kind, obj, old),
    selectableFields: (obj) => fieldsFor(group, kind, obj),
  };
}
