/**
 * The streaming protocols behind kubectl exec, attach, cp and port-forward, as a library that
 * knows no Kubernetes objects: the WebSocket channel protocols and port-forward tunnel
 * (wsstream), SPDY/3.1 (spdy), and the two servers built on them (remotecommand, portforward).
 * The node agent serves these endpoints; the API server proxies the upgraded connection to it.
 */
export {
  parseRemoteCommandOptions,
  requestedCommand,
  remoteCommandStatus,
  serveRemoteCommand,
  type RemoteCommandOptions,
  type RemoteCommandRequest,
  type RemoteCommandResult,
  type RemoteCommandStreams,
  type RunRemoteCommand,
  type TerminalSize,
} from "./remotecommand/index.js";
export { servePortForward, type PortForwardOptions } from "./portforward/index.js";
export { portForwardProtocol, servePortForwardUpgrade } from "./serve-port-forward-upgrade.js";
export { rejectUpgrade, writeUpgradeRefusal, type UpgradeRefusal } from "./reject-upgrade.js";
export { defaultStreamingConnectionIdleTimeoutMs, IdleTimer, type StreamingConnectionOptions } from "./idle-timer.js";
export { acceptSpdyUpgrade, SpdySession, type SpdyStream } from "./spdy/index.js";
export { acceptWebSocket, isWebSocketRequest, WebSocketTunnel, type AcceptedWebSocket } from "./wsstream/index.js";
