/** Pod volumes on the host: setup, per-container mounts, live updates and teardown. */
export {
  VolumeManager,
  VolumeSetUpError,
  PodVolumesError,
  terminationLogHostPath,
  type VolumeManagerOptions,
  type VolumeManagerConfig,
  type VolumeSources,
  type PodVolume,
  type PodVolumes,
} from "./volume-manager.js";
export { extractResourceValue } from "./resource-field-ref.js";
export { extractFieldPath, formatMap } from "./downward-api.js";
