/**
 * A small hand-built schema graph for the patch tests: the parts of Pod, Deployment and
 * ConfigMap the tests touch, with the real patch metadata of k8s.io/api (the
 * `patchStrategy` / `patchMergeKey` struct tags), so the tests do not depend on the
 * generated schema.
 */
import type { FieldDef, Schema, SchemaType, StructDef } from "../../schema/schema.js";

const str: SchemaType = { kind: "string" };
const int32: SchemaType = { kind: "integer", format: "int32" };
const int64: SchemaType = { kind: "integer", format: "int64" };
const bool: SchemaType = { kind: "boolean" };
const strMap: SchemaType = { kind: "map", values: str };
const quantityMap: SchemaType = { kind: "map", values: { kind: "quantity" } };
const ref = (name: string): SchemaType => ({ kind: "struct", name });
const list = (items: SchemaType): SchemaType => ({ kind: "array", items });

type FieldSpec = SchemaType | [SchemaType, Pick<FieldDef, "patchMergeKey" | "patchStrategy">];

const core = "io.k8s.api.core.v1";
const apps = "io.k8s.api.apps.v1";
const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";

function struct(name: string, fields: Record<string, FieldSpec>, gvk?: StructDef["gvk"]): StructDef {
  const defs: Record<string, FieldDef> = {};
  for (const [k, spec] of Object.entries(fields)) {
    defs[k] = Array.isArray(spec) ? { type: spec[0], description: "", ...spec[1] } : { type: spec, description: "" };
  }
  return { name, description: "", fields: defs, required: [], ...(gvk ? { gvk } : {}) };
}

const mergeBy = (key: string) => ({ patchMergeKey: key, patchStrategy: "merge" as const });

const structs: StructDef[] = [
  struct(`${meta}.ObjectMeta`, {
    name: str, namespace: str, uid: str, resourceVersion: str, generation: int64,
    labels: strMap, annotations: strMap,
    finalizers: [list(str), { patchStrategy: "merge" }],
    ownerReferences: [list(ref(`${meta}.OwnerReference`)), mergeBy("uid")],
  }),
  struct(`${meta}.OwnerReference`, { apiVersion: str, kind: str, name: str, uid: str, controller: bool }),
  struct(`${meta}.LabelSelector`, {
    matchLabels: strMap, matchExpressions: list(ref(`${meta}.LabelSelectorRequirement`)),
  }),
  struct(`${meta}.LabelSelectorRequirement`, { key: str, operator: str, values: list(str) }),

  struct(`${core}.Pod`, {
    apiVersion: str, kind: str, metadata: ref(`${meta}.ObjectMeta`), spec: ref(`${core}.PodSpec`),
    status: ref(`${core}.PodStatus`),
  }, [{ group: "", version: "v1", kind: "Pod" }]),
  struct(`${core}.PodSpec`, {
    containers: [list(ref(`${core}.Container`)), mergeBy("name")],
    initContainers: [list(ref(`${core}.Container`)), mergeBy("name")],
    volumes: [list(ref(`${core}.Volume`)), { patchMergeKey: "name", patchStrategy: "merge,retainKeys" }],
    imagePullSecrets: [list(ref(`${core}.LocalObjectReference`)), mergeBy("name")],
    tolerations: list(ref(`${core}.Toleration`)),
    nodeSelector: strMap, restartPolicy: str, serviceAccountName: str,
    terminationGracePeriodSeconds: int64,
    securityContext: ref(`${core}.PodSecurityContext`),
  }),
  struct(`${core}.PodSecurityContext`, { runAsUser: int64, supplementalGroups: list(int64) }),
  struct(`${core}.PodStatus`, {
    phase: str, conditions: [list(ref(`${core}.PodCondition`)), mergeBy("type")],
  }),
  struct(`${core}.PodCondition`, { type: str, status: str, reason: str }),
  struct(`${core}.Container`, {
    name: str, image: str, imagePullPolicy: str, command: list(str), args: list(str),
    env: [list(ref(`${core}.EnvVar`)), mergeBy("name")],
    ports: [list(ref(`${core}.ContainerPort`)), mergeBy("containerPort")],
    volumeMounts: [list(ref(`${core}.VolumeMount`)), mergeBy("mountPath")],
    resources: ref(`${core}.ResourceRequirements`),
  }),
  struct(`${core}.EnvVar`, { name: str, value: str, valueFrom: ref(`${core}.EnvVarSource`) }),
  struct(`${core}.EnvVarSource`, { fieldRef: ref(`${core}.ObjectFieldSelector`) }),
  struct(`${core}.ObjectFieldSelector`, { apiVersion: str, fieldPath: str }),
  struct(`${core}.ContainerPort`, { name: str, containerPort: int32, protocol: str, hostPort: int32 }),
  struct(`${core}.VolumeMount`, { name: str, mountPath: str, readOnly: bool, subPath: str }),
  struct(`${core}.ResourceRequirements`, { limits: quantityMap, requests: quantityMap }),
  struct(`${core}.Volume`, {
    name: str, emptyDir: ref(`${core}.EmptyDirVolumeSource`), hostPath: ref(`${core}.HostPathVolumeSource`),
    configMap: ref(`${core}.ConfigMapVolumeSource`),
  }),
  struct(`${core}.EmptyDirVolumeSource`, { medium: str, sizeLimit: { kind: "quantity" } }),
  struct(`${core}.HostPathVolumeSource`, { path: str, type: str }),
  struct(`${core}.ConfigMapVolumeSource`, { name: str, defaultMode: int32 }),
  struct(`${core}.LocalObjectReference`, { name: str }),
  struct(`${core}.Toleration`, { key: str, operator: str, value: str, effect: str }),
  struct(`${core}.ConfigMap`, {
    apiVersion: str, kind: str, metadata: ref(`${meta}.ObjectMeta`), data: strMap,
  }, [{ group: "", version: "v1", kind: "ConfigMap" }]),

  struct(`${apps}.Deployment`, {
    apiVersion: str, kind: str, metadata: ref(`${meta}.ObjectMeta`), spec: ref(`${apps}.DeploymentSpec`),
  }, [{ group: "apps", version: "v1", kind: "Deployment" }]),
  struct(`${apps}.DeploymentSpec`, {
    replicas: int32, selector: ref(`${meta}.LabelSelector`), template: ref(`${core}.PodTemplateSpec`),
    strategy: [ref(`${apps}.DeploymentStrategy`), { patchStrategy: "retainKeys" }],
  }),
  struct(`${apps}.DeploymentStrategy`, { type: str, rollingUpdate: ref(`${apps}.RollingUpdateDeployment`) }),
  struct(`${apps}.RollingUpdateDeployment`, {
    maxSurge: { kind: "int-or-string" }, maxUnavailable: { kind: "int-or-string" },
  }),
  struct(`${core}.PodTemplateSpec`, { metadata: ref(`${meta}.ObjectMeta`), spec: ref(`${core}.PodSpec`) }),
  struct(`${apps}.ControllerRevision`, {
    apiVersion: str, kind: str, metadata: ref(`${meta}.ObjectMeta`),
    data: { kind: "any", name: "io.k8s.apimachinery.pkg.runtime.RawExtension" }, revision: int64,
    // Not in the real type: an opaque value with no Go struct behind it.
    anything: { kind: "any" },
  }, [{ group: "apps", version: "v1", kind: "ControllerRevision" }]),
];

const byName = new Map(structs.map((s) => [s.name, s]));

export const handSchema: Schema = {
  struct: (name) => byName.get(name),
  structForKind: (gvk) => structs.find((s) => s.gvk?.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)),
  structs: () => structs,
};

function kind(name: string): StructDef {
  const s = byName.get(name);
  if (!s) throw new Error(`no struct ${name}`);
  return s;
}

export const podStruct = kind(`${core}.Pod`);
export const deploymentStruct = kind(`${apps}.Deployment`);
export const configMapStruct = kind(`${core}.ConfigMap`);
export const controllerRevisionStruct = kind(`${apps}.ControllerRevision`);
