/** kubectl port-forward, server side, on a SPDY session (plain upgrade or WebSocket tunnel). */
export { servePortForward, type PortForwardOptions } from "./serve-port-forward.js";
export { portForwardStreamInfo, portHeader, requestIdHeader, streamTypeHeader, type PortForwardStreamInfo, type PortForwardStreamType } from "./stream-headers.js";
