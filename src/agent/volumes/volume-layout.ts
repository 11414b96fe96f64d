/**
 * Where a pod's volumes live on the host, named as the kubelet names them
 * (pkg/kubelet/kubelet_getters.go getPodVolumeDir, getPodContainerDir, and the plugin
 * names with "/" escaped as "~"), so that an operator who knows the kubelet finds them.
 */
import { join } from "node:path";

/** The plugins Peapod implements, keyed by the volume source's JSON name. */
export const volumePluginNames = {
  emptyDir: "kubernetes.io~empty-dir",
  configMap: "kubernetes.io~configmap",
  secret: "kubernetes.io~secret",
  downwardAPI: "kubernetes.io~downward-api",
  projected: "kubernetes.io~projected",
} as const;

export type ManagedVolumeSource = keyof typeof volumePluginNames;

export function podDir(podsDir: string, podUid: string): string {
  return join(podsDir, podUid);
}

export function podVolumeDir(podsDir: string, podUid: string, source: ManagedVolumeSource, volumeName: string): string {
  return join(podsDir, podUid, "volumes", volumePluginNames[source], volumeName);
}

/** Termination-log files of one container's instances (kuberuntime makeMounts). */
export function podContainerDir(podsDir: string, podUid: string, containerName: string): string {
  return join(podsDir, podUid, "containers", containerName);
}

/** The bind mount that pins one subPath for one container (subpath_linux.go doBindSubPath). */
export function subPathMountPoint(podsDir: string, podUid: string, volumeName: string, containerName: string, mountIndex: number): string {
  return join(podsDir, podUid, "volume-subpaths", volumeName, containerName, String(mountIndex));
}
