/**
 * Field tables for Deployment.
 *
 * Facts of k8s.io/api v0.32.4 apps/v1 (generated.proto field numbers, types.go JSON tags).
 */
import type { MessageTable } from "./message-spec.js";

export const appsV1Messages: MessageTable = {
  Deployment: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:DeploymentSpec" },
    3: { json: "status", type: "message:DeploymentStatus" },
  },
  DeploymentSpec: {
    1: { json: "replicas", type: "int32", optional: true },
    2: { json: "selector", type: "message:LabelSelector", optional: true },
    3: { json: "template", type: "message:PodTemplateSpec" },
    4: { json: "strategy", type: "message:DeploymentStrategy" },
    5: { json: "minReadySeconds", type: "int32", omitEmpty: true },
    6: { json: "revisionHistoryLimit", type: "int32", optional: true },
    7: { json: "paused", type: "bool", omitEmpty: true },
    9: { json: "progressDeadlineSeconds", type: "int32", optional: true },
  },
  DeploymentStatus: {
    1: { json: "observedGeneration", type: "int64", omitEmpty: true },
    2: { json: "replicas", type: "int32", omitEmpty: true },
    3: { json: "updatedReplicas", type: "int32", omitEmpty: true },
    4: { json: "availableReplicas", type: "int32", omitEmpty: true },
    5: { json: "unavailableReplicas", type: "int32", omitEmpty: true },
    6: { json: "conditions", type: "message:DeploymentCondition", repeated: true },
    7: { json: "readyReplicas", type: "int32", omitEmpty: true },
    8: { json: "collisionCount", type: "int32", optional: true },
  },
  DeploymentStrategy: {
    1: { json: "type", type: "string", omitEmpty: true },
    2: { json: "rollingUpdate", type: "message:RollingUpdateDeployment", optional: true },
  },
  DeploymentCondition: {
    1: { json: "type", type: "string" },
    2: { json: "status", type: "string" },
    4: { json: "reason", type: "string", omitEmpty: true },
    5: { json: "message", type: "string", omitEmpty: true },
    6: { json: "lastUpdateTime", type: "message:Time" },
    7: { json: "lastTransitionTime", type: "message:Time" },
  },
  RollingUpdateDeployment: {
    1: { json: "maxUnavailable", type: "message:IntOrString", optional: true },
    2: { json: "maxSurge", type: "message:IntOrString", optional: true },
  },
};
