/** Leaf helpers with no Kubernetes knowledge, one job per module. */
export * from "./clock.js";
