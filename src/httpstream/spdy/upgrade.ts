/**
 * The HTTP side of a plain SPDY connection: `POST` with `Connection: Upgrade`,
 * `Upgrade: SPDY/3.1` and the client's `X-Stream-Protocol-Version` list, answered with
 * `101 Switching Protocols` and the one sub-protocol both sides speak. This mirrors
 * apimachinery's spdy `UpgradeResponse` plus `httpstream.Handshake`, including their error
 * texts, except that errors are Kubernetes Status bodies (kubectl decodes those).
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { rejectUpgrade } from "../reject-upgrade.js";
import { SpdySession, type SpdySessionOptions } from "./session.js";

export const headerStreamProtocolVersion = "X-Stream-Protocol-Version";

export interface AcceptedSpdyUpgrade {
  readonly session: SpdySession;
  /** The negotiated sub-protocol; "" when the client offered none (pre-1.1 clients). */
  readonly protocol: string;
}

/**
 * Answers the upgrade on `socket` and starts a session, or writes a 400/403 Status and
 * returns undefined. `protocols` is the server's list, in preference order.
 */
export function acceptSpdyUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocols: readonly string[],
  options?: SpdySessionOptions,
): AcceptedSpdyUpgrade | undefined {
  const connection = headerText(req.headers.connection).toLowerCase();
  const upgrade = headerText(req.headers.upgrade).toLowerCase();
  if (!connection.includes("upgrade") || !upgrade.includes("spdy/3.1")) {
    rejectUpgrade(socket, {
      code: 400,
      message: `unable to upgrade: missing upgrade headers in request: Connection=${JSON.stringify(connection)} Upgrade=${JSON.stringify(upgrade)}`,
    });
    return undefined;
  }
  const negotiated = negotiateStreamProtocol(req, protocols);
  if ("error" in negotiated) {
    rejectUpgrade(socket, { code: 403, message: negotiated.error });
    return undefined;
  }
  const lines = ["HTTP/1.1 101 Switching Protocols", "Connection: Upgrade", "Upgrade: SPDY/3.1"];
  if (negotiated.protocol) lines.push(`${headerStreamProtocolVersion}: ${negotiated.protocol}`);
  socket.write(lines.join("\r\n") + "\r\n\r\n");
  // Bytes the client sent right behind its request (its first SPDY frames) arrive in `head`.
  if (head.length > 0) socket.unshift(head);
  return { session: new SpdySession(socket, options), protocol: negotiated.protocol };
}

/**
 * The client's offers come as repeated headers, which Node joins with ", ". The first offer
 * (in the client's order) the server supports wins. No offer at all means a client from
 * before negotiation existed: upstream then proceeds with no protocol.
 */
export function negotiateStreamProtocol(req: IncomingMessage, protocols: readonly string[]): { protocol: string } | { error: string } {
  const offered = headerText(req.headers[headerStreamProtocolVersion.toLowerCase()])
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (offered.length === 0) return { protocol: "" };
  const protocol = offered.find((p) => protocols.includes(p));
  if (protocol !== undefined) return { protocol };
  return { error: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(" ")}], server accepts [${protocols.join(" ")}]` };
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}
