/**
 * The resize stream: the client writes one JSON object per terminal size change,
 * `{"Width":100,"Height":30}` followed by a newline from kubectl (client-go
 * `remotecommand/resize.go`). Upstream reads it with a Go json.Decoder, which accepts values
 * back to back with or without whitespace and matches field names case-insensitively; this
 * decoder does the same for the flat objects that appear here. A malformed value ends the
 * stream, as a decoder error ends upstream's loop.
 */
import type { Readable } from "node:stream";

export interface TerminalSize {
  readonly width: number;
  readonly height: number;
}

export async function* terminalSizes(stream: Readable): AsyncIterable<TerminalSize> {
  const splitter = new JsonValueSplitter();
  for await (const chunk of stream) {
    for (const text of splitter.push(String(chunk))) {
      const size = parseTerminalSize(text);
      if (!size) return;
      yield size;
    }
  }
}

/** One JSON object's text → a size; undefined if it is not an object of numbers. */
export function parseTerminalSize(text: string): TerminalSize | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const field = (name: string): number | undefined => {
    const entry = Object.entries(value).find(([key]) => key.toLowerCase() === name);
    if (entry === undefined) return 0; // a missing field decodes as the zero value in Go
    const n = entry[1];
    return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffff ? n : undefined;
  };
  const width = field("width");
  const height = field("height");
  if (width === undefined || height === undefined) return undefined;
  return { width, height };
}

/**
 * Cuts a character stream into top-level JSON object texts by counting braces outside strings.
 * Text between objects that is not whitespace is returned as-is so the parser rejects it.
 */
export class JsonValueSplitter {
  private buffered = "";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scanned = 0;

  push(text: string): string[] {
    this.buffered += text;
    const values: string[] = [];
    for (; this.scanned < this.buffered.length; this.scanned++) {
      const c = this.buffered[this.scanned]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === "\\") this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === "{") this.depth++;
      else if (c === "}") this.depth--;
      else if (this.depth === 0 && !/\s/.test(c)) {
        values.push(this.take(this.scanned + 1)); // not an object: hand it over to be rejected
        continue;
      }
      if (this.depth === 0 && c === "}") values.push(this.take(this.scanned + 1));
    }
    return values;
  }

  private take(end: number): string {
    const value = this.buffered.slice(0, end).trim();
    this.buffered = this.buffered.slice(end);
    this.scanned = -1; // the loop's increment brings it to 0
    return value;
  }
}
