/**
 * port-forward over the WebSocket channel protocol (`v4.channel.k8s.io`), the kubelet's older
 * WebSocket form that the JavaScript client's `PortForward` speaks (kubelet
 * `cri/streaming/portforward/websocket.go`): one WebSocket per forwarded connection, the ports
 * named in the query, and for the i-th port channel 2i carrying the data both ways and channel
 * 2i+1 the errors. Each of those channels first carries the port number as two little-endian
 * bytes, so a client can tell the pairs apart. When every port's connection is done the
 * WebSocket is closed with 1000.
 *
 * kubectl never uses this form: it tunnels SPDY instead (serve-port-forward-upgrade.ts).
 */
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { PortForwardOptions } from "./portforward/index.js";
import { ChannelConnection } from "./wsstream/index.js";

/**
 * The ports of a WebSocket port-forward request: `ports` (the API's PodPortForwardOptions) or
 * `port` (the kubelet's own name), each value possibly comma-separated, 1..65535.
 */
export function parsePortForwardPorts(url: URL): number[] | { error: string } {
  const values = [...url.searchParams.getAll("ports"), ...url.searchParams.getAll("port")];
  if (values.length === 0) return { error: 'query parameter "port" is required' };
  const ports: number[] = [];
  for (const value of values) {
    if (value === "") return { error: 'query parameter "port" cannot be empty' };
    for (const p of value.split(",")) {
      const port = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!(port <= 0xffff)) return { error: `unable to parse "${value}" as a port` };
      if (port < 1) return { error: `port "${value}" must be > 0` };
      ports.push(port);
    }
  }
  return ports;
}

export async function serveWebSocketPortForward(websocket: WebSocket, ports: readonly number[], options: PortForwardOptions, idleTimeoutMs = 0): Promise<void> {
  const connection = new ChannelConnection(websocket, { supportsStreamClose: false, inbound: ports.map((_, i) => 2 * i), idleTimeoutMs });
  await Promise.all(ports.map((port, i) => forwardChannelPair(connection, port, 2 * i, options)));
  await connection.close();
}

async function forwardChannelPair(connection: ChannelConnection, port: number, dataChannel: number, options: PortForwardOptions): Promise<void> {
  const fromClient = connection.readable(dataChannel);
  const toClient = connection.writable(dataChannel);
  const errors = connection.writable(dataChannel + 1);
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16LE(port);
  toClient.write(portBytes);
  errors.write(portBytes);

  const fail = (e: unknown): void => {
    const message = `error forwarding port ${port} to pod ${options.describePod}: ${e instanceof Error ? e.message : String(e)}`;
    options.onError?.(new Error(message));
    errors.write(message);
  };
  let pod: Duplex;
  try {
    pod = await options.dial(port);
  } catch (e) {
    fail(e);
    fromClient.resume(); // nobody reads it any more; keep the socket flowing
    return;
  }
  await new Promise<void>((resolve) => {
    pod.once("close", () => resolve());
    pod.on("error", (e: Error) => {
      fail(e);
      pod.destroy();
    });
    // The client's end of input half-closes the pod connection; the pod's end finishes the pair.
    fromClient.pipe(pod);
    pod.pipe(toClient, { end: false });
    void connection.closed.then(() => pod.destroy());
  });
}
