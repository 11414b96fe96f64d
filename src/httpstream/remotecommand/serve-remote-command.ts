/**
 * The one entry point for `pods/exec` and `pods/attach` upgrades: the query says which streams
 * the client wants, the request's upgrade headers say which transport (WebSocket GET with a
 * channel subprotocol, or POST with `Upgrade: SPDY/3.1`), and `run` stands in for the
 * container. Whatever goes wrong after this point ends that one connection, never the server.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { streamingIdleTimeoutMs, type StreamingConnectionOptions } from "../idle-timer.js";
import { rejectUpgrade } from "../reject-upgrade.js";
import { isWebSocketRequest } from "../wsstream/index.js";
import { parseRemoteCommandOptions, requestedCommand } from "./options.js";
import type { RunRemoteCommand } from "./run-remote-command.js";
import { serveRemoteCommandOverSpdy } from "./spdy-remote-command.js";
import type { RemoteCommandRequest } from "./status.js";
import { serveRemoteCommandOverWebSocket } from "./websocket-remote-command.js";

/** Serves one exec/attach upgrade from a server's `upgrade` event. */
export function serveRemoteCommand(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  run: RunRemoteCommand,
  connection: StreamingConnectionOptions = {},
): void {
  const url = new URL(req.url ?? "/", "http://localhost");
  const options = parseRemoteCommandOptions(url);
  if ("error" in options) {
    rejectUpgrade(socket, { code: 400, message: options.error });
    return;
  }
  const request: RemoteCommandRequest = {
    // The API server path ends in /attach; the kubelet API's starts with /attach/.
    kind: url.pathname.endsWith("/attach") || url.pathname.startsWith("/attach/") ? "attach" : "exec",
    command: requestedCommand(url),
  };
  // Anything that is not a WebSocket upgrade goes to the SPDY handshake, which refuses
  // requests without `Upgrade: SPDY/3.1` with upstream's text.
  const idleTimeoutMs = streamingIdleTimeoutMs(connection);
  const served = isWebSocketRequest(req)
    ? serveRemoteCommandOverWebSocket(req, socket, head, options, request, run, { idleTimeoutMs })
    : serveRemoteCommandOverSpdy(req, socket, head, options, request, run, { idleTimeoutMs });
  served.catch(() => socket.destroy());
}
