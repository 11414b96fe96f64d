/**
 * Field tables for the pod template and the pod-level parts of PodSpec (scheduling, security, DNS).
 *
 * Facts of k8s.io/api v0.32.4 core/v1 (generated.proto field numbers, types.go JSON tags).
 */
import type { MessageTable } from "./message-spec.js";

export const coreV1PodMessages: MessageTable = {
  PodTemplateSpec: {
    1: { json: "metadata", type: "message:ObjectMeta" },
    2: { json: "spec", type: "message:PodSpec" },
  },
  PodSpec: {
    1: { json: "volumes", type: "message:Volume", repeated: true },
    2: { json: "containers", type: "message:Container", repeated: true },
    3: { json: "restartPolicy", type: "string", omitEmpty: true },
    4: { json: "terminationGracePeriodSeconds", type: "int64", optional: true },
    5: { json: "activeDeadlineSeconds", type: "int64", optional: true },
    6: { json: "dnsPolicy", type: "string", omitEmpty: true },
    7: { json: "nodeSelector", type: "map<string,string>" },
    8: { json: "serviceAccountName", type: "string", omitEmpty: true },
    9: { json: "serviceAccount", type: "string", omitEmpty: true },
    10: { json: "nodeName", type: "string", omitEmpty: true },
    11: { json: "hostNetwork", type: "bool", omitEmpty: true },
    12: { json: "hostPID", type: "bool", omitEmpty: true },
    13: { json: "hostIPC", type: "bool", omitEmpty: true },
    14: { json: "securityContext", type: "message:PodSecurityContext", optional: true },
    15: { json: "imagePullSecrets", type: "message:LocalObjectReference", repeated: true },
    16: { json: "hostname", type: "string", omitEmpty: true },
    17: { json: "subdomain", type: "string", omitEmpty: true },
    18: { json: "affinity", type: "message:Affinity", optional: true },
    19: { json: "schedulerName", type: "string", omitEmpty: true },
    20: { json: "initContainers", type: "message:Container", repeated: true },
    21: { json: "automountServiceAccountToken", type: "bool", optional: true },
    22: { json: "tolerations", type: "message:Toleration", repeated: true },
    23: { json: "hostAliases", type: "message:HostAlias", repeated: true },
    24: { json: "priorityClassName", type: "string", omitEmpty: true },
    25: { json: "priority", type: "int32", optional: true },
    26: { json: "dnsConfig", type: "message:PodDNSConfig", optional: true },
    27: { json: "shareProcessNamespace", type: "bool", optional: true },
    28: { json: "readinessGates", type: "message:PodReadinessGate", repeated: true },
    29: { json: "runtimeClassName", type: "string", optional: true },
    30: { json: "enableServiceLinks", type: "bool", optional: true },
    31: { json: "preemptionPolicy", type: "string", optional: true },
    32: { json: "overhead", type: "map<string,message:Quantity>" },
    33: { json: "topologySpreadConstraints", type: "message:TopologySpreadConstraint", repeated: true },
    34: { json: "ephemeralContainers", type: "message:EphemeralContainer", repeated: true },
    35: { json: "setHostnameAsFQDN", type: "bool", optional: true },
    36: { json: "os", type: "message:PodOS", optional: true },
    37: { json: "hostUsers", type: "bool", optional: true },
    38: { json: "schedulingGates", type: "message:PodSchedulingGate", repeated: true },
    39: { json: "resourceClaims", type: "message:PodResourceClaim", repeated: true },
    40: { json: "resources", type: "message:ResourceRequirements", optional: true },
  },
  PodSecurityContext: {
    1: { json: "seLinuxOptions", type: "message:SELinuxOptions", optional: true },
    2: { json: "runAsUser", type: "int64", optional: true },
    3: { json: "runAsNonRoot", type: "bool", optional: true },
    4: { json: "supplementalGroups", type: "int64", repeated: true },
    5: { json: "fsGroup", type: "int64", optional: true },
    6: { json: "runAsGroup", type: "int64", optional: true },
    7: { json: "sysctls", type: "message:Sysctl", repeated: true },
    8: { json: "windowsOptions", type: "message:WindowsSecurityContextOptions", optional: true },
    9: { json: "fsGroupChangePolicy", type: "string", optional: true },
    10: { json: "seccompProfile", type: "message:SeccompProfile", optional: true },
    11: { json: "appArmorProfile", type: "message:AppArmorProfile", optional: true },
    12: { json: "supplementalGroupsPolicy", type: "string", optional: true },
    13: { json: "seLinuxChangePolicy", type: "string", optional: true },
  },
  Affinity: {
    1: { json: "nodeAffinity", type: "message:NodeAffinity", optional: true },
    2: { json: "podAffinity", type: "message:PodAffinity", optional: true },
    3: { json: "podAntiAffinity", type: "message:PodAntiAffinity", optional: true },
  },
  Toleration: {
    1: { json: "key", type: "string", omitEmpty: true },
    2: { json: "operator", type: "string", omitEmpty: true },
    3: { json: "value", type: "string", omitEmpty: true },
    4: { json: "effect", type: "string", omitEmpty: true },
    5: { json: "tolerationSeconds", type: "int64", optional: true },
  },
  HostAlias: {
    1: { json: "ip", type: "string" },
    2: { json: "hostnames", type: "string", repeated: true },
  },
  PodDNSConfig: {
    1: { json: "nameservers", type: "string", repeated: true },
    2: { json: "searches", type: "string", repeated: true },
    3: { json: "options", type: "message:PodDNSConfigOption", repeated: true },
  },
  PodReadinessGate: {
    1: { json: "conditionType", type: "string" },
  },
  TopologySpreadConstraint: {
    1: { json: "maxSkew", type: "int32" },
    2: { json: "topologyKey", type: "string" },
    3: { json: "whenUnsatisfiable", type: "string" },
    4: { json: "labelSelector", type: "message:LabelSelector", optional: true },
    5: { json: "minDomains", type: "int32", optional: true },
    6: { json: "nodeAffinityPolicy", type: "string", optional: true },
    7: { json: "nodeTaintsPolicy", type: "string", optional: true },
    8: { json: "matchLabelKeys", type: "string", repeated: true },
  },
  PodOS: {
    1: { json: "name", type: "string" },
  },
  PodSchedulingGate: {
    1: { json: "name", type: "string" },
  },
  PodResourceClaim: {
    1: { json: "name", type: "string" },
    3: { json: "resourceClaimName", type: "string", optional: true },
    4: { json: "resourceClaimTemplateName", type: "string", optional: true },
  },
  Sysctl: {
    1: { json: "name", type: "string" },
    2: { json: "value", type: "string" },
  },
  NodeAffinity: {
    1: { json: "requiredDuringSchedulingIgnoredDuringExecution", type: "message:NodeSelector", optional: true },
    2: { json: "preferredDuringSchedulingIgnoredDuringExecution", type: "message:PreferredSchedulingTerm", repeated: true },
  },
  PodAffinity: {
    1: { json: "requiredDuringSchedulingIgnoredDuringExecution", type: "message:PodAffinityTerm", repeated: true },
    2: { json: "preferredDuringSchedulingIgnoredDuringExecution", type: "message:WeightedPodAffinityTerm", repeated: true },
  },
  PodAntiAffinity: {
    1: { json: "requiredDuringSchedulingIgnoredDuringExecution", type: "message:PodAffinityTerm", repeated: true },
    2: { json: "preferredDuringSchedulingIgnoredDuringExecution", type: "message:WeightedPodAffinityTerm", repeated: true },
  },
  PodDNSConfigOption: {
    1: { json: "name", type: "string", omitEmpty: true },
    2: { json: "value", type: "string", optional: true },
  },
  NodeSelector: {
    1: { json: "nodeSelectorTerms", type: "message:NodeSelectorTerm", repeated: true },
  },
  PreferredSchedulingTerm: {
    1: { json: "weight", type: "int32" },
    2: { json: "preference", type: "message:NodeSelectorTerm" },
  },
  PodAffinityTerm: {
    1: { json: "labelSelector", type: "message:LabelSelector", optional: true },
    2: { json: "namespaces", type: "string", repeated: true },
    3: { json: "topologyKey", type: "string" },
    4: { json: "namespaceSelector", type: "message:LabelSelector", optional: true },
    5: { json: "matchLabelKeys", type: "string", repeated: true },
    6: { json: "mismatchLabelKeys", type: "string", repeated: true },
  },
  WeightedPodAffinityTerm: {
    1: { json: "weight", type: "int32" },
    2: { json: "podAffinityTerm", type: "message:PodAffinityTerm" },
  },
  NodeSelectorTerm: {
    1: { json: "matchExpressions", type: "message:NodeSelectorRequirement", repeated: true },
    2: { json: "matchFields", type: "message:NodeSelectorRequirement", repeated: true },
  },
  NodeSelectorRequirement: {
    1: { json: "key", type: "string" },
    2: { json: "operator", type: "string" },
    3: { json: "values", type: "string", repeated: true },
  },
};
