/**
 * Test helper: a plain-HTTP server on 127.0.0.1 whose `upgrade` event goes to the test's
 * handler, closed (with every socket) when the test ends. Used by this directory's tests and
 * the remote command tests that speak the channel protocol from a `ws` client.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";

export interface UpgradeTestServer {
  /** `ws://127.0.0.1:<port>` */
  readonly wsUrl: string;
  readonly port: number;
  openSockets(): number;
}

export async function startUpgradeTestServer(
  t: { after(fn: () => Promise<void>): void },
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<UpgradeTestServer> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("upgrade", onUpgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return { wsUrl: `ws://127.0.0.1:${port}`, port, openSockets: () => sockets.size };
}
