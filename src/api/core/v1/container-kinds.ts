/** Which kind of container a spec entry is, where the kind changes the pod's rules. */

/** A native sidecar (KEP-753): an init container with restartPolicy Always. */
export function isRestartableInitContainer(container: { restartPolicy?: unknown } | undefined): boolean {
  return container?.restartPolicy === "Always";
}
