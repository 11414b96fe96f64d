/**
 * From the kubelet API's (namespace, pod, container) to what the node runs: the pod as the
 * agent knows it, the container's spec, the runtime instance the request is about and its
 * sandbox. Shared by logs, exec, attach and port-forward.
 *
 * Which instance: as the kubelet's validateContainerLogStatus (pkg/kubelet/kubelet_pods.go)
 * picks it, from the pod's status: the running one, else the terminated one, else the
 * last terminated one; with `previous`, lastState.terminated. The status is the one the
 * agent reported (it survives an agent restart in the API), and its containerID names the
 * runtime instance. The failures are the kubelet's, word for word.
 */
import { BadRequestError, StatusError, type Container, type ContainerStatus } from "../../api/index.js";
import { isRuntimeError, type ContainerStatus as RuntimeContainerStatus, type PodSandboxStatus, type RuntimeService } from "../../runtime/index.js";
import type { PodObject } from "../pod-worker.js";
import { containerIdPrefix } from "../pod-status.js";
import { podUidLabel } from "../pod-sandbox-config.js";

export interface PodLookupDeps {
  /** The pods bound to this node, as the agent currently knows them. */
  pods: () => readonly PodObject[];
  runtime: Pick<RuntimeService, "containerStatus" | "podSandboxStatus" | "listPodSandboxes">;
}

export interface ContainerRequest {
  namespace: string;
  pod: string;
  container: string;
  /** The previous terminated instance instead of the current one (logs --previous). */
  previous?: boolean;
}

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";

export interface ResolvedContainer {
  pod: PodObject;
  container: Container;
  kind: ContainerKind;
  /** The runtime instance picked for the request. */
  status: RuntimeContainerStatus;
  /** That instance's sandbox; undefined once removed. */
  sandbox: PodSandboxStatus | undefined;
}

export class PodLookup {
  readonly #deps: PodLookupDeps;

  constructor(deps: PodLookupDeps) {
    this.#deps = deps;
  }

  /** The pod by namespace and name, or the kubelet's 404 (server.go: `pod "x" does not exist`). */
  findPod(namespace: string, name: string): PodObject {
    const pod = this.#deps.pods().find((p) => p.metadata.namespace === namespace && p.metadata.name === name);
    if (!pod) throw new StatusError(404, "NotFound", `pod "${name}" does not exist`);
    return pod;
  }

  /** The pod's newest ready sandbox (port-forward's target), or undefined when it has none. */
  async podSandbox(pod: PodObject): Promise<PodSandboxStatus | undefined> {
    const sandboxes = await this.#deps.runtime.listPodSandboxes({ labelSelector: { [podUidLabel]: pod.metadata.uid ?? "" } });
    return sandboxes.filter((s) => s.state === "SANDBOX_READY").sort((a, b) => b.createdAt - a.createdAt)[0];
  }

  async resolveContainer(request: ContainerRequest): Promise<ResolvedContainer> {
    const pod = this.findPod(request.namespace, request.pod);
    const found = containerSpec(pod, request.container);
    if (!found) throw new StatusError(404, "NotFound", `container "${request.container}" not found in pod "${request.pod}"`);
    const id = containerIdFor(pod, request.container, request.previous === true);
    let status: RuntimeContainerStatus;
    try {
      status = await this.#deps.runtime.containerStatus(id);
    } catch (e) {
      // Removed by container GC (only the two newest attempts are kept) or by pod removal.
      if (isRuntimeError(e, "NotFound")) throw new BadRequestError(`container "${request.container}" in pod "${request.pod}" is not available`);
      throw e;
    }
    let sandbox: PodSandboxStatus | undefined;
    try {
      sandbox = await this.#deps.runtime.podSandboxStatus(status.sandboxId);
    } catch (e) {
      if (!isRuntimeError(e, "NotFound")) throw e;
    }
    return { pod, container: found.container, kind: found.kind, status, sandbox };
  }
}

function containerSpec(pod: PodObject, name: string): { container: Container; kind: ContainerKind } | undefined {
  const spec = pod.spec;
  const app = spec?.containers?.find((c) => c.name === name);
  if (app) return { container: app, kind: "container" };
  const init = spec?.initContainers?.find((c) => c.name === name);
  if (init) return { container: init, kind: "initContainer" };
  const ephemeral = spec?.ephemeralContainers?.find((c) => c.name === name);
  if (ephemeral) return { container: ephemeral, kind: "ephemeralContainer" };
  return undefined;
}

/** The runtime id of the instance the kubelet would read (validateContainerLogStatus), or its 400. */
export function containerIdFor(pod: PodObject, containerName: string, previous: boolean): string {
  const podName = pod.metadata.name ?? "";
  const fail = (why: string): never => {
    throw new BadRequestError(`container "${containerName}" in pod "${podName}" ${why}`);
  };
  const status = pod.status as Partial<Record<"containerStatuses" | "initContainerStatuses" | "ephemeralContainerStatuses", ContainerStatus[]>> | undefined;
  const statuses: ContainerStatus[] = [
    ...(status?.containerStatuses ?? []),
    ...(status?.initContainerStatuses ?? []),
    ...(status?.ephemeralContainerStatuses ?? []),
  ];
  const cs = statuses.find((s) => s.name === containerName);
  if (!cs) return fail("is not available");
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  let id: string | undefined;
  if (previous) {
    if (!last?.containerID) throw new BadRequestError(`previous terminated container "${containerName}" in pod "${podName}" not found`);
    id = last.containerID;
  } else if (running) {
    id = cs.containerID;
  } else if (terminated) {
    // The next instance did not start: its predecessor's log is the one to show.
    id = terminated.containerID || last?.containerID || fail("is terminated");
  } else if (last) {
    id = last.containerID || fail("is terminated");
  } else if (waiting) {
    if (waiting.reason === "ErrImagePull") fail("is waiting to start: image can't be pulled");
    if (waiting.reason === "ImagePullBackOff") fail("is waiting to start: trying and failing to pull image");
    fail(`is waiting to start: ${waiting.reason ?? ""}`);
  } else {
    fail("is waiting to start - no logs yet");
  }
  if (!id) return fail("is waiting to start - no logs yet");
  return id.startsWith(containerIdPrefix) ? id.slice(containerIdPrefix.length) : id.replace(/^[a-z0-9-]+:\/\//, "");
}
