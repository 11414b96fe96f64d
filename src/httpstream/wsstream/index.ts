/** The server side of the Kubernetes WebSocket channel protocols and the port-forward tunnel. */
export * from "./accept-websocket.js";
export * from "./channel-connection.js";
export * from "./channel-message.js";
export * from "./subprotocols.js";
export * from "./websocket-tunnel.js";
