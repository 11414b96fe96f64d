/** The node agent (the kubelet's job): the CLI enters here. */
export { NodeAgent, agentKubeletVersion, type NodeAgentOptions } from "./agent.js";
export { PodWorkers, PodWorker, type PodWorkerDeps, type PodObject } from "./pod-worker.js";
export { awaitNodePodCIDR, type AwaitNodePodCIDROptions } from "./node-pod-cidr.js";
export { defaultKubeletPort } from "./server/node-server.js";
export {
  ContainerLogManager, validateContainerLogPolicy, defaultContainerLogMaxSize, defaultContainerLogMaxFiles,
  type ContainerLogManagerOptions, type ContainerLogPolicy,
} from "./container-log-manager.js";
