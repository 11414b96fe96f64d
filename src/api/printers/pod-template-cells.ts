/**
 * The wide CONTAINERS and IMAGES cells of the workload kinds: every container of the pod
 * template on one line, comma-separated (upstream `layoutContainerCells`). Init containers
 * are not listed, as upstream.
 */
import { objectAt, objectsAt, stringAt, type JsonObject } from "./object-fields.js";

export interface ContainerCells {
  readonly names: string;
  readonly images: string;
}

/** `template` is a PodTemplateSpec (`spec.template` of a Deployment, Job, ...). */
export function containerCells(template: JsonObject): ContainerCells {
  const containers = objectsAt(objectAt(template, "spec"), "containers");
  return {
    names: containers.map((c) => stringAt(c, "name")).join(","),
    images: containers.map((c) => stringAt(c, "image")).join(","),
  };
}
