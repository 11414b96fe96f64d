/**
 * The CRI container log format and what the kubelet makes of it for `kubectl logs`
 * (upstream pkg/kubelet/kuberuntime/logs: parseCRILog, logWriter). Pure: bytes in, bytes out.
 *
 * The runtime (conmon's k8s-file driver) writes one line per chunk of output:
 *
 *   2026-11-25T00:28:29.123456789+00:00 stdout F hello world
 *   TIMESTAMP                           STREAM TAG CONTENT
 *
 * TAG `P` marks a partial line (the container wrote no newline yet, or a very long line
 * was split); `F` a full one, whose newline the content omits. Partial pieces are joined:
 * the timestamp prefix goes only before the first piece of a line, as the kubelet's
 * writer adds it (addPrefix), and the newline only after the `F` piece.
 */

export type LogStream = "stdout" | "stderr";

export interface CriLogMessage {
  /** Nanoseconds since the epoch. */
  time: bigint;
  /** The timestamp as the kubelet prints it (RFC 3339 with nine fraction digits, `Z` for UTC). */
  timestamp: string;
  stream: LogStream;
  partial: boolean;
  /** The content, with the newline restored for a full line. */
  log: Buffer;
}

const newline = Buffer.from("\n");

/** One line of the file (without its `\n`); undefined for a line that is not CRI format. */
export function parseCriLogLine(line: Buffer): CriLogMessage | undefined {
  const s1 = line.indexOf(0x20);
  if (s1 < 0) return undefined;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return undefined;
  const raw = line.subarray(0, s1).toString("latin1");
  const stream = line.subarray(s1 + 1, s2).toString("latin1");
  if (stream !== "stdout" && stream !== "stderr") return undefined;
  const time = parseTimestamp(raw);
  if (!time) return undefined;
  // The tag field may carry more flags after `P`/`F`, separated by `:` (CRI log tags).
  const s3 = line.indexOf(0x20, s2 + 1);
  const tagEnd = s3 < 0 ? line.length : s3;
  const tags = line.subarray(s2 + 1, tagEnd).toString("latin1").split(":");
  const partial = tags[0] === "P";
  const content = s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1);
  return { time: time.nanos, timestamp: time.formatted, stream, partial, log: partial ? content : Buffer.concat([content, newline]) };
}

const timestampPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 time with up to nanoseconds: its instant, and the text the kubelet writes for
 * it (Go's RFC3339NanoFixed of the parsed time: the file's own offset, `Z` when zero).
 */
export function parseTimestamp(raw: string): { nanos: bigint; formatted: string } | undefined {
  const m = timestampPattern.exec(raw);
  if (!m) return undefined;
  const [, wall, fraction = "", zone] = m;
  const ms = Date.parse(`${wall}${zone === "Z" ? "Z" : zone}`);
  if (Number.isNaN(ms)) return undefined;
  const digits = fraction.padEnd(9, "0");
  const offset = zone === "Z" || zone === "+00:00" || zone === "-00:00" ? "Z" : zone!;
  return { nanos: BigInt(ms) * 1_000_000n + BigInt(digits), formatted: `${wall}.${digits}${offset}` };
}

/** Nanoseconds since the epoch of a Date (the `since` bound of a request). */
export function dateToNanos(date: Date): bigint {
  return BigInt(date.getTime()) * 1_000_000n;
}

export interface LogWriterOptions {
  /** Messages older than this are skipped (sinceSeconds / sinceTime). */
  since?: bigint;
  /** Prefix each line with its timestamp and a space. */
  timestamps: boolean;
  /** Stop after this many bytes of output (cutting a line if need be). */
  limitBytes?: number;
}

/**
 * Turns messages into the bytes the client reads (the kubelet's logWriter): skips old ones,
 * prefixes timestamps at line starts, and stops at the byte limit.
 */
export class CriLogWriter {
  readonly #o: LogWriterOptions;
  #remaining: number;
  /** Whether the next message starts a line (the last one was not partial). */
  #atLineStart = true;

  constructor(options: LogWriterOptions) {
    this.#o = options;
    this.#remaining = options.limitBytes ?? Infinity;
  }

  /** True once the byte limit is reached: nothing more will be written. */
  get full(): boolean {
    return this.#remaining <= 0;
  }

  /** The output for one message (empty when skipped or once full). */
  write(msg: CriLogMessage): Buffer {
    if (this.full) return Buffer.alloc(0);
    if (this.#o.since !== undefined && msg.time < this.#o.since) return Buffer.alloc(0);
    let out = msg.log;
    if (this.#o.timestamps && this.#atLineStart) out = Buffer.concat([Buffer.from(`${msg.timestamp} `), out]);
    this.#atLineStart = !msg.partial;
    if (out.length > this.#remaining) out = out.subarray(0, this.#remaining);
    this.#remaining -= out.length;
    return out;
  }
}

/**
 * Where the last `lines` lines of `data` start, counting lines of the file as the kubelet
 * does (tail.FindTailLineStartIndex): a trailing newline ends the last line, it does not
 * start an empty one. `data` is the file's end; `atFileStart` says whether it is also its
 * beginning. Returns undefined when `data` holds fewer lines than asked and does not reach
 * the file's start (read further back).
 */
export function tailStart(data: Buffer, lines: number, atFileStart: boolean): number | undefined {
  if (lines <= 0) return data.length;
  let i = data.length - 1;
  if (i >= 0 && data[i] === 0x0a) i--;
  let count = 0;
  for (; i >= 0; i--) {
    if (data[i] === 0x0a && ++count === lines) return i + 1;
  }
  return atFileStart ? 0 : undefined;
}

/** Splits complete lines off a buffer; the incomplete rest is kept for the next chunk. */
export class LineSplitter {
  #rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    const data = this.#rest.length > 0 ? Buffer.concat([this.#rest, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    this.#rest = Buffer.from(data.subarray(start));
    return lines;
  }

  /** What is left that did not end with a newline. */
  get rest(): Buffer {
    return this.#rest;
  }
}
