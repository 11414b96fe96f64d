/**
 * WATCH as a chunked stream of newline-delimited JSON events (kubectl-protocol.md §4.8).
 * Errors after the stream started (410 Expired, a watcher that fell behind) travel as an
 * ERROR event carrying a Status, then the stream ends, as the upstream watch cache does.
 * With a Table Accept every event object is a one-row Table and only the first one
 * carries the column definitions.
 */
import { once } from "node:events";
import type { RequestContext } from "../request-context.js";
import { tableContentType, wantsTable } from "../negotiation.js";
import { bookmarkObject, watchObjects, type ApiWatchEvent } from "../registry/watch.js";
import { parseRevision } from "../registry/list.js";
import { buildFilter } from "../selection.js";
import { toTable } from "../table-output.js";
import { toStatusError } from "../responses.js";
import { BadRequestError } from "../../api/index.js";
import { WatcherTooSlowError } from "../../store/index.js";

/** Upstream bookmarks roughly once a minute. */
const bookmarkIntervalMs = 60_000;
/** Without timeoutSeconds upstream ends a watch after a random 30-60 minutes. */
const defaultTimeoutSeconds = (): number => 1800 * (1 + Math.random());

/** Watch event objects are shared between watchers: each is serialised once. */
const serialized = new WeakMap<object, string>();

function jsonOf(obj: object): string {
  let text = serialized.get(obj);
  if (text === undefined) serialized.set(obj, (text = JSON.stringify(obj)));
  return text;
}

export async function handleWatch(ctx: RequestContext): Promise<void> {
  const { entry, query, res } = ctx;
  const timeoutText = query.get("timeoutSeconds");
  if (timeoutText !== null && !/^\d+$/.test(timeoutText)) {
    throw new BadRequestError(`timeoutSeconds: Invalid value: ${JSON.stringify(timeoutText)}`);
  }
  const timeoutSeconds = timeoutText ? Number(timeoutText) : defaultTimeoutSeconds();
  const rv = query.get("resourceVersion");
  if (rv && rv !== "0") parseRevision(rv);
  const table = wantsTable(ctx.req.headers.accept);
  const bookmarks = query.get("allowWatchBookmarks") === "true";
  const controller = new AbortController();
  let lastRevision = 0;
  const stop = (): void => controller.abort();
  ctx.signal.addEventListener("abort", stop, { once: true });
  const timer = setTimeout(stop, timeoutSeconds * 1000);
  const events = watchObjects(entry.registry, ctx.info.namespace, {
    filter: buildFilter(entry, query),
    ...(query.get("resourceVersion") !== null ? { resourceVersion: query.get("resourceVersion")! } : {}),
    ...(query.get("sendInitialEvents") === "true" ? { sendInitialEvents: true } : {}),
    signal: controller.signal,
    onProgress: (revision) => {
      lastRevision = revision;
    },
  });
  // Upstream answers 200 first and reports an expired revision as an ERROR event.
  res.writeHead(200, {
    "Content-Type": table ? tableContentType : "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  res.flushHeaders();
  let sentColumns = false;
  const write = async (ev: { type: string; object: object }): Promise<void> => {
    if (!res.write(`{"type":"${ev.type}","object":${jsonOf(ev.object)}}\n`)) await once(res, "drain", { signal: controller.signal });
  };
  const encode = (ev: ApiWatchEvent): { type: string; object: object } => {
    if (!table || ev.type === "BOOKMARK") return ev;
    const t = toTable(entry, [ev.object], query, { resourceVersion: ev.object.metadata.resourceVersion ?? "" }, sentColumns);
    sentColumns = true;
    return { type: ev.type, object: t };
  };
  const bookmarkTimer = bookmarks
    ? setInterval(() => {
        if (lastRevision > 0) void write({ type: "BOOKMARK", object: bookmarkObject(entry.registry, lastRevision) }).catch(() => {});
      }, bookmarkIntervalMs)
    : undefined;
  try {
    for await (const ev of events) {
      if (ev.type === "BOOKMARK" && !bookmarks && !ev.object.metadata.annotations) continue;
      await write(encode(ev));
    }
  } catch (e) {
    if (!controller.signal.aborted) {
      const err = e instanceof WatcherTooSlowError ? undefined : toStatusError(e);
      if (err) await write({ type: "ERROR", object: err.toStatus() }).catch(() => {});
    }
  } finally {
    clearTimeout(timer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    ctx.signal.removeEventListener("abort", stop);
    if (bookmarks && !ctx.signal.aborted && lastRevision > 0) {
      await write({ type: "BOOKMARK", object: bookmarkObject(entry.registry, lastRevision) }).catch(() => {});
    }
    res.end();
  }
}
