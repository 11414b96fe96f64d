/**
 * One forwarded connection: the pair's data stream bridged to a connection the caller dialled
 * to the pod's port, with back-pressure both ways (pipe pauses the faster side) and the
 * half-closes of spec §9.3:
 *  - kubectl's FIN on the data stream half-closes the pod connection's write side;
 *  - the pod's EOF becomes a FIN on the data stream and on the error stream (kubectl waits
 *    on the error stream until it ends);
 *  - kubectl resets the data stream once its local socket is done; that is normal, and the
 *    pod connection is ended after whatever kubectl sent has been written.
 * Any failure (dial, or the pod connection breaking) is written as text on the error stream,
 * in the kubelet's words (`error forwarding port P to pod …`), then both streams are ended.
 * kubectl 1.32 answers that by closing the whole session, as it does against a real kubelet.
 */
import type { Duplex } from "node:stream";
import type { SpdyStream } from "../spdy/index.js";

export interface ForwardPairOptions {
  readonly dial: (port: number) => Promise<Duplex>;
  /** How the pod is named in error texts, e.g. `<sandbox id>, uid <uid>`. */
  readonly describePod: string;
  readonly onError?: (e: Error) => void;
  /** Called with each pod connection as soon as it exists, so the session can free it. */
  readonly track: (connection: Duplex) => void;
}

export async function forwardPair(port: number, data: SpdyStream, error: SpdyStream, options: ForwardPairOptions): Promise<void> {
  let failed = false;
  const fail = (e: unknown, connection?: Duplex): void => {
    if (failed) return;
    failed = true;
    const cause = e instanceof Error ? e : new Error(String(e));
    const message = `error forwarding port ${port} to pod ${options.describePod}: ${cause.message}`;
    options.onError?.(new Error(message, { cause }));
    if (!error.destroyed && !error.writableEnded) error.end(message);
    if (!data.destroyed && !data.writableEnded) data.end();
    connection?.destroy();
  };

  let connection: Duplex;
  try {
    connection = await options.dial(port);
  } catch (e) {
    fail(e);
    return;
  }
  options.track(connection);
  if (data.destroyed) {
    // kubectl gave up on this connection (or the session ended) while we dialled.
    connection.destroy();
    return;
  }

  connection.on("error", (e: Error) => fail(e, connection));
  data.on("error", () => connection.destroy());

  data.pipe(connection, { end: false });
  data.on("end", () => connection.end());
  connection.pipe(data, { end: false });
  connection.on("end", () => {
    if (!data.destroyed) data.end();
    if (!error.destroyed) error.end();
  });

  data.on("close", () => {
    if (connection.destroyed) return;
    // Whatever kubectl sent is flushed to the pod first; what the pod still sends has
    // nowhere to go, so it is read and dropped until the connection closes.
    data.unpipe(connection);
    connection.resume();
    connection.end();
    if (connection.writableFinished) connection.destroy();
    else connection.once("finish", () => connection.destroy());
  });
}
