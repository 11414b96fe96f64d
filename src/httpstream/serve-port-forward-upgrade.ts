/**
 * The entry point for `pods/portforward` upgrades. kubectl 1.32 first asks for a WebSocket with
 * the subprotocol `SPDY/3.1+portforward.k8s.io` and speaks SPDY/3.1 inside its binary messages;
 * on any refusal it retries with a plain `POST` + `Upgrade: SPDY/3.1` and
 * `X-Stream-Protocol-Version: portforward.k8s.io` (spec §9.1–§9.4). Both end in the same SPDY
 * session, served by `servePortForward`. A WebSocket that offers no tunnel but the channel
 * protocol (the JavaScript client) gets the kubelet's channel port-forward instead.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { servePortForward, type PortForwardOptions } from "./portforward/index.js";
import { streamingIdleTimeoutMs, type StreamingConnectionOptions } from "./idle-timer.js";
import { rejectUpgrade } from "./reject-upgrade.js";
import { acceptSpdyUpgrade, SpdySession } from "./spdy/index.js";
import { parsePortForwardPorts, serveWebSocketPortForward } from "./websocket-port-forward.js";
import {
  acceptWebSocket,
  channelProtocolV4,
  isWebSocketRequest,
  offeredSubprotocols,
  portForwardTunnelProtocol,
  WebSocketTunnel,
} from "./wsstream/index.js";

/** The port-forward protocol name inside SPDY (apimachinery `util/portforward/constants.go`). */
export const portForwardProtocol = "portforward.k8s.io";

/** Serves one port-forward upgrade from a server's `upgrade` event, until the session ends. */
export function servePortForwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: PortForwardOptions,
  connection: StreamingConnectionOptions = {},
): void {
  serve(req, socket, head, options, streamingIdleTimeoutMs(connection)).catch(() => socket.destroy());
}

async function serve(req: IncomingMessage, socket: Duplex, head: Buffer, options: PortForwardOptions, idleTimeoutMs: number): Promise<void> {
  if (!isWebSocketRequest(req)) {
    const accepted = acceptSpdyUpgrade(req, socket, head, [portForwardProtocol], { idleTimeoutMs });
    if (accepted) await servePortForward(accepted.session, options);
    return;
  }
  if (offeredSubprotocols(req).includes(portForwardTunnelProtocol)) {
    const accepted = await acceptWebSocket(req, socket, head, [portForwardTunnelProtocol]);
    // The tunnel's SPDY frames are what counts as traffic, as they do behind upstream's translator.
    if (accepted) await servePortForward(new SpdySession(new WebSocketTunnel(accepted.websocket), { idleTimeoutMs }), options);
    return;
  }
  const ports = parsePortForwardPorts(new URL(req.url ?? "/", "http://localhost"));
  if ("error" in ports) {
    rejectUpgrade(socket, { code: 400, message: ports.error });
    return;
  }
  const accepted = await acceptWebSocket(req, socket, head, [channelProtocolV4]);
  if (accepted) await serveWebSocketPortForward(accepted.websocket, ports, options, idleTimeoutMs);
}
