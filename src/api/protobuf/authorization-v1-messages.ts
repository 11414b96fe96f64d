/**
 * Field tables for SelfSubjectAccessReview and SelfSubjectRulesReview.
 *
 * Facts of k8s.io/api v0.32.4 authorization/v1 (generated.proto field numbers, types.go JSON tags).
 */
import type { MessageTable } from "./message-spec.js";

export const authorizationV1Messages: MessageTable = {
  SelfSubjectAccessReview: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:SelfSubjectAccessReviewSpec" },
    3: { json: "status", type: "message:SubjectAccessReviewStatus" },
  },
  SelfSubjectRulesReview: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:SelfSubjectRulesReviewSpec" },
    3: { json: "status", type: "message:SubjectRulesReviewStatus" },
  },
  SelfSubjectAccessReviewSpec: {
    1: { json: "resourceAttributes", type: "message:ResourceAttributes", optional: true },
    2: { json: "nonResourceAttributes", type: "message:NonResourceAttributes", optional: true },
  },
  SubjectAccessReviewStatus: {
    1: { json: "allowed", type: "bool" },
    2: { json: "reason", type: "string", omitEmpty: true },
    3: { json: "evaluationError", type: "string", omitEmpty: true },
    4: { json: "denied", type: "bool", omitEmpty: true },
  },
  SelfSubjectRulesReviewSpec: {
    1: { json: "namespace", type: "string", omitEmpty: true },
  },
  SubjectRulesReviewStatus: {
    1: { json: "resourceRules", type: "message:ResourceRule", repeated: true },
    2: { json: "nonResourceRules", type: "message:NonResourceRule", repeated: true },
    3: { json: "incomplete", type: "bool" },
    4: { json: "evaluationError", type: "string", omitEmpty: true },
  },
  ResourceAttributes: {
    1: { json: "namespace", type: "string", omitEmpty: true },
    2: { json: "verb", type: "string", omitEmpty: true },
    3: { json: "group", type: "string", omitEmpty: true },
    4: { json: "version", type: "string", omitEmpty: true },
    5: { json: "resource", type: "string", omitEmpty: true },
    6: { json: "subresource", type: "string", omitEmpty: true },
    7: { json: "name", type: "string", omitEmpty: true },
    8: { json: "fieldSelector", type: "message:FieldSelectorAttributes", optional: true },
    9: { json: "labelSelector", type: "message:LabelSelectorAttributes", optional: true },
  },
  NonResourceAttributes: {
    1: { json: "path", type: "string", omitEmpty: true },
    2: { json: "verb", type: "string", omitEmpty: true },
  },
  ResourceRule: {
    1: { json: "verbs", type: "string", repeated: true },
    2: { json: "apiGroups", type: "string", repeated: true },
    3: { json: "resources", type: "string", repeated: true },
    4: { json: "resourceNames", type: "string", repeated: true },
  },
  NonResourceRule: {
    1: { json: "verbs", type: "string", repeated: true },
    2: { json: "nonResourceURLs", type: "string", repeated: true },
  },
  FieldSelectorAttributes: {
    1: { json: "rawSelector", type: "string", omitEmpty: true },
    2: { json: "requirements", type: "message:FieldSelectorRequirement", repeated: true },
  },
  LabelSelectorAttributes: {
    1: { json: "rawSelector", type: "string", omitEmpty: true },
    2: { json: "requirements", type: "message:LabelSelectorRequirement", repeated: true },
  },
};
