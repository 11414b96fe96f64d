/** The client layer: the API over HTTPS, informers with caches, work queues, events. */
export * from "./api-error.js";
export * from "./backoff.js";
export * from "./event-recorder.js";
export * from "./informer.js";
export * from "./kubeconfig.js";
export * from "./object-cache.js";
export * from "./resources.js";
export * from "./rest-client.js";
export * from "./watch-stream.js";
export * from "./work-queue.js";
