/**
 * Builds the object filter of a list, watch or deletecollection from its
 * `labelSelector` and `fieldSelector` parameters, as upstream's storage predicates do:
 * labels are matched against metadata.labels, fields against the kind's selectable
 * fields (with upstream's field-name conversions, e.g. events.k8s.io `regarding.*`).
 */
import {
  labelSelectorAsSelector, parseLabelSelector, validateFieldSelector, type LabelSelectorObject,
} from "../api/index.js";
import type { ObjectFilter } from "./registry/list.js";
import type { ResourceEntry } from "./resources/resource-entry.js";

const everything: ObjectFilter = Object.assign(() => true, { matchesAll: true });

export function buildFilter(entry: ResourceEntry, query: URLSearchParams): ObjectFilter {
  const labelText = query.get("labelSelector") ?? "";
  const fieldText = query.get("fieldSelector") ?? "";
  const labels = labelText ? parseLabelSelector(labelText) : undefined;
  const fields = fieldText ? validateFieldSelector(entry.type.group, entry.type.kind, fieldText) : undefined;
  if ((!labels || labels.empty()) && (!fields || fields.empty())) return everything;
  const strategy = entry.registry.strategy;
  return (obj) =>
    (!labels || labels.matches(obj.metadata.labels ?? {}))
    && (!fields || fields.matches(strategy.selectableFields(obj)));
}

/** A LabelSelector object as the selector string Scale's status.selector carries. */
export function selectorString(selector: unknown): string {
  return labelSelectorAsSelector(selector as LabelSelectorObject).toString();
}
