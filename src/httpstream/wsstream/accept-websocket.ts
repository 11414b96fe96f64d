/**
 * The server half of a WebSocket upgrade for the Kubernetes streaming subprotocols, with the
 * `ws` package. Two things differ from a plain `handleUpgrade`:
 *
 * - The subprotocol is chosen here, before `ws` sees the request: the first protocol the client
 *   offers that the endpoint serves (upstream's x/net handshake walks the client's list the same
 *   way). A request offering none is refused with a Status, which makes kubectl fall back to SPDY.
 * - kubectl's port-forward subprotocol `SPDY/3.1+portforward.k8s.io` contains `/`, which is not
 *   an RFC 7230 token character, so `ws` answers it with `400 Invalid Sec-WebSocket-Protocol
 *   header` (ws 8.23 `lib/subprotocol.js`). Spec §0 item 6: rewrite the offered names to tokens
 *   before `handleUpgrade` and answer the true name from `handleProtocols`, which `ws` does not
 *   validate.
 *
 * Compression stays off: kubectl (gorilla) never offers it, and stream payloads are already
 * whatever the process wrote.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { rejectUpgrade } from "../reject-upgrade.js";

export interface AcceptedWebSocket {
  readonly websocket: WebSocket;
  /** The negotiated subprotocol, spelled exactly as the client offered it. */
  readonly protocol: string;
}

/** `Upgrade: websocket` with `Connection: upgrade` (apimachinery wsstream IsWebSocketRequest). */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade ?? "";
  const connection = req.headers.connection ?? "";
  return upgrade.toLowerCase() === "websocket" && /(^|,)\s*upgrade\s*(,|$)/i.test(connection);
}

/** The subprotocols the client offered, in its order of preference. */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers["sec-websocket-protocol"];
  if (header === undefined) return [];
  return header
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/**
 * Completes the upgrade and resolves with the open WebSocket, or refuses it (writing the reply
 * on `socket`) and resolves undefined. `protocols` lists what the endpoint serves.
 */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocols: readonly string[],
): Promise<AcceptedWebSocket | undefined> {
  const offered = offeredSubprotocols(req);
  const protocol = offered.find((p) => protocols.includes(p));
  if (protocol === undefined) {
    // The text of upstream's handshake error (wsstream conn.go handshake), Go's %v of a slice.
    rejectUpgrade(socket, {
      code: 400,
      message: `requested protocol(s) are not supported: [${offered.join(" ")}]; supports [${protocols.join(" ")}]`,
    });
    return Promise.resolve(undefined);
  }
  req.headers["sec-websocket-protocol"] = offered.map(asToken).join(", ");

  const server = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    handleProtocols: () => protocol,
  });
  return new Promise((resolve) => {
    // With a listener, ws leaves the refusal of a malformed handshake (wrong method, bad key or
    // version) to us, so it gets a Status body and this promise settles.
    server.on("wsClientError", (error: Error) => {
      rejectUpgrade(socket, { code: req.method === "GET" ? 400 : 405, message: `unable to upgrade: ${error.message}` });
      resolve(undefined);
    });
    server.handleUpgrade(req, socket, head, (websocket) => resolve({ websocket, protocol }));
  });
}

const nonToken = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g;

function asToken(protocol: string): string {
  return protocol.replace(nonToken, "_");
}
