/**
 * exec/attach over a WebSocket (spec §7): subprotocol `v5.channel.k8s.io`, which kubectl 1.32
 * offers alone, or `v4.channel.k8s.io` for older clients (the JavaScript client offers v5 then
 * v4…). Channels 0 stdin, 1 stdout, 2 stderr, 3 error (Status), 4 resize (apimachinery
 * `util/remotecommand/constants.go`). v4 cannot half-close stdin; there stdin ends with the
 * connection.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { acceptWebSocket, ChannelConnection, channelProtocolV4, channelProtocolV5, supportsStreamClose } from "../wsstream/index.js";
import type { RemoteCommandOptions } from "./options.js";
import { runRemoteCommand, type RunRemoteCommand } from "./run-remote-command.js";
import type { RemoteCommandRequest } from "./status.js";

/** The channel numbers, which follow the POSIX descriptors for stdio. */
export const remoteCommandChannel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

/** Served in this order of the client's preference; kubectl never offers anything older than v5. */
export const remoteCommandWebSocketProtocols: readonly string[] = [channelProtocolV5, channelProtocolV4];

export async function serveRemoteCommandOverWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: RemoteCommandOptions,
  request: RemoteCommandRequest,
  run: RunRemoteCommand,
  timeouts: { idleTimeoutMs?: number } = {},
): Promise<void> {
  const accepted = await acceptWebSocket(req, socket, head, remoteCommandWebSocketProtocols);
  if (!accepted) return;
  const { stdin, stdout, stderr, error, resize } = remoteCommandChannel;
  const connection = new ChannelConnection(accepted.websocket, {
    supportsStreamClose: supportsStreamClose(accepted.protocol),
    inbound: [...(options.stdin ? [stdin] : []), ...(options.tty ? [resize] : [])],
    idleTimeoutMs: timeouts.idleTimeoutMs ?? 0,
  });
  // Upstream's "connected" signal on the lowest writable channel (spec §7.2).
  await connection.sendEmpty(options.stdout ? stdout : options.stderr ? stderr : error);
  const status = connection.writable(error);
  await runRemoteCommand(
    {
      stdin: options.stdin ? connection.readable(stdin) : undefined,
      stdout: options.stdout ? connection.writable(stdout) : undefined,
      stderr: options.stderr ? connection.writable(stderr) : undefined,
      resize: options.tty ? connection.readable(resize) : undefined,
      tty: options.tty,
      closed: connection.closed,
      async finish(text) {
        connection.stopReading();
        await new Promise<void>((resolve) => status.end(text, () => resolve()));
        await connection.close();
      },
    },
    request,
    run,
  );
}
