/** Leaf helpers with no Kubernetes knowledge, one job per module. */
export * from "./atomic-file.js";
export * from "./clock.js";
export * from "./mutex.js";
export * from "./limiter.js";
export * from "./go-duration.js";
export * from "./version.js";
export * from "./ipv4-cidr.js";
export * from "./host-address.js";
