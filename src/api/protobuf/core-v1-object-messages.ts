/**
 * Field tables for the core/v1 kinds kubectl creates (Namespace, ConfigMap, Secret, ServiceAccount, Service) and their parts.
 *
 * Facts of k8s.io/api v0.32.4 core/v1 (generated.proto field numbers, types.go JSON tags).
 */
import type { MessageTable } from "./message-spec.js";

export const coreV1ObjectMessages: MessageTable = {
  Namespace: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:NamespaceSpec" },
    3: { json: "status", type: "message:NamespaceStatus" },
  },
  ConfigMap: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "data", type: "map<string,string>" },
    3: { json: "binaryData", type: "map<string,bytes>" },
    4: { json: "immutable", type: "bool", optional: true },
  },
  Secret: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "data", type: "map<string,bytes>" },
    3: { json: "type", type: "string", omitEmpty: true },
    4: { json: "stringData", type: "map<string,string>" },
    5: { json: "immutable", type: "bool", optional: true },
  },
  ServiceAccount: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "secrets", type: "message:ObjectReference", repeated: true },
    3: { json: "imagePullSecrets", type: "message:LocalObjectReference", repeated: true },
    4: { json: "automountServiceAccountToken", type: "bool", optional: true },
  },
  Service: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:ServiceSpec" },
    3: { json: "status", type: "message:ServiceStatus" },
  },
  NamespaceSpec: {
    1: { json: "finalizers", type: "string", repeated: true },
  },
  NamespaceStatus: {
    1: { json: "phase", type: "string", omitEmpty: true },
    2: { json: "conditions", type: "message:NamespaceCondition", repeated: true },
  },
  ObjectReference: {
    1: { json: "kind", type: "string", omitEmpty: true },
    2: { json: "namespace", type: "string", omitEmpty: true },
    3: { json: "name", type: "string", omitEmpty: true },
    4: { json: "uid", type: "string", omitEmpty: true },
    5: { json: "apiVersion", type: "string", omitEmpty: true },
    6: { json: "resourceVersion", type: "string", omitEmpty: true },
    7: { json: "fieldPath", type: "string", omitEmpty: true },
  },
  LocalObjectReference: {
    1: { json: "name", type: "string", omitEmpty: true },
  },
  ServiceSpec: {
    1: { json: "ports", type: "message:ServicePort", repeated: true },
    2: { json: "selector", type: "map<string,string>" },
    3: { json: "clusterIP", type: "string", omitEmpty: true },
    4: { json: "type", type: "string", omitEmpty: true },
    5: { json: "externalIPs", type: "string", repeated: true },
    7: { json: "sessionAffinity", type: "string", omitEmpty: true },
    8: { json: "loadBalancerIP", type: "string", omitEmpty: true },
    9: { json: "loadBalancerSourceRanges", type: "string", repeated: true },
    10: { json: "externalName", type: "string", omitEmpty: true },
    11: { json: "externalTrafficPolicy", type: "string", omitEmpty: true },
    12: { json: "healthCheckNodePort", type: "int32", omitEmpty: true },
    13: { json: "publishNotReadyAddresses", type: "bool", omitEmpty: true },
    14: { json: "sessionAffinityConfig", type: "message:SessionAffinityConfig", optional: true },
    17: { json: "ipFamilyPolicy", type: "string", optional: true },
    18: { json: "clusterIPs", type: "string", repeated: true },
    19: { json: "ipFamilies", type: "string", repeated: true },
    20: { json: "allocateLoadBalancerNodePorts", type: "bool", optional: true },
    21: { json: "loadBalancerClass", type: "string", optional: true },
    22: { json: "internalTrafficPolicy", type: "string", optional: true },
    23: { json: "trafficDistribution", type: "string", optional: true },
  },
  ServiceStatus: {
    1: { json: "loadBalancer", type: "message:LoadBalancerStatus" },
    2: { json: "conditions", type: "message:Condition", repeated: true },
  },
  NamespaceCondition: {
    1: { json: "type", type: "string" },
    2: { json: "status", type: "string" },
    4: { json: "lastTransitionTime", type: "message:Time" },
    5: { json: "reason", type: "string", omitEmpty: true },
    6: { json: "message", type: "string", omitEmpty: true },
  },
  ServicePort: {
    1: { json: "name", type: "string", omitEmpty: true },
    2: { json: "protocol", type: "string", omitEmpty: true },
    3: { json: "port", type: "int32" },
    4: { json: "targetPort", type: "message:IntOrString" },
    5: { json: "nodePort", type: "int32", omitEmpty: true },
    6: { json: "appProtocol", type: "string", optional: true },
  },
  SessionAffinityConfig: {
    1: { json: "clientIP", type: "message:ClientIPConfig", optional: true },
  },
  LoadBalancerStatus: {
    1: { json: "ingress", type: "message:LoadBalancerIngress", repeated: true },
  },
  ClientIPConfig: {
    1: { json: "timeoutSeconds", type: "int32", optional: true },
  },
  LoadBalancerIngress: {
    1: { json: "ip", type: "string", omitEmpty: true },
    2: { json: "hostname", type: "string", omitEmpty: true },
    3: { json: "ipMode", type: "string", optional: true },
    4: { json: "ports", type: "message:PortStatus", repeated: true },
  },
  PortStatus: {
    1: { json: "port", type: "int32" },
    2: { json: "protocol", type: "string" },
    3: { json: "error", type: "string", optional: true },
  },
};
