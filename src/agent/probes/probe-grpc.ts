/**
 * gRPC probes (pkg/probe/grpc): one grpc.health.v1.Health/Check call over plaintext HTTP/2,
 * healthy when the answer is SERVING. gRPC is small enough to speak by hand here (a
 * 5-byte frame prefix, one protobuf field each way, status in the trailers), so no gRPC
 * library is needed. The texts are grpc-go's and the kubelet's, as users see them in events.
 */
import { connect, constants as h2, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { STATUS_CODES } from "node:http";
import { goQuote, ProtobufDecodeError, WireReader, WireType } from "../../api/index.js";
import { goDuration } from "../../base/index.js";
import { joinHostPort } from "./go-net-errors.js";
import { kubeProbeUserAgent, type ProbeOutcome } from "./probe-outcome.js";

/** grpc-go appends its own name to the user agent; 1.65 is what Kubernetes 1.32 links. */
const userAgent = `${kubeProbeUserAgent} grpc-go/1.65.0`;
/** grpc-go's default limit on a received message. */
const maxReceiveMessageBytes = 4 * 1024 * 1024;
/** grpc-go's connection backoff (base 1s, factor 1.6), without jitter. */
const firstBackoffMs = 1000;
const backoffFactor = 1.6;

/** HealthCheckResponse.ServingStatus names (protobuf-go prints unknown values as numbers). */
const servingStatusNames: Record<number, string> = { 0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN" };

const codeNames = [
  "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
  "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
  "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
];
const Code = { Canceled: 1, Unknown: 2, DeadlineExceeded: 4, PermissionDenied: 7, ResourceExhausted: 8, Unimplemented: 12, Internal: 13, Unavailable: 14 } as const;

/** grpc-go's HTTPStatusConvTab: the code for a non-200 HTTP answer. */
const httpStatusCodes: Record<number, number> = {
  400: Code.Internal, 401: 16, 403: Code.PermissionDenied, 404: Code.Unimplemented,
  429: Code.Unavailable, 502: Code.Unavailable, 503: Code.Unavailable, 504: Code.Unavailable,
};

/** A non-OK gRPC status, as `status.Error` carries it. */
class GrpcStatus {
  constructor(readonly code: number, readonly message: string) {}
  toString(): string {
    return `rpc error: code = ${codeNames[this.code] ?? `Code(${this.code})`} desc = ${this.message}`;
  }
}

export async function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const timeout = goDuration(timeoutSeconds * 1000);
  const deadline = Date.now() + timeoutSeconds * 1000;
  const session = await connectUntil(addr, deadline);
  if (!session) {
    // grpc-go dials with WithBlock and retries every failure until the deadline.
    return { result: "failure", output: `timeout: failed to connect service ${goQuote(addr)} within ${timeout}: context deadline exceeded` };
  }
  try {
    const answer = await check(session, addr, service, deadline);
    if (answer === "deadline") return { result: "failure", output: `timeout: health rpc did not complete within ${timeout}` };
    if (answer instanceof GrpcStatus) {
      if (answer.code === Code.Unimplemented) {
        return { result: "failure", output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${answer.message}` };
      }
      return { result: "failure", output: `error: health rpc probe failed: ${answer}` };
    }
    if (answer !== 1) {
      return { result: "failure", output: `service unhealthy (responded with ${goQuote(servingStatusNames[answer] ?? String(answer))})` };
    }
    return { result: "success", output: "service healthy" };
  } finally {
    session.destroy();
  }
}

/** Connects, retrying with backoff, until the server's HTTP/2 SETTINGS arrive or time runs out. */
async function connectUntil(addr: string, deadline: number): Promise<ClientHttp2Session | undefined> {
  let backoff = firstBackoffMs;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    const session = await connectOnce(addr, remaining);
    if (session) return session;
    const wait = Math.min(backoff, deadline - Date.now());
    if (wait <= 0) return undefined;
    await new Promise((resolve) => setTimeout(resolve, wait));
    backoff *= backoffFactor;
  }
}

function connectOnce(addr: string, withinMs: number): Promise<ClientHttp2Session | undefined> {
  return new Promise((resolve) => {
    const session = connect(`http://${addr}`);
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.removeAllListeners("remoteSettings");
      if (ok) {
        // Later session errors surface on the stream; keep them from crashing the process.
        session.on("error", () => {});
        resolve(session);
      } else {
        session.destroy();
        resolve(undefined);
      }
    };
    const timer = setTimeout(() => finish(false), withinMs);
    // grpc-go counts a connection ready once the server's preface (SETTINGS) is in.
    session.once("remoteSettings", () => finish(true));
    session.once("error", () => finish(false));
    session.once("close", () => finish(false));
  });
}

type CheckAnswer = number | GrpcStatus | "deadline";

function check(session: ClientHttp2Session, addr: string, service: string, deadline: number): Promise<CheckAnswer> {
  return new Promise((resolve) => {
    const remaining = Math.max(1, deadline - Date.now());
    const stream = session.request({
      [h2.HTTP2_HEADER_METHOD]: "POST",
      [h2.HTTP2_HEADER_PATH]: "/grpc.health.v1.Health/Check",
      [h2.HTTP2_HEADER_SCHEME]: "http",
      [h2.HTTP2_HEADER_AUTHORITY]: addr,
      "content-type": "application/grpc",
      "user-agent": userAgent,
      te: "trailers",
      "grpc-timeout": `${remaining}m`,
    });
    let headers: IncomingHttpHeaders | undefined;
    let trailers: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (answer: CheckAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish("deadline"), remaining);
    stream.on("response", (h) => (headers = h));
    stream.on("trailers", (t) => (trailers = t));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => finish(answerOf(headers, trailers, Buffer.concat(chunks))));
    stream.on("error", () => finish(stream.rstCode ? resetStatus(stream.rstCode) : new GrpcStatus(Code.Unavailable, "error reading from server: EOF")));
    stream.on("close", () => {
      if (!settled) finish(headers ? answerOf(headers, trailers, Buffer.concat(chunks)) : new GrpcStatus(Code.Unavailable, "error reading from server: EOF"));
    });
    stream.end(requestFrame(service));
  });
}

/** HealthCheckRequest{service} (field 1, a string) in a gRPC message frame. */
function requestFrame(service: string): Buffer {
  const name = Buffer.from(service, "utf8");
  const message = name.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** The checks grpc-go makes on a finished unary call, in its order. */
function answerOf(headers: IncomingHttpHeaders | undefined, trailers: IncomingHttpHeaders | undefined, body: Buffer): CheckAnswer {
  if (!headers) return new GrpcStatus(Code.Internal, "server closed the stream without sending trailers");
  const httpStatus = Number(headers[h2.HTTP2_HEADER_STATUS]);
  const contentType = String(headers["content-type"] ?? "");
  const isGrpc = /^application\/grpc($|[+;])/.test(contentType);
  if (httpStatus !== 200 || !isGrpc) {
    const errors: string[] = [];
    if (httpStatus !== 200) errors.push(`unexpected HTTP status code received from server: ${httpStatus} (${STATUS_CODES[httpStatus] ?? ""})`);
    if (!isGrpc) errors.push(contentType === "" ? "malformed header: missing HTTP content-type" : `transport: received unexpected content-type ${goQuote(contentType)}`);
    const code = httpStatus === 200 ? Code.Unknown : httpStatusCodes[httpStatus] ?? Code.Unknown;
    return new GrpcStatus(code, errors.join("; "));
  }
  // A trailers-only answer carries the status in its headers.
  const statusHeaders = trailers ?? headers;
  const rawStatus = statusHeaders["grpc-status"];
  if (rawStatus === undefined) return new GrpcStatus(Code.Internal, "server closed the stream without sending trailers");
  const code = Number(rawStatus);
  if (code !== 0) return new GrpcStatus(code, decodeGrpcMessage(String(statusHeaders["grpc-message"] ?? "")));

  const messages: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    if (body.length - at < 5) return new GrpcStatus(Code.Internal, "unexpected EOF");
    const flag = body[at]!;
    const length = body.readUInt32BE(at + 1);
    if (flag === 1) return new GrpcStatus(Code.Internal, "grpc: compressed flag set with identity or empty encoding");
    if (flag !== 0) return new GrpcStatus(Code.Internal, `grpc: received unexpected payload format ${flag}`);
    if (length > maxReceiveMessageBytes) {
      return new GrpcStatus(Code.ResourceExhausted, `grpc: received message larger than max (${length} vs. ${maxReceiveMessageBytes})`);
    }
    if (body.length - at - 5 < length) return new GrpcStatus(Code.Internal, "unexpected EOF");
    messages.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  if (messages.length === 0) return new GrpcStatus(Code.Internal, "cardinality violation: received no response message from non-server-streaming RPC");
  if (messages.length > 1) return new GrpcStatus(Code.Internal, "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message");
  try {
    return servingStatus(messages[0]!);
  } catch (error) {
    if (!(error instanceof ProtobufDecodeError)) throw error;
    // protobuf-go's text for bytes that are not a message.
    return new GrpcStatus(Code.Internal, "grpc: failed to unmarshal the received message: proto: cannot parse invalid wire-format data");
  }
}

/** HealthCheckResponse.status (field 1, an enum); other fields are skipped, the last value wins. */
function servingStatus(message: Uint8Array): number {
  const r = new WireReader(message);
  let status = 0;
  while (!r.done) {
    const tag = r.readTag();
    if (tag.fieldNumber === 1 && tag.wireType === WireType.Varint) status = Number(BigInt.asIntN(32, r.readVarint()));
    else r.skip(tag.wireType);
  }
  return status;
}

/** grpc-message is percent-encoded (gRPC over HTTP/2 spec); bad escapes are left as they are. */
function decodeGrpcMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** grpc-go's http2ErrConvTab for a stream reset by the server. */
function resetStatus(rstCode: number): GrpcStatus {
  const names = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"];
  const codes: Record<number, number> = { 3: Code.ResourceExhausted, 7: Code.Unavailable, 8: Code.Canceled, 11: Code.ResourceExhausted, 12: Code.PermissionDenied };
  return new GrpcStatus(codes[rstCode] ?? Code.Internal, `stream terminated by RST_STREAM with error code: ${names[rstCode] ?? rstCode}`);
}
