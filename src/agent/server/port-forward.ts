/**
 * /portForward/{namespace}/{pod}: kubectl port-forward, as the kubelet serves it behind
 * pods/portforward (SPDY/3.1 tunnelled in WebSocket, or a plain SPDY upgrade: both through
 * servePortForwardUpgrade). Each forwarded connection is dialled inside the pod's sandbox.
 * Errors name the pod as containerd's streaming server does (`pod <sandbox id>, uid : …`).
 *
 * A forward lives as long as its pod: when the pod leaves this node or its sandbox goes,
 * the connection is cut, so kubectl reports the lost pod instead of forwarding to nothing.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { servePortForwardUpgrade } from "../../httpstream/index.js";
import type { RuntimeService } from "../../runtime/index.js";
import type { PodObject } from "../pod-worker.js";
import type { NodeServer, RouteParams } from "./node-server.js";
import type { PodLookup } from "./pod-lookup.js";
import { refuseStream } from "./refuse-stream.js";

export interface PortForwardDeps {
  lookup: PodLookup;
  runtime: Pick<RuntimeService, "portForward">;
  /** How often a forward checks that its pod is still here (default 1 s). */
  podCheckIntervalMs?: number;
  log?: (message: string) => void;
}

export function registerPortForward(server: NodeServer, deps: PortForwardDeps): void {
  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer, params: RouteParams): void => {
    void servePodPortForward(deps, server.streamingConnectionIdleTimeoutMs, req, socket, head, params.namespace!, params.pod!).catch((e: unknown) =>
      refuseStream(socket, 500, e instanceof Error ? e.message : String(e)),
    );
  };
  server.routeUpgrade("/portForward/:namespace/:pod", handler);
  server.routeUpgrade("/portForward/:namespace/:pod/:uid", handler);
}

async function servePodPortForward(deps: PortForwardDeps, idleTimeoutMs: number, req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, name: string): Promise<void> {
  let pod: PodObject;
  try {
    pod = deps.lookup.findPod(namespace, name);
  } catch {
    return refuseStream(socket, 404, "pod does not exist");
  }
  const sandbox = await deps.lookup.podSandbox(pod);
  // The kubelet's GetPortForward text for a pod the runtime does not run.
  if (!sandbox) return refuseStream(socket, 500, `pod not found (${JSON.stringify(`${name}_${namespace}`)})`);
  servePortForwardUpgrade(req, socket, head, {
    dial: (port) => deps.runtime.portForward(sandbox.id, port),
    describePod: `${sandbox.id}, uid `,
    onError: (e) => deps.log?.(`port-forward to pod ${namespace}/${name}: ${e.message}`),
  }, { idleTimeoutMs });
  watchPodPresence(deps, socket, pod, sandbox.id);
}

/** Cuts the forward's connection once the pod or its sandbox is gone. */
function watchPodPresence(deps: PortForwardDeps, socket: Duplex, pod: PodObject, sandboxId: string): void {
  const { namespace = "", name = "", uid } = pod.metadata;
  const check = async (): Promise<boolean> => {
    let current: PodObject;
    try {
      current = deps.lookup.findPod(namespace, name);
    } catch {
      return false;
    }
    if (current.metadata.uid !== uid) return false;
    return (await deps.lookup.podSandbox(current))?.id === sandboxId;
  };
  const timer = setInterval(() => {
    void check().then(
      (present) => {
        if (!present) socket.destroy();
      },
      () => {},
    );
  }, deps.podCheckIntervalMs ?? 1000);
  timer.unref();
  socket.once("close", () => clearInterval(timer));
}
