import assert from "node:assert/strict";
import { createServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { WireReader } from "../../api/index.js";
import { grpcProbe } from "./probe-grpc.js";

const host = "127.0.0.1";

/** A gRPC message frame: flag 0, big-endian length, payload. */
function frame(payload: number[]): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(payload.length, 1);
  return Buffer.concat([prefix, Buffer.from(payload)]);
}

/** HealthCheckRequest.service from a request body, read the way a server would. */
function requestedService(body: Buffer): string {
  assert.equal(body[0], 0, "uncompressed");
  assert.equal(body.readUInt32BE(1), body.length - 5);
  const r = new WireReader(body.subarray(5));
  let service = "";
  while (!r.done) {
    const tag = r.readTag();
    if (tag.fieldNumber === 1) service = Buffer.from(r.readLengthDelimited()).toString("utf8");
    else r.skip(tag.wireType);
  }
  return service;
}

function reply(stream: ServerHttp2Stream, payload: Buffer, status = "0", message?: string): void {
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": status, ...(message ? { "grpc-message": message } : {}) }));
  stream.end(payload);
}

/** A health service written against the wire, with a few ways of answering badly. */
function healthServer(seen: IncomingHttpHeaders[]): Http2Server {
  const server = createServer();
  server.on("stream", (stream, headers) => {
    seen.push(headers);
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      if (headers[":path"] !== "/grpc.health.v1.Health/Check") {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12", "grpc-message": "unknown service" }, { endStream: true });
        return;
      }
      switch (requestedService(Buffer.concat(chunks))) {
        case "":
          return reply(stream, frame([0x08, 0x01])); // SERVING
        case "down":
          return reply(stream, frame([0x08, 0x02])); // NOT_SERVING
        case "future":
          return reply(stream, frame([0x08, 0x07, 0x12, 0x01, 0x61])); // an unknown value and an unknown field
        case "missing":
          return reply(stream, Buffer.alloc(0), "5", "unknown%20service");
        case "malformed":
          return reply(stream, frame([0x08, 0xff])); // a varint that never ends
        case "short-frame":
          return reply(stream, frame([0x08, 0x01]).subarray(0, 4));
        case "unimplemented":
          return stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12", "grpc-message": "unknown service grpc.health.v1.Health" }, { endStream: true });
        case "not-grpc":
          stream.respond({ ":status": 404, "content-type": "text/plain" });
          return stream.end("no");
        case "slow":
          return; // never answers
      }
    });
  });
  return server;
}

describe("grpc probe against a real HTTP/2 server", () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = healthServer(seen);
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const cases: { service: string; result: string; output: (port: number) => string }[] = [
    { service: "", result: "success", output: () => "service healthy" },
    { service: "down", result: "failure", output: () => `service unhealthy (responded with "NOT_SERVING")` },
    { service: "future", result: "failure", output: () => `service unhealthy (responded with "7")` },
    { service: "missing", result: "failure", output: () => "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service" },
    { service: "malformed", result: "failure", output: () => "error: health rpc probe failed: rpc error: code = Internal desc = grpc: failed to unmarshal the received message: proto: cannot parse invalid wire-format data" },
    { service: "short-frame", result: "failure", output: () => "error: health rpc probe failed: rpc error: code = Internal desc = unexpected EOF" },
    { service: "unimplemented", result: "failure", output: () => "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health" },
    { service: "not-grpc", result: "failure", output: () => `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unexpected HTTP status code received from server: 404 (Not Found); transport: received unexpected content-type "text/plain"` },
    { service: "slow", result: "failure", output: () => "timeout: health rpc did not complete within 1s" },
  ];
  for (const c of cases) {
    test(`service ${JSON.stringify(c.service)}: ${c.result}`, async () => {
      assert.deepEqual(await grpcProbe(host, port, c.service, 1), { result: c.result, output: c.output(port) });
    });
  }

  test("the request is a gRPC call as grpc-go makes it", async () => {
    seen.length = 0;
    await grpcProbe(host, port, "", 1);
    const h = seen[0]!;
    assert.equal(h[":method"], "POST");
    assert.equal(h[":path"], "/grpc.health.v1.Health/Check");
    assert.equal(h["content-type"], "application/grpc");
    assert.equal(h["te"], "trailers");
    assert.match(String(h["user-agent"]), /^kube-probe\/1\.32 grpc-go\//);
    assert.match(String(h["grpc-timeout"]), /^\d+m$/);
  });
});

test("grpc probe: nothing listening ends as a connect timeout after the whole timeout", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const started = Date.now();
  assert.deepEqual(await grpcProbe(host, port, "", 1), {
    result: "failure",
    output: `timeout: failed to connect service "127.0.0.1:${port}" within 1s: context deadline exceeded`,
  });
  assert.ok(Date.now() - started >= 950);
});
