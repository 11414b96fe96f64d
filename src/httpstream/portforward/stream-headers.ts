/**
 * What a port-forward stream's SYN_STREAM headers say: its type (`error` or `data`), the pod
 * port, and the request id that pairs the two streams of one forwarded connection. The
 * checks and their texts are the kubelet's (pkg/kubelet/cri/streaming/portforward/httpstream.go,
 * httpStreamReceived and requestID), which formats names with Go's %q.
 */

export const streamTypeHeader = "streamtype";
export const portHeader = "port";
export const requestIdHeader = "requestid";

export type PortForwardStreamType = "error" | "data";

export interface PortForwardStreamInfo {
  readonly streamType: PortForwardStreamType;
  readonly port: number;
  readonly requestId: string;
}

/** Parses a stream's headers, or returns upstream's reason for rejecting the stream. */
export function portForwardStreamInfo(stream: { readonly id: number; readonly headers: ReadonlyMap<string, string> }): PortForwardStreamInfo | { readonly error: string } {
  const portText = stream.headers.get(portHeader) ?? "";
  if (portText === "") return { error: `"port" header is required` };
  const port = parseGoUint16(portText);
  if (typeof port === "string") return { error: `unable to parse ${JSON.stringify(portText)} as a port: ${port}` };
  if (port < 1) return { error: `port ${JSON.stringify(portText)} must be > 0` };

  const streamType = stream.headers.get(streamTypeHeader) ?? "";
  if (streamType === "") return { error: `"streamType" header is required` };
  if (streamType !== "error" && streamType !== "data") return { error: `invalid stream type ${JSON.stringify(streamType)}` };

  return { streamType, port, requestId: stream.headers.get(requestIdHeader) || inferredRequestId(stream.id, streamType) };
}

/**
 * Clients before request ids opened each connection's error stream and then its data stream
 * with consecutive odd ids, so upstream derives the pair's id from the stream id. This is
 * best effort: concurrent connections from such a client can interleave their ids.
 */
function inferredRequestId(streamId: number, streamType: PortForwardStreamType): string {
  return String(streamType === "error" ? streamId : streamId - 2);
}

/** Go's strconv.ParseUint(s, 10, 16): the number, or the error text Go would print. */
function parseGoUint16(s: string): number | string {
  if (!/^[0-9]+$/.test(s)) return `strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`;
  const n = Number(s);
  if (n > 0xffff) return `strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`;
  return n;
}
