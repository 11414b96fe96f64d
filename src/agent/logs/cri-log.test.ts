import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CriLogWriter, LineSplitter, parseCriLogLine, parseTimestamp, tailStart, type CriLogMessage, type LogWriterOptions } from "./cri-log.js";

const line = (s: string) => Buffer.from(s);
const ns = (iso: string, nanos = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + nanos;

describe("parseTimestamp: RFC 3339 with up to nanoseconds, printed as the kubelet does", () => {
  const cases: { raw: string; nanos?: bigint; formatted?: string }[] = [
    { raw: "2026-11-25T00:28:29.123456789+00:00", nanos: ns("2026-11-25T00:28:29.123Z", 456789n), formatted: "2026-11-25T00:28:29.123456789Z" },
    { raw: "2026-11-25T00:28:29.123456789Z", nanos: ns("2026-11-25T00:28:29.123Z", 456789n), formatted: "2026-11-25T00:28:29.123456789Z" },
    { raw: "2026-11-25T01:28:29.5+01:00", nanos: ns("2026-11-25T00:28:29.500Z"), formatted: "2026-11-25T01:28:29.500000000+01:00" },
    { raw: "2026-11-25T00:28:29Z", nanos: ns("2026-11-25T00:28:29Z"), formatted: "2026-11-25T00:28:29.000000000Z" },
    { raw: "2026-11-25 00:28:29Z" },
    { raw: "yesterday" },
  ];
  for (const c of cases) {
    test(c.raw, () => {
      const t = parseTimestamp(c.raw);
      if (c.nanos === undefined) return assert.equal(t, undefined);
      assert.equal(t?.nanos, c.nanos);
      assert.equal(t?.formatted, c.formatted);
    });
  }
});

describe("parseCriLogLine", () => {
  const cases: { name: string; line: string; want?: Partial<Omit<CriLogMessage, "log">> & { log: string } }[] = [
    { name: "full stdout line", line: "2026-11-25T00:00:01.000000001+00:00 stdout F hello world", want: { stream: "stdout", partial: false, log: "hello world\n", time: ns("2026-11-25T00:00:01Z", 1n) } },
    { name: "partial stderr piece keeps no newline", line: "2026-11-25T00:00:01.000000000+00:00 stderr P part", want: { stream: "stderr", partial: true, log: "part" } },
    { name: "empty full line", line: "2026-11-25T00:00:01.000000000+00:00 stdout F ", want: { partial: false, log: "\n" } },
    { name: "tag without content", line: "2026-11-25T00:00:01.000000000+00:00 stdout F", want: { partial: false, log: "\n" } },
    { name: "content with spaces kept as written", line: "2026-11-25T00:00:01.000000000+00:00 stdout F  a  b ", want: { log: " a  b \n" } },
    { name: "tag with extra flags", line: "2026-11-25T00:00:01.000000000+00:00 stdout P:x tail", want: { partial: true, log: "tail" } },
    { name: "unknown stream", line: "2026-11-25T00:00:01.000000000+00:00 stdin F x" },
    { name: "no timestamp", line: "hello world" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const m = parseCriLogLine(line(c.line));
      if (!c.want) return assert.equal(m, undefined);
      assert.ok(m);
      const { log, ...rest } = c.want;
      assert.equal(m.log.toString(), log);
      for (const [k, v] of Object.entries(rest)) assert.equal(m[k as keyof CriLogMessage], v, k);
    });
  }
});

describe("CriLogWriter: since, timestamps at line starts, limitBytes", () => {
  const file = [
    "2026-11-25T00:00:01.000000000+00:00 stdout F one",
    "2026-11-25T00:00:02.000000000+00:00 stdout P tw",
    "2026-11-25T00:00:02.500000000+00:00 stdout F o",
    "2026-11-25T00:00:03.000000000+00:00 stderr F three",
  ].map((l) => parseCriLogLine(line(l))!);
  const run = (o: LogWriterOptions) => {
    const w = new CriLogWriter(o);
    return Buffer.concat(file.map((m) => w.write(m))).toString();
  };
  const cases: { name: string; options: LogWriterOptions; want: string }[] = [
    { name: "plain: partial pieces joined", options: { timestamps: false }, want: "one\ntwo\nthree\n" },
    {
      name: "timestamps only before a line's first piece",
      options: { timestamps: true },
      want: "2026-11-25T00:00:01.000000000Z one\n2026-11-25T00:00:02.000000000Z two\n2026-11-25T00:00:03.000000000Z three\n",
    },
    { name: "since skips older messages", options: { timestamps: false, since: ns("2026-11-25T00:00:02.100Z") }, want: "o\nthree\n" },
    { name: "since equal to a message keeps it", options: { timestamps: false, since: ns("2026-11-25T00:00:03Z") }, want: "three\n" },
    { name: "limitBytes cuts mid-line", options: { timestamps: false, limitBytes: 6 }, want: "one\ntw" },
    { name: "limitBytes counts the timestamp", options: { timestamps: true, limitBytes: 33 }, want: "2026-11-25T00:00:01.000000000Z on" },
  ];
  for (const c of cases) test(c.name, () => assert.equal(run(c.options), c.want));

  test("full after the limit: nothing more is written", () => {
    const w = new CriLogWriter({ timestamps: false, limitBytes: 2 });
    assert.equal(w.write(file[0]!).toString(), "on");
    assert.equal(w.full, true);
    assert.equal(w.write(file[3]!).length, 0);
  });
});

describe("tailStart counts file lines from the end", () => {
  const data = Buffer.from("a\nb\nc\n");
  const cases: { name: string; data: Buffer; lines: number; atStart: boolean; want: number | undefined }[] = [
    { name: "zero lines: nothing", data, lines: 0, atStart: true, want: 6 },
    { name: "last line", data, lines: 1, atStart: true, want: 4 },
    { name: "last two", data, lines: 2, atStart: true, want: 2 },
    { name: "exactly all", data, lines: 3, atStart: true, want: 0 },
    { name: "more than there are", data, lines: 10, atStart: true, want: 0 },
    { name: "more than this chunk holds: read further back", data, lines: 10, atStart: false, want: undefined },
    { name: "no trailing newline", data: Buffer.from("a\nb\nc"), lines: 1, atStart: true, want: 4 },
    { name: "empty file", data: Buffer.alloc(0), lines: 5, atStart: true, want: 0 },
  ];
  for (const c of cases) test(c.name, () => assert.equal(tailStart(c.data, c.lines, c.atStart), c.want));
});

test("LineSplitter keeps an incomplete line for the next chunk", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(Buffer.from("ab\ncd")).map(String), ["ab"]);
  assert.deepEqual(s.push(Buffer.from("e\n\nf")).map(String), ["cde", ""]);
  assert.equal(s.rest.toString(), "f");
});
