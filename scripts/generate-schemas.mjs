#!/usr/bin/env node
/**
 * Generates src/api/schema/generated/schemas.json: the struct graph of every API type
 * Peapod serves, named as upstream's OpenAPI definitions (`io.k8s.api.core.v1.Pod`).
 *
 * Source: the model classes of the installed `@kubernetes/client-node`. Their
 * `attributeTypeMap` gives each field's JSON name and type; the sibling `.d.ts` files
 * carry the upstream descriptions (JSDoc) and mark required fields (no `?`). We derive
 * the graph from that dependency; we never copy upstream OpenAPI JSON.
 *
 * client-node loses two facts we need, so two small tables below put them back:
 *  - which package (API group) each class comes from: client-node names most classes
 *    `V1X` whatever their group, so every reachable class must be listed in PACKAGES;
 *  - which string fields are `resource.Quantity` upstream (client-node types them as
 *    plain strings).
 * An unlisted reachable class or a stale table entry fails the build, loudly.
 *
 * Patch metadata (merge keys and strategies) is not generated here: it lives in one
 * table, src/api/schema/patch-metadata.ts, merged in when the schema is loaded.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = join(repoRoot, "src/api/schema/generated/schemas.json");

const clientNodeEntry = fileURLToPath(import.meta.resolve("@kubernetes/client-node"));
const modelsDir = join(dirname(clientNodeEntry), "gen/models");
const clientNodeVersion = JSON.parse(readFileSync(join(dirname(clientNodeEntry), "../package.json"), "utf8")).version;

/** The kinds Peapod serves, with the client-node class that models each. */
const SERVED_KINDS = [
  ["", "v1", "Namespace", "V1Namespace"],
  ["", "v1", "NamespaceList", "V1NamespaceList"],
  ["", "v1", "Node", "V1Node"],
  ["", "v1", "NodeList", "V1NodeList"],
  ["", "v1", "Pod", "V1Pod"],
  ["", "v1", "PodList", "V1PodList"],
  ["", "v1", "Binding", "V1Binding"],
  ["", "v1", "Event", "CoreV1Event"],
  ["", "v1", "EventList", "CoreV1EventList"],
  ["", "v1", "ConfigMap", "V1ConfigMap"],
  ["", "v1", "ConfigMapList", "V1ConfigMapList"],
  ["", "v1", "Secret", "V1Secret"],
  ["", "v1", "SecretList", "V1SecretList"],
  ["", "v1", "ServiceAccount", "V1ServiceAccount"],
  ["", "v1", "ServiceAccountList", "V1ServiceAccountList"],
  ["", "v1", "Service", "V1Service"],
  ["", "v1", "ServiceList", "V1ServiceList"],
  ["", "v1", "Endpoints", "V1Endpoints"],
  ["", "v1", "EndpointsList", "V1EndpointsList"],
  ["events.k8s.io", "v1", "Event", "EventsV1Event"],
  ["events.k8s.io", "v1", "EventList", "EventsV1EventList"],
  ["coordination.k8s.io", "v1", "Lease", "V1Lease"],
  ["coordination.k8s.io", "v1", "LeaseList", "V1LeaseList"],
  ["apps", "v1", "Deployment", "V1Deployment"],
  ["apps", "v1", "DeploymentList", "V1DeploymentList"],
  ["apps", "v1", "ReplicaSet", "V1ReplicaSet"],
  ["apps", "v1", "ReplicaSetList", "V1ReplicaSetList"],
  ["apps", "v1", "StatefulSet", "V1StatefulSet"],
  ["apps", "v1", "StatefulSetList", "V1StatefulSetList"],
  ["apps", "v1", "DaemonSet", "V1DaemonSet"],
  ["apps", "v1", "DaemonSetList", "V1DaemonSetList"],
  ["autoscaling", "v1", "Scale", "V1Scale"],
  ["batch", "v1", "Job", "V1Job"],
  ["batch", "v1", "JobList", "V1JobList"],
  ["batch", "v1", "CronJob", "V1CronJob"],
  ["batch", "v1", "CronJobList", "V1CronJobList"],
  ["authorization.k8s.io", "v1", "SelfSubjectAccessReview", "V1SelfSubjectAccessReview"],
  ["authorization.k8s.io", "v1", "SelfSubjectRulesReview", "V1SelfSubjectRulesReview"],
  ["", "v1", "Status", "V1Status"],
];

/**
 * meta/v1 kinds every group-version accepts (upstream registers them into each group,
 * so their x-kubernetes-group-version-kind lists one entry per group-version).
 */
const SHARED_META_KINDS = [
  ["DeleteOptions", "V1DeleteOptions"],
  ["WatchEvent", "V1WatchEvent"],
];

/**
 * The upstream package of every reachable client-node class. A `V1X` class is `X` in
 * the package that lists it; a group-qualified class (`CoreV1Event`) is listed by full
 * class name in QUALIFIED. Verified against the `type X struct` declarations of
 * k8s.io/api and k8s.io/apimachinery v0.36 (the API release client-node 2.0 models).
 */
const PACKAGES = {
  "io.k8s.apimachinery.pkg.apis.meta.v1": `
    Condition DeleteOptions FieldSelectorRequirement LabelSelector LabelSelectorRequirement
    ListMeta ManagedFieldsEntry ObjectMeta OwnerReference Preconditions ShardInfo Status
    StatusCause StatusDetails WatchEvent`,
  "io.k8s.api.apps.v1": `
    DaemonSet DaemonSetCondition DaemonSetList DaemonSetSpec DaemonSetStatus
    DaemonSetUpdateStrategy Deployment DeploymentCondition DeploymentList DeploymentSpec
    DeploymentStatus DeploymentStrategy ReplicaSet ReplicaSetCondition ReplicaSetList
    ReplicaSetSpec ReplicaSetStatus RollingUpdateDaemonSet RollingUpdateDeployment
    RollingUpdateStatefulSetStrategy StatefulSet StatefulSetCondition StatefulSetList
    StatefulSetOrdinals StatefulSetPersistentVolumeClaimRetentionPolicy StatefulSetSpec
    StatefulSetStatus StatefulSetUpdateStrategy`,
  "io.k8s.api.batch.v1": `
    CronJob CronJobList CronJobSpec CronJobStatus Job JobCondition JobList JobSpec JobStatus
    JobTemplateSpec PodFailurePolicy PodFailurePolicyOnExitCodesRequirement
    PodFailurePolicyOnPodConditionsPattern PodFailurePolicyRule SuccessPolicy
    SuccessPolicyRule UncountedTerminatedPods`,
  "io.k8s.api.autoscaling.v1": `Scale ScaleSpec ScaleStatus`,
  "io.k8s.api.coordination.v1": `Lease LeaseList LeaseSpec`,
  "io.k8s.api.authorization.v1": `
    FieldSelectorAttributes LabelSelectorAttributes NonResourceAttributes NonResourceRule
    ResourceAttributes ResourceRule SelfSubjectAccessReview SelfSubjectAccessReviewSpec
    SelfSubjectRulesReview SelfSubjectRulesReviewSpec SubjectAccessReviewStatus
    SubjectRulesReviewStatus`,
  "io.k8s.api.core.v1": `
    AWSElasticBlockStoreVolumeSource Affinity AppArmorProfile AttachedVolume
    AzureDiskVolumeSource AzureFileVolumeSource Binding CSIVolumeSource Capabilities
    CephFSVolumeSource CinderVolumeSource ClientIPConfig ClusterTrustBundleProjection ConfigMap
    ConfigMapEnvSource ConfigMapKeySelector ConfigMapList ConfigMapNodeConfigSource
    ConfigMapProjection ConfigMapVolumeSource Container ContainerExtendedResourceRequest
    ContainerImage ContainerPort ContainerResizePolicy ContainerRestartRule
    ContainerRestartRuleOnExitCodes ContainerState ContainerStateRunning
    ContainerStateTerminated ContainerStateWaiting ContainerStatus ContainerUser DaemonEndpoint
    DownwardAPIProjection DownwardAPIVolumeFile DownwardAPIVolumeSource EmptyDirVolumeSource
    EndpointAddress EndpointSubset Endpoints EndpointsList EnvFromSource EnvVar EnvVarSource
    EphemeralContainer EphemeralVolumeSource EventSource ExecAction FCVolumeSource
    FileKeySelector FlexVolumeSource FlockerVolumeSource GCEPersistentDiskVolumeSource
    GRPCAction GitRepoVolumeSource GlusterfsVolumeSource HTTPGetAction HTTPHeader HostAlias
    HostIP HostPathVolumeSource ISCSIVolumeSource ImageVolumeSource ImageVolumeStatus KeyToPath
    Lifecycle LifecycleHandler LinuxContainerUser LoadBalancerIngress LoadBalancerStatus
    LocalObjectReference ModifyVolumeStatus NFSVolumeSource Namespace NamespaceCondition
    NamespaceList NamespaceSpec NamespaceStatus Node NodeAddress NodeAffinity
    NodeAllocatableResourceClaimStatus NodeCondition NodeConfigSource NodeConfigStatus
    NodeDaemonEndpoints NodeFeatures NodeList NodeRuntimeHandler NodeRuntimeHandlerFeatures
    NodeSelector NodeSelectorRequirement NodeSelectorTerm NodeSpec NodeStatus NodeSwapStatus
    NodeSystemInfo ObjectFieldSelector ObjectReference PersistentVolumeClaim
    PersistentVolumeClaimCondition PersistentVolumeClaimSpec PersistentVolumeClaimStatus
    PersistentVolumeClaimTemplate PersistentVolumeClaimVolumeSource
    PhotonPersistentDiskVolumeSource Pod PodAffinity PodAffinityTerm PodAntiAffinity
    PodCertificateProjection PodCondition PodDNSConfig PodDNSConfigOption
    PodExtendedResourceClaimStatus PodIP PodList PodOS PodReadinessGate PodResourceClaim
    PodResourceClaimStatus PodSchedulingGate PodSchedulingGroup PodSecurityContext PodSpec
    PodStatus PodTemplateSpec PortStatus PortworxVolumeSource PreferredSchedulingTerm Probe
    ProjectedVolumeSource QuobyteVolumeSource RBDVolumeSource ResourceFieldSelector
    ResourceHealth ResourceRequirements ResourceStatus SELinuxOptions ScaleIOVolumeSource
    SeccompProfile Secret SecretEnvSource SecretKeySelector SecretList SecretProjection
    SecretVolumeSource SecurityContext Service ServiceAccount ServiceAccountList
    ServiceAccountTokenProjection ServiceList ServicePort ServiceSpec ServiceStatus
    SessionAffinityConfig SleepAction StorageOSVolumeSource Sysctl TCPSocketAction Taint
    Toleration TopologySpreadConstraint TypedLocalObjectReference TypedObjectReference Volume
    VolumeDevice VolumeMount VolumeMountStatus VolumeProjection VolumeResourceRequirements
    VolumeStatus VsphereVirtualDiskVolumeSource WeightedPodAffinityTerm
    WindowsSecurityContextOptions`,
};

/** Group-qualified client-node classes (names shared by two groups upstream). */
const QUALIFIED = {
  CoreV1Event: "io.k8s.api.core.v1.Event",
  CoreV1EventList: "io.k8s.api.core.v1.EventList",
  CoreV1EventSeries: "io.k8s.api.core.v1.EventSeries",
  CoreV1EndpointPort: "io.k8s.api.core.v1.EndpointPort",
  CoreV1ResourceClaim: "io.k8s.api.core.v1.ResourceClaim",
  EventsV1Event: "io.k8s.api.events.v1.Event",
  EventsV1EventList: "io.k8s.api.events.v1.EventList",
  EventsV1EventSeries: "io.k8s.api.events.v1.EventSeries",
};

/**
 * Fields that are resource.Quantity upstream (a ResourceList is a map of Quantity);
 * client-node types them as strings. From the Go types of k8s.io/api (fields newer than the dependency's API release are left out).
 */
const QUANTITY_FIELDS = [
  "io.k8s.api.core.v1.ResourceRequirements.limits",
  "io.k8s.api.core.v1.ResourceRequirements.requests",
  "io.k8s.api.core.v1.VolumeResourceRequirements.limits",
  "io.k8s.api.core.v1.VolumeResourceRequirements.requests",
  "io.k8s.api.core.v1.PersistentVolumeClaimStatus.capacity",
  "io.k8s.api.core.v1.PersistentVolumeClaimStatus.allocatedResources",
  "io.k8s.api.core.v1.EmptyDirVolumeSource.sizeLimit",
  "io.k8s.api.core.v1.ResourceFieldSelector.divisor",
  "io.k8s.api.core.v1.ContainerStatus.allocatedResources",
  "io.k8s.api.core.v1.PodSpec.overhead",
  "io.k8s.api.core.v1.NodeStatus.capacity",
  "io.k8s.api.core.v1.NodeStatus.allocatable",
];

/** Opaque upstream types client-node types as `any`, by the field that holds them. */
const OPAQUE_FIELDS = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry.fieldsV1": "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
  "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent.object": "io.k8s.apimachinery.pkg.runtime.RawExtension",
};

function definitionNames() {
  const names = new Map(Object.entries(QUALIFIED));
  for (const [pkg, list] of Object.entries(PACKAGES)) {
    for (const short of list.split(/\s+/).filter(Boolean)) {
      if (names.has(`V1${short}`)) throw new Error(`PACKAGES lists V1${short} twice`);
      names.set(`V1${short}`, `${pkg}.${short}`);
    }
  }
  return names;
}

/** Reads descriptions and required-ness from the `.d.ts` JSDoc of one class. */
function readDeclarations(className) {
  const text = readFileSync(join(modelsDir, `${className}.d.ts`), "utf8");
  const lines = text.split("\n");
  const fields = new Map();
  let classDescription = "";
  let pendingDoc = "";
  let inDoc = false;
  let docLines = [];
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === "/**") { inDoc = true; docLines = []; continue; }
    if (inDoc) {
      if (trimmed === "*/") { inDoc = false; pendingDoc = docLines.join(" "); continue; }
      docLines.push(trimmed.replace(/^\* ?/, ""));
      continue;
    }
    if (trimmed.startsWith("export declare class ")) { classDescription = pendingDoc; pendingDoc = ""; continue; }
    const field = /^'([^']+)'(\??):/.exec(trimmed);
    if (field) {
      fields.set(field[1], { description: unescapeDoc(pendingDoc), required: field[2] !== "?" });
    }
    if (trimmed) pendingDoc = "";
  }
  return { description: unescapeDoc(classDescription), fields };
}

/** The generator wrote descriptions as escaped string contents; `*_/` keeps `*\/` out of JSDoc. */
function unescapeDoc(text) {
  return text.replaceAll("*_/", "*/").replaceAll("/_*", "/*").replace(/\\(.)/g, "$1");
}

async function main() {
  const started = performance.now();
  const names = definitionNames();
  const loadClass = async (className) => {
    const mod = await import(pathToFileURL(join(modelsDir, `${className}.js`)).href);
    return mod[className];
  };

  const structs = new Map();
  const unmapped = new Set();
  const queue = [...SERVED_KINDS.map((k) => k[3]), ...SHARED_META_KINDS.map((k) => k[1])];
  const quantityFields = new Set(QUANTITY_FIELDS);
  const usedQuantity = new Set();
  const usedOpaque = new Set();

  const convert = (type, format, owner, fieldName) => {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { kind: "array", items: convert(array[1], format, owner, fieldName) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { kind: "map", values: convert(map[1], format, owner, fieldName) };
    const qualified = `${owner}.${fieldName}`;
    if (quantityFields.has(qualified)) {
      if (type !== "string") throw new Error(`${qualified} is listed as Quantity but client-node types it ${type}`);
      usedQuantity.add(qualified);
      return { kind: "quantity" };
    }
    switch (type) {
      case "string":
        if (format === "byte") return { kind: "bytes" };
        return format ? { kind: "string", format } : { kind: "string" };
      case "number":
        if (format === "int32" || format === "int64") return { kind: "integer", format };
        return { kind: "number", format: format || "double" };
      case "boolean": return { kind: "boolean" };
      case "Date": return { kind: "time", format: "date-time" };
      case "V1MicroTime": return { kind: "time", format: "date-time", micro: true };
      case "IntOrString": return { kind: "int-or-string" };
      case "any": {
        const name = OPAQUE_FIELDS[qualified];
        if (!name) throw new Error(`${qualified} is typed any in client-node; add it to OPAQUE_FIELDS`);
        usedOpaque.add(qualified);
        return { kind: "any", name };
      }
    }
    if (!/^[A-Z]\w+$/.test(type)) throw new Error(`${qualified}: unsupported client-node type ${type}`);
    const name = names.get(type);
    if (!name) { unmapped.add(type); return { kind: "struct", name: `?${type}` }; }
    queue.push(type);
    return { kind: "struct", name };
  };

  const visited = new Set();
  while (queue.length > 0) {
    const className = queue.shift();
    if (visited.has(className)) continue;
    visited.add(className);
    const name = names.get(className);
    if (!name) { unmapped.add(className); continue; }
    const cls = await loadClass(className);
    if (!cls?.attributeTypeMap) throw new Error(`client-node has no model class ${className}`);
    const decl = readDeclarations(className);
    const fields = {};
    const required = [];
    for (const attr of cls.attributeTypeMap) {
      const d = decl.fields.get(attr.name);
      if (!d) throw new Error(`${className}.d.ts does not declare ${attr.name}`);
      fields[attr.baseName] = { type: convert(attr.type, attr.format, name, attr.baseName), description: d.description };
      if (d.required) required.push(attr.baseName);
    }
    structs.set(name, { name, description: decl.description, fields, required });
  }

  if (unmapped.size > 0) {
    throw new Error(`reachable client-node classes without an upstream name (add them to PACKAGES): ${[...unmapped].sort().join(", ")}`);
  }
  for (const q of quantityFields) if (!usedQuantity.has(q)) throw new Error(`QUANTITY_FIELDS names ${q}, which is not a reachable field`);
  for (const o of Object.keys(OPAQUE_FIELDS)) if (!usedOpaque.has(o)) throw new Error(`OPAQUE_FIELDS names ${o}, which is not a reachable any-typed field`);

  const servedGroupVersions = [];
  for (const [group, version, kind, className] of SERVED_KINDS) {
    const s = structs.get(names.get(className));
    s.gvk = [...(s.gvk ?? []), { group, version, kind }];
    if (kind !== "Status" && !servedGroupVersions.some((gv) => gv.group === group && gv.version === version)) {
      servedGroupVersions.push({ group, version });
    }
  }
  for (const [kind, className] of SHARED_META_KINDS) {
    structs.get(names.get(className)).gvk = servedGroupVersions.map(({ group, version }) => ({ group, version, kind }));
  }

  const sorted = [...structs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const doc = {
    source: `@kubernetes/client-node ${clientNodeVersion}`,
    structs: sorted,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(doc));
  const ms = (performance.now() - started).toFixed(0);
  console.log(`generate-schemas: ${sorted.length} structs from ${doc.source} -> ${outFile} (${ms} ms)`);
}

main().catch((err) => {
  console.error(`generate-schemas: ${err.message}`);
  process.exit(1);
});
