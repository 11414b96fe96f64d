/**
 * Field tables for the apimachinery messages every kind embeds: ObjectMeta and its parts,
 * LabelSelector, Condition, and the four messages whose JSON is not an object (Time,
 * IntOrString, Quantity, FieldsV1; see json-forms.ts).
 *
 * Facts of k8s.io/apimachinery v0.32.4 (pkg/apis/meta/v1, pkg/util/intstr,
 * pkg/api/resource): generated.proto field numbers, types.go JSON tags. The fields of
 * Time, IntOrString, Quantity and FieldsV1 carry the names json-forms.ts reads; Quantity's
 * string and FieldsV1's raw are `optional` because an absent one means zero/null there.
 */
import type { MessageTable } from "./message-spec.js";

export const apimachineryMessages: MessageTable = {
  ObjectMeta: {
    1: { json: "name", type: "string", omitEmpty: true },
    2: { json: "generateName", type: "string", omitEmpty: true },
    3: { json: "namespace", type: "string", omitEmpty: true },
    4: { json: "selfLink", type: "string", omitEmpty: true },
    5: { json: "uid", type: "string", omitEmpty: true },
    6: { json: "resourceVersion", type: "string", omitEmpty: true },
    7: { json: "generation", type: "int64", omitEmpty: true },
    8: { json: "creationTimestamp", type: "message:Time" },
    9: { json: "deletionTimestamp", type: "message:Time", optional: true },
    10: { json: "deletionGracePeriodSeconds", type: "int64", optional: true },
    11: { json: "labels", type: "map<string,string>" },
    12: { json: "annotations", type: "map<string,string>" },
    13: { json: "ownerReferences", type: "message:OwnerReference", repeated: true },
    14: { json: "finalizers", type: "string", repeated: true },
    17: { json: "managedFields", type: "message:ManagedFieldsEntry", repeated: true },
  },
  Time: {
    1: { json: "seconds", type: "int64" },
    2: { json: "nanos", type: "int32" },
  },
  OwnerReference: {
    1: { json: "kind", type: "string" },
    3: { json: "name", type: "string" },
    4: { json: "uid", type: "string" },
    5: { json: "apiVersion", type: "string" },
    6: { json: "controller", type: "bool", optional: true },
    7: { json: "blockOwnerDeletion", type: "bool", optional: true },
  },
  ManagedFieldsEntry: {
    1: { json: "manager", type: "string", omitEmpty: true },
    2: { json: "operation", type: "string", omitEmpty: true },
    3: { json: "apiVersion", type: "string", omitEmpty: true },
    4: { json: "time", type: "message:Time", optional: true },
    6: { json: "fieldsType", type: "string", omitEmpty: true },
    7: { json: "fieldsV1", type: "message:FieldsV1", optional: true },
    8: { json: "subresource", type: "string", omitEmpty: true },
  },
  Condition: {
    1: { json: "type", type: "string" },
    2: { json: "status", type: "string" },
    3: { json: "observedGeneration", type: "int64", omitEmpty: true },
    4: { json: "lastTransitionTime", type: "message:Time" },
    5: { json: "reason", type: "string" },
    6: { json: "message", type: "string" },
  },
  LabelSelector: {
    1: { json: "matchLabels", type: "map<string,string>" },
    2: { json: "matchExpressions", type: "message:LabelSelectorRequirement", repeated: true },
  },
  FieldsV1: {
    1: { json: "raw", type: "bytes", optional: true },
  },
  IntOrString: {
    1: { json: "type", type: "int64" },
    2: { json: "intVal", type: "int32" },
    3: { json: "strVal", type: "string" },
  },
  LabelSelectorRequirement: {
    1: { json: "key", type: "string" },
    2: { json: "operator", type: "string" },
    3: { json: "values", type: "string", repeated: true },
  },
  Quantity: {
    1: { json: "string", type: "string", optional: true },
  },
  FieldSelectorRequirement: {
    1: { json: "key", type: "string" },
    2: { json: "operator", type: "string" },
    3: { json: "values", type: "string", repeated: true },
  },
};
