/**
 * The port-forward protocol on a SPDY session (spec §9.3; kubelet
 * pkg/kubelet/cri/streaming/portforward/httpstream.go): kubectl opens two streams per local
 * connection, `error` then `data`, with the same `requestid` and `port`. Once both arrived the
 * pair is forwarded to a connection the caller dials; a pair still incomplete after 30 s gets
 * `timed out waiting for streams` on its error stream and is dropped. The session may come
 * from a plain SPDY upgrade or from the WebSocket tunnel; this code does not care which.
 */
import type { Duplex } from "node:stream";
import { RstStatus, type SpdySession, type SpdyStream } from "../spdy/index.js";
import { forwardPair } from "./forward-pair.js";
import { portForwardStreamInfo } from "./stream-headers.js";

export interface PortForwardOptions {
  /** Opens a connection to `port` inside the pod's network namespace. A rejection is reported to kubectl. */
  dial(port: number): Promise<Duplex>;
  /** How error texts name the pod, e.g. `<sandbox id>, uid <uid>` (the kubelet's wording). */
  readonly describePod: string;
  /** Rejected streams, timeouts and forwarding failures, for the caller's log. */
  onError?(e: Error): void;
  /** How long the second stream of a pair may take (upstream: 30 s). */
  readonly pairTimeoutMs?: number;
}

interface PendingPair {
  error?: SpdyStream;
  data?: SpdyStream;
  /** The data stream's port, which is the one forwarded (as upstream). */
  port?: number;
  readonly timer: NodeJS.Timeout;
}

/** Serves port-forward streams until the session ends; every pod connection is then destroyed. */
export function servePortForward(session: SpdySession, options: PortForwardOptions): Promise<void> {
  const pairTimeoutMs = options.pairTimeoutMs ?? 30_000;
  const report = (e: Error): void => options.onError?.(e);
  const pending = new Map<string, PendingPair>();
  const connections = new Set<Duplex>();

  const track = (connection: Duplex): void => {
    connections.add(connection);
    connection.once("close", () => connections.delete(connection));
    if (session.isClosed) connection.destroy();
  };

  const onStream = (stream: SpdyStream): void => {
    const info = portForwardStreamInfo(stream);
    if ("error" in info) {
      // Upstream rejects such a stream outright; here it is already accepted, so reset it.
      report(new Error(`port-forward stream ${stream.id} rejected: ${info.error}`));
      stream.reset(RstStatus.refusedStream);
      return;
    }
    // kubectl half-closes the error stream at once; reading it lets the stream finish.
    if (info.streamType === "error") stream.resume();

    let pair = pending.get(info.requestId);
    if (!pair) {
      const requestId = info.requestId;
      const timer = setTimeout(() => timeOut(requestId), pairTimeoutMs);
      timer.unref();
      pair = { timer };
      pending.set(requestId, pair);
    }
    if (pair[info.streamType]) {
      const message = `error processing stream for request ${info.requestId}: ${info.streamType} stream already assigned`;
      report(new Error(message));
      if (pair.error && !pair.error.writableEnded) pair.error.write(message);
      stream.reset(RstStatus.protocolError);
      return;
    }
    pair[info.streamType] = stream;
    if (info.streamType === "data") pair.port = info.port;
    if (pair.error && pair.data && pair.port !== undefined) {
      clearTimeout(pair.timer);
      pending.delete(info.requestId);
      void forwardPair(pair.port, pair.data, pair.error, { dial: (p) => options.dial(p), describePod: options.describePod, onError: report, track });
    }
  };

  const timeOut = (requestId: string): void => {
    const pair = pending.get(requestId);
    if (!pair) return;
    pending.delete(requestId);
    const message = `(request=${requestId}) timed out waiting for streams`;
    report(new Error(message));
    if (pair.error && !pair.error.destroyed) pair.error.end(message);
    pair.data?.reset();
  };

  session.on("stream", onStream);
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      session.off("stream", onStream);
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      for (const c of connections) c.destroy();
      connections.clear();
      resolve();
    };
    if (session.isClosed) finish();
    else session.once("close", finish);
  });
}
