/** The controllers: one small reconciler per concern, each built on the client layer. */
export * from "./node-lifecycle.js";
export * from "./cidr-set.js";
export * from "./node-ipam.js";
