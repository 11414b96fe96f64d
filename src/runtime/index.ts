/**
 * The runtime layer: images, pod sandboxes and containers on this host, behind a
 * CRI-shaped interface. The agent and the CLI enter here only.
 */
export type * from "./runtime.js";
export { RuntimeError, isRuntimeError, type RuntimeErrorReason } from "./errors.js";
export { LocalRuntime, resetRuntime, hostNamesFor, defaultPodCIDR, type LocalRuntimeOptions } from "./local-runtime.js";
export { ImageStore } from "./image/image-store.js";
export { parseImageReference, type ImageReference } from "./image/reference.js";
export { credentialsForImage } from "./image/docker-config.js";
export { runtimeLayout, type RuntimeLayout } from "./layout.js";
export { mountTmpfs, bindMount, unmountAll, unmountBelow, isMountPoint, mountsUnder } from "./mount.js";
