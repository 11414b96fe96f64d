/**
 * The protocol-independent life of one exec or attach session, shared by the WebSocket and
 * SPDY adapters (the kubelet's cri/streaming ServeExec does the same on top of either
 * transport):
 *
 *   streams open → run(streams) → stdout/stderr drained and ended → Status on the error
 *   stream → the session ends (close 1000 on WebSocket, FIN + close on SPDY).
 *
 * The order matters: kubectl prints output until its stdout/stderr readers hit EOF and only
 * then looks at the Status (client-go `remotecommand/v4.go`), and a connection that ends
 * without a Status reads as a failure there. When the client goes away first, stdin ends and
 * `signal` aborts, so `run` can stop the process and release it.
 */
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { remoteCommandStatus, type RemoteCommandRequest, type RemoteCommandResult } from "./status.js";
import { terminalSizes, type TerminalSize } from "./terminal-size.js";

/** What `run` gets: the streams the client asked for, in the roles of the container's stdio. */
export interface RemoteCommandStreams {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Absent with a TTY: the terminal merges stderr into stdout. */
  readonly stderr?: Writable;
  /** Terminal size changes, the first right after connect; only with a TTY. */
  readonly resize?: AsyncIterable<TerminalSize>;
  readonly tty: boolean;
  /** Aborted when the client went away: stop the process and resolve. */
  readonly signal: AbortSignal;
}

/**
 * Runs the command or attaches to the container and resolves when it ended. It may leave
 * stdout/stderr open; they are ended after it resolves. A rejection becomes `{ error }`.
 */
export type RunRemoteCommand = (streams: RemoteCommandStreams) => Promise<RemoteCommandResult>;

/** One protocol's view of an established session, as the adapters build it. */
export interface RemoteCommandConnection {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** The raw resize stream (JSON values); only with a TTY. */
  readonly resize?: Readable;
  readonly tty: boolean;
  /** Settles when the connection is gone, whoever ended it. */
  readonly closed: Promise<void>;
  /** Writes the Status text on the error stream and ends the session the protocol's way. */
  finish(status: string): Promise<void>;
}

export async function runRemoteCommand(connection: RemoteCommandConnection, request: RemoteCommandRequest, run: RunRemoteCommand): Promise<void> {
  const abort = new AbortController();
  void connection.closed.then(() => abort.abort());
  let result: RemoteCommandResult;
  try {
    result = await run({
      stdin: connection.stdin,
      stdout: connection.stdout,
      stderr: connection.stderr,
      resize: connection.resize ? terminalSizes(connection.resize) : undefined,
      tty: connection.tty,
      signal: abort.signal,
    });
  } catch (e) {
    result = { error: e instanceof Error ? e.message : String(e) };
  }
  await Promise.all([drain(connection.stdout), drain(connection.stderr)]);
  await connection.finish(remoteCommandStatus(result, request));
}

/** Ends `stream` if `run` did not, and waits until everything written was handed on. */
async function drain(stream: Writable | undefined): Promise<void> {
  if (!stream) return;
  if (!stream.writableEnded) stream.end();
  // Only the writing side: a SPDY stream is a Duplex whose reading side the client may never end.
  await finished(stream, { readable: false }).catch(() => {}); // a destroyed stream has nothing left to drain
}
