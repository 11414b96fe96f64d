/**
 * GET /containerLogs/{namespace}/{pod}/{container}: a container's log, as the kubelet serves
 * it to the API server for pods/log. Query: follow, previous, sinceSeconds, sinceTime,
 * timestamps, tailLines, limitBytes (PodLogOptions). The body is text/plain, written as it
 * is read; with follow it stays open until the container stops or the client goes.
 */
import type { ServerResponse } from "node:http";
import { BadRequestError } from "../../api/index.js";
import type { Clock } from "../../base/index.js";
import { isRuntimeError, type RuntimeService } from "../../runtime/index.js";
import { dateToNanos, parseTimestamp } from "../logs/cri-log.js";
import { readContainerLog, type ReadLogOptions } from "../logs/read-container-log.js";
import type { NodeServer } from "./node-server.js";
import type { PodLookup } from "./pod-lookup.js";

export interface ContainerLogsDeps {
  lookup: PodLookup;
  runtime: Pick<RuntimeService, "containerStatus">;
  clock: Clock;
}

export function registerContainerLogs(server: NodeServer, deps: ContainerLogsDeps): void {
  server.route("/containerLogs/:namespace/:pod/:container", async (req, res, params) => {
    if (req.method !== "GET" && req.method !== "HEAD") throw new BadRequestError(`method ${String(req.method)} is not allowed for container logs`);
    const query = new URL(req.url ?? "/", "https://node").searchParams;
    const options = podLogOptions(query, deps.clock.now());
    const resolved = await deps.lookup.resolveContainer({
      namespace: params.namespace!, pod: params.pod!, container: params.container!, previous: query.get("previous") === "true",
    });
    const id = resolved.status.id;
    res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private", "X-Content-Type-Options": "nosniff" });
    res.flushHeaders();
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    await readContainerLog(resolved.status.logPath, options, (chunk) => writeChunk(res, chunk, gone.signal), {
      signal: gone.signal,
      isRunning: async () => {
        try {
          return (await deps.runtime.containerStatus(id)).state === "CONTAINER_RUNNING";
        } catch (e) {
          if (isRuntimeError(e, "NotFound")) return false;
          throw e;
        }
      },
    });
    res.end();
  });
}

/** The query as the kubelet reads it into PodLogOptions; `since` relative to now. */
export function podLogOptions(query: URLSearchParams, now: Date): ReadLogOptions {
  const integer = (name: string, min: number): number | undefined => {
    const text = query.get(name);
    if (text === null || text === "") return undefined;
    const n = Number(text);
    if (!Number.isInteger(n)) throw new BadRequestError(`${name}: invalid value ${JSON.stringify(text)}`);
    if (n < min) throw new BadRequestError(`${name}: Invalid value: ${n}: must be greater than or equal to ${min}`);
    return n;
  };
  const options: ReadLogOptions = { follow: query.get("follow") === "true", timestamps: query.get("timestamps") === "true" };
  const tailLines = integer("tailLines", 0);
  if (tailLines !== undefined) options.tailLines = tailLines;
  const limitBytes = integer("limitBytes", 1);
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  const sinceSeconds = integer("sinceSeconds", 1);
  const sinceTime = query.get("sinceTime");
  if (sinceSeconds !== undefined && sinceTime) throw new BadRequestError("at most one of `sinceTime` or `sinceSeconds` may be specified");
  if (sinceSeconds !== undefined) options.since = dateToNanos(now) - BigInt(sinceSeconds) * 1_000_000_000n;
  if (sinceTime) {
    const t = parseTimestamp(sinceTime);
    if (!t) throw new BadRequestError(`sinceTime: invalid value ${JSON.stringify(sinceTime)}`);
    options.since = t.nanos;
  }
  return options;
}

function writeChunk(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  if (signal.aborted || res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    signal.addEventListener("abort", done);
  });
}
