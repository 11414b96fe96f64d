/**
 * exec/attach over a plain SPDY/3.1 connection (spec §8): kubectl's fallback, and its only
 * path with `KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`. The server answers
 * `X-Stream-Protocol-Version: v4.channel.k8s.io`, as the kubelet does, and the client opens one
 * stream per role, named by the `streamtype` header. The command starts once every stream the
 * options call for has arrived; like the kubelet, the client gets 30 s for that
 * (kubelet `cri/streaming/remotecommand/httpstream.go` waitStreamReply).
 *
 * Half-closes are native here: stdin's EOF is the client's FIN, and the server FINs stdout and
 * stderr, then writes the Status on the error stream and FINs it.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { acceptSpdyUpgrade, type SpdySession, type SpdyStream } from "../spdy/index.js";
import type { RemoteCommandOptions } from "./options.js";
import { runRemoteCommand, type RunRemoteCommand } from "./run-remote-command.js";
import type { RemoteCommandRequest } from "./status.js";

/** The one remote command protocol served over SPDY: v4 has the JSON Status and resize stream. */
export const remoteCommandSpdyProtocols: readonly string[] = ["v4.channel.k8s.io"];

/** The client's deadline for opening its streams (kubelet's streamCreationTimeout default). */
export const streamCreationTimeoutMs = 30_000;

/** After the Status, how long the client gets to read it and hang up before the server does. */
const clientCloseTimeoutMs = 10_000;

type StreamType = "error" | "stdin" | "stdout" | "stderr" | "resize";

export async function serveRemoteCommandOverSpdy(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: RemoteCommandOptions,
  request: RemoteCommandRequest,
  run: RunRemoteCommand,
  timeouts: { streamCreationMs?: number; idleTimeoutMs?: number } = {},
): Promise<void> {
  const accepted = acceptSpdyUpgrade(req, socket, head, remoteCommandSpdyProtocols, { idleTimeoutMs: timeouts.idleTimeoutMs ?? 0 });
  if (!accepted) return;
  const { session } = accepted;
  const closed = new Promise<void>((resolve) => (session.isClosed ? resolve() : session.once("close", () => resolve())));
  if (accepted.protocol === "") {
    // A client that offers no version expects the v1 protocol from before Kubernetes 1.1.
    session.close();
    return;
  }

  const streams = await expectedStreams(session, closed, expectedTypes(options), timeouts.streamCreationMs ?? streamCreationTimeoutMs);
  if (!streams) {
    session.close();
    return;
  }
  const error = streams.get("error")!;
  // We never read the error stream, nor stdout/stderr (kubectl writes nothing there): drain them
  // so their ends are seen and the session can forget them.
  for (const type of ["error", "stdout", "stderr"] as const) streams.get(type)?.resume();

  await runRemoteCommand(
    {
      stdin: streams.get("stdin"),
      stdout: streams.get("stdout"),
      stderr: streams.get("stderr"),
      resize: streams.get("resize"),
      tty: options.tty,
      closed,
      async finish(status) {
        // Nothing the client still sends on stdin or resize is read any more.
        streams.get("stdin")?.resume();
        streams.get("resize")?.resume();
        await new Promise<void>((resolve) => error.end(status, () => resolve()));
        // The kubelet closes right away; waiting for the client, which hangs up once it read
        // everything, keeps a slow reader from losing the tail of its output.
        const timer = setTimeout(() => session.close(), clientCloseTimeoutMs);
        await closed;
        clearTimeout(timer);
      },
    },
    request,
    run,
  );
}

function expectedTypes(options: RemoteCommandOptions): StreamType[] {
  const types: StreamType[] = ["error"];
  if (options.stdin) types.push("stdin");
  if (options.stdout) types.push("stdout");
  if (options.stderr) types.push("stderr");
  if (options.tty) types.push("resize");
  return types;
}

/**
 * Collects the client's streams by `streamtype` until each expected one arrived; undefined if
 * the deadline passed or the session ended first. Unexpected or repeated streams are reset.
 */
function expectedStreams(
  session: SpdySession,
  closed: Promise<void>,
  types: readonly StreamType[],
  timeoutMs: number,
): Promise<Map<StreamType, SpdyStream> | undefined> {
  const streams = new Map<StreamType, SpdyStream>();
  return new Promise((resolve) => {
    const done = (result: Map<StreamType, SpdyStream> | undefined): void => {
      clearTimeout(timer);
      session.off("stream", onStream);
      resolve(result);
    };
    const onStream = (stream: SpdyStream): void => {
      const type = stream.headers.get("streamtype") as StreamType | undefined;
      if (type === undefined || !types.includes(type) || streams.has(type)) {
        stream.reset();
        return;
      }
      streams.set(type, stream);
      if (streams.size === types.length) done(streams);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    session.on("stream", onStream);
    void closed.then(() => done(undefined));
  });
}
