/**
 * The Kubernetes version Peapod speaks, reported by the API server's /version and by its
 * node agent as the kubelet version: one value, so the two never disagree.
 */
export const kubernetesVersion = { major: "1", minor: "32", gitVersion: "v1.32.0-peapod" } as const;
