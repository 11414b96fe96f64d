/** Port-forward stream headers, table-driven against the kubelet's checks and error texts. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { portForwardStreamInfo } from "./stream-headers.js";

const cases: ReadonlyArray<{ name: string; id?: number; headers: Record<string, string>; want: object }> = [
  { name: "kubectl's error stream", headers: { streamtype: "error", port: "80", requestid: "0" }, want: { streamType: "error", port: 80, requestId: "0" } },
  { name: "kubectl's data stream", headers: { streamtype: "data", port: "65535", requestid: "12" }, want: { streamType: "data", port: 65535, requestId: "12" } },
  { name: "an error stream without request id (old client)", id: 5, headers: { streamtype: "error", port: "80" }, want: { streamType: "error", port: 80, requestId: "5" } },
  { name: "a data stream without request id (old client)", id: 7, headers: { streamtype: "data", port: "80" }, want: { streamType: "data", port: 80, requestId: "5" } },
  { name: "no port", headers: { streamtype: "data" }, want: { error: `"port" header is required` } },
  { name: "a port that is not a number", headers: { streamtype: "data", port: "http" }, want: { error: `unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax` } },
  { name: "a negative port", headers: { streamtype: "data", port: "-1" }, want: { error: `unable to parse "-1" as a port: strconv.ParseUint: parsing "-1": invalid syntax` } },
  { name: "a port over 65535", headers: { streamtype: "data", port: "65536" }, want: { error: `unable to parse "65536" as a port: strconv.ParseUint: parsing "65536": value out of range` } },
  { name: "port 0", headers: { streamtype: "data", port: "0" }, want: { error: `port "0" must be > 0` } },
  { name: "no stream type", headers: { port: "80" }, want: { error: `"streamType" header is required` } },
  { name: "an unknown stream type", headers: { streamtype: "stdin", port: "80" }, want: { error: `invalid stream type "stdin"` } },
];

for (const { name, id = 1, headers, want } of cases) {
  test(`port-forward stream headers: ${name}`, () => {
    assert.deepEqual(portForwardStreamInfo({ id, headers: new Map(Object.entries(headers)) }), want);
  });
}
