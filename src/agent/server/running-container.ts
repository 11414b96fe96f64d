/**
 * What exec and attach act on: the running instance of a pod's container on this node,
 * found as the kubelet's findContainer does (the runtime's running containers, by pod UID
 * and container name), not from the reported status, which may lag a restart. Failures are
 * the kubelet's plain-text answers (server.go getExec/getAttach, kubelet_pods.go
 * findContainer), which kubectl prints as `unable to upgrade connection: <text>`. Also the one
 * routing of exec and attach upgrades onto that container.
 */
import type { Container } from "../../api/index.js";
import { serveRemoteCommand, type RemoteCommandResult, type RemoteCommandStreams } from "../../httpstream/index.js";
import type { RuntimeService } from "../../runtime/index.js";
import { containerNameLabel } from "../container-config.js";
import { podUidLabel } from "../pod-sandbox-config.js";
import type { PodObject } from "../pod-worker.js";
import type { NodeServer } from "./node-server.js";
import type { PodLookup } from "./pod-lookup.js";
import { refuseStream } from "./refuse-stream.js";

export interface RunningContainerDeps {
  lookup: PodLookup;
  runtime: Pick<RuntimeService, "listContainers">;
}

export interface RunningContainer {
  pod: PodObject;
  container: Container;
  /** The runtime's id of the running instance. */
  id: string;
}

/** A refusal with the kubelet's status code and text. */
export interface StreamRefusal {
  code: 404 | 500;
  text: string;
}

export async function findRunningContainer(
  deps: RunningContainerDeps,
  params: { namespace: string; pod: string; container: string },
): Promise<RunningContainer | StreamRefusal> {
  let pod: PodObject;
  try {
    pod = deps.lookup.findPod(params.namespace, params.pod);
  } catch {
    return { code: 404, text: "pod does not exist" };
  }
  const notFound: StreamRefusal = { code: 500, text: `container not found (${JSON.stringify(params.container)})` };
  const spec = pod.spec;
  const container = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])]
    .find((c) => c.name === params.container) as Container | undefined;
  if (!container) return notFound;
  const running = await deps.runtime.listContainers({
    state: "CONTAINER_RUNNING",
    labelSelector: { [podUidLabel]: pod.metadata.uid ?? "", [containerNameLabel]: params.container },
  });
  const newest = running.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!newest) return notFound;
  return { pod, container, id: newest.id };
}

/**
 * Routes `/{endpoint}/{namespace}/{pod}/{container}` (and the kubelet's form with the pod UID)
 * to `run` with the running container, over whichever protocol the client asked for.
 */
export function registerRemoteCommand(
  server: NodeServer,
  endpoint: "exec" | "attach",
  deps: RunningContainerDeps,
  run: (target: RunningContainer, url: URL, streams: RemoteCommandStreams) => Promise<RemoteCommandResult>,
): void {
  const handler: Parameters<NodeServer["routeUpgrade"]>[1] = (req, socket, head, params) => {
    void findRunningContainer(deps, { namespace: params.namespace!, pod: params.pod!, container: params.container! })
      .then((target) => {
        if ("text" in target) return refuseStream(socket, target.code, target.text);
        const url = new URL(req.url ?? "/", "https://node");
        serveRemoteCommand(req, socket, head, (streams) => run(target, url, streams), { idleTimeoutMs: server.streamingConnectionIdleTimeoutMs });
      })
      .catch((e: unknown) => refuseStream(socket, 500, e instanceof Error ? e.message : String(e)));
  };
  server.routeUpgrade(`/${endpoint}/:namespace/:pod/:container`, handler);
  server.routeUpgrade(`/${endpoint}/:namespace/:pod/:uid/:container`, handler);
}
