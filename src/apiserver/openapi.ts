/**
 * Serves the OpenAPI v3 documents (kubectl-protocol.md §3): the index at /openapi/v3
 * and one document per group-version, addressed by content hash like upstream's
 * kube-openapi handler (a matching hash is immutable and cacheable; a stale one
 * redirects). Documents are built on first request, keeping them out of start-up.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Schema } from "../api/index.js";
import { NotFoundPathError, buildOpenApiV3, buildOpenApiV3Index, openApiV3Key, type OpenApiResource } from "../api/index.js";
import { groupVersionString, groupVersions, resourceTypes } from "./resources/resource-types.js";

interface Built {
  readonly body: string;
  readonly hash: string;
}

export class OpenApiService {
  private documents: Map<string, Built> | undefined;
  private index: string | undefined;

  constructor(private readonly schema: Schema) {}

  serve(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    const docs = this.build();
    if (path === "/openapi/v3" || path === "/openapi/v3/") {
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
      res.end(this.index);
      return;
    }
    const key = path.slice("/openapi/v3/".length);
    const doc = docs.get(key);
    if (!doc) throw new NotFoundPathError();
    const hash = query.get("hash");
    if (hash !== null && hash !== doc.hash) {
      res.writeHead(301, { Location: `/openapi/v3/${key}?hash=${doc.hash}`, "Cache-Control": "no-cache, private" });
      res.end();
      return;
    }
    const headers: Record<string, string> = { "Content-Type": "application/json", ETag: `"${doc.hash}"`, Vary: "Accept" };
    if (hash !== null) {
      headers["Cache-Control"] = "public, immutable";
      headers["Expires"] = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    } else {
      headers["Cache-Control"] = "no-cache, private";
    }
    if (req.headers["if-none-match"] === headers["ETag"]) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, headers);
    res.end(doc.body);
  }

  private build(): Map<string, Built> {
    if (this.documents) return this.documents;
    const docs = new Map<string, Built>();
    for (const gv of groupVersions) {
      const resources: OpenApiResource[] = resourceTypes
        .filter((r) => r.group === gv.group && r.version === gv.version)
        .map((r) => ({
          group: r.group,
          version: r.version,
          kind: r.kind,
          plural: r.plural,
          namespaced: r.namespaced,
          verbs: [...r.verbs],
          subresources: r.subresources.map((s) => ({ name: s.name, group: s.group, version: s.version, kind: s.kind, verbs: [...s.verbs] })),
        }));
      const body = JSON.stringify(buildOpenApiV3(groupVersionString(gv), resources, this.schema));
      docs.set(openApiV3Key(groupVersionString(gv)), { body, hash: createHash("sha512").update(body).digest("hex").toUpperCase() });
    }
    this.index = JSON.stringify(buildOpenApiV3Index(groupVersions.map(groupVersionString), (key) => docs.get(key)!.hash));
    this.documents = docs;
    return docs;
  }
}
