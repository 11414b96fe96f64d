/**
 * The strategic-merge facts of the served API types: which lists merge by which key, and
 * which fields keep only the keys a patch names (retainKeys).
 *
 * These are the `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api and
 * k8s.io/apimachinery (v0.36), which upstream publishes as `x-kubernetes-patch-strategy`
 * and `x-kubernetes-patch-merge-key` in its OpenAPI. This is the one place Peapod states
 * them: the schema loader merges them into the struct graph, and both the server's
 * strategic merge patch and the OpenAPI documents (which kubectl's client-side apply
 * reads) take them from there. A field missing here is a list that kubectl would replace
 * whole instead of merging, so every entry matters.
 */
import type { PatchStrategy } from "./schema.js";

export interface PatchFact {
  readonly patchMergeKey?: string;
  readonly patchStrategy: PatchStrategy;
}

/** A list of objects merged element by element, matched on `key`. */
const mergeBy = (key: string): PatchFact => ({ patchMergeKey: key, patchStrategy: "merge" });
/** Like mergeBy, and each element also drops the keys the patch leaves out (volume sources). */
const mergeRetainingKeysBy = (key: string): PatchFact => ({ patchMergeKey: key, patchStrategy: "merge,retainKeys" });
/** A list of scalars merged as a set. */
const mergeAsSet: PatchFact = { patchStrategy: "merge" };
/** A struct whose patch keeps only the keys it names (a one-of such as a deployment strategy). */
const retainKeys: PatchFact = { patchStrategy: "retainKeys" };

const core = "io.k8s.api.core.v1";
const apps = "io.k8s.api.apps.v1";
const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** The container lists every kind of container shares (EphemeralContainerCommon inlines them). */
const containerLists = {
  ports: mergeBy("containerPort"),
  env: mergeBy("name"),
  volumeMounts: mergeBy("mountPath"),
  volumeDevices: mergeBy("devicePath"),
};

/** struct definition name → field name → patch fact. */
export const PATCH_METADATA: Readonly<Record<string, Readonly<Record<string, PatchFact>>>> = {
  [`${meta}.ObjectMeta`]: {
    ownerReferences: mergeBy("uid"),
    finalizers: mergeAsSet,
  },

  [`${core}.PodSpec`]: {
    volumes: mergeRetainingKeysBy("name"),
    initContainers: mergeBy("name"),
    containers: mergeBy("name"),
    ephemeralContainers: mergeBy("name"),
    imagePullSecrets: mergeBy("name"),
    hostAliases: mergeBy("ip"),
    topologySpreadConstraints: mergeBy("topologyKey"),
    schedulingGates: mergeBy("name"),
    resourceClaims: mergeRetainingKeysBy("name"),
  },
  [`${core}.Container`]: containerLists,
  [`${core}.EphemeralContainer`]: containerLists,
  [`${core}.PodStatus`]: {
    conditions: mergeBy("type"),
    hostIPs: mergeBy("ip"),
    podIPs: mergeBy("ip"),
    resourceClaimStatuses: mergeRetainingKeysBy("name"),
  },
  [`${core}.ContainerStatus`]: {
    volumeMounts: mergeBy("mountPath"),
    allocatedResourcesStatus: mergeBy("name"),
  },
  [`${core}.NodeSpec`]: { podCIDRs: mergeAsSet },
  [`${core}.NodeStatus`]: {
    conditions: mergeBy("type"),
    addresses: mergeBy("type"),
  },
  [`${core}.NamespaceStatus`]: { conditions: mergeBy("type") },
  [`${core}.ServiceSpec`]: { ports: mergeBy("port") },
  [`${core}.ServiceStatus`]: { conditions: mergeBy("type") },
  [`${core}.ServiceAccount`]: { secrets: mergeBy("name") },
  [`${core}.PersistentVolumeClaimStatus`]: { conditions: mergeBy("type") },

  [`${apps}.DeploymentSpec`]: { strategy: retainKeys },
  [`${apps}.DeploymentStatus`]: { conditions: mergeBy("type") },
  [`${apps}.ReplicaSetStatus`]: { conditions: mergeBy("type") },
  [`${apps}.StatefulSetStatus`]: { conditions: mergeBy("type") },
  [`${apps}.DaemonSetStatus`]: { conditions: mergeBy("type") },

  ["io.k8s.api.batch.v1.JobStatus"]: { conditions: mergeBy("type") },
};
