/**
 * A WATCH response as an async iterable of events: newline-delimited JSON decoded as the
 * chunks arrive (kubectl-protocol.md §4.8). An ERROR event carries a Status and ends the
 * stream; it is thrown from the iterator as an ApiError (410 Expired: the caller relists).
 * close() ends the iteration quietly, also while it waits for the next chunk.
 */
import type { IncomingMessage } from "node:http";
import { StringDecoder } from "node:string_decoder";
import type { KubeObject } from "../api/index.js";
import { ApiError, parseStatus } from "./api-error.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface WatchEvent<T extends KubeObject = KubeObject> {
  readonly type: WatchEventType;
  /** For BOOKMARK only `metadata.resourceVersion` (and annotations) are meaningful. */
  readonly object: T;
}

export class WatchStream<T extends KubeObject = KubeObject> implements AsyncIterable<WatchEvent<T>> {
  private readonly abort = new AbortController();
  private readonly response: Promise<IncomingMessage>;
  private closed = false;

  /** `open` starts the request at once; its result is consumed by the first iteration. */
  constructor(open: (signal: AbortSignal) => Promise<IncomingMessage>) {
    this.response = open(this.abort.signal);
    // Failures surface from the iterator; an unobserved one must not crash the process.
    this.response.catch(() => {});
  }

  /** Ends the watch: the iterator returns without an error. Safe to call more than once. */
  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    let res: IncomingMessage;
    try {
      res = await this.response;
    } catch (e) {
      if (this.closed) return;
      throw e;
    }
    const decoder = new StringDecoder("utf8");
    let buffered = "";
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffered += decoder.write(chunk);
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim()) yield decodeEvent<T>(line);
        }
      }
      buffered += decoder.end();
      if (buffered.trim()) yield decodeEvent<T>(buffered);
    } catch (e) {
      if (this.closed) return;
      throw e;
    } finally {
      // A stream the server ended leaves its connection to the keep-alive pool.
      if (!res.complete) res.destroy();
    }
  }
}

function decodeEvent<T extends KubeObject>(line: string): WatchEvent<T> {
  const ev = JSON.parse(line) as { type: string; object: unknown };
  if (ev.type === "ERROR") {
    const status = parseStatus(ev.object);
    throw status ? new ApiError(status) : ApiError.fromResponse(500, JSON.stringify(ev.object));
  }
  if (ev.type !== "ADDED" && ev.type !== "MODIFIED" && ev.type !== "DELETED" && ev.type !== "BOOKMARK") {
    throw new Error(`unknown watch event type ${JSON.stringify(ev.type)}`);
  }
  return ev as WatchEvent<T>;
}
