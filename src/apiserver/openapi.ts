/**
 * Serves the OpenAPI documents (kubectl-protocol.md §3):
 *  - v3: the index at /openapi/v3 and one document per group-version, addressed by content
 *    hash like upstream's kube-openapi handler (a matching hash is immutable and
 *    cacheable; a stale one redirects);
 *  - v2: one document at /openapi/v2, as JSON or as gnostic protobuf (the only form
 *    kubectl asks for), with the ETag of the JSON form for both, as kube-openapi's
 *    pkg/handler does.
 * Documents are built on first request, keeping them out of start-up.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Schema } from "../api/index.js";
import {
  NotFoundPathError, buildOpenApiV2, buildOpenApiV3, buildOpenApiV3Index, encodeOpenApiV2Protobuf, openApiV3Key,
  type OpenApiResource, type OpenApiV3Document,
} from "../api/index.js";
import { groupVersionString, groupVersions, resourceTypes } from "./resources/resource-types.js";

interface Built {
  readonly body: string;
  readonly hash: string;
}

interface BuiltV2 {
  readonly json: Buffer;
  readonly protobuf: Buffer;
  readonly etag: string;
  readonly lastModified: string;
}

type V2Form = "json" | "protobuf";

const protobufV2ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/**
 * The media types /openapi/v2 answers, in kube-openapi's order of preference: JSON, and
 * the protobuf form under its deprecated name (the one client-go sends) and its current one.
 */
const v2MediaTypes: ReadonlyArray<{ readonly type: string; readonly subtype: string; readonly form: V2Form }> = [
  { type: "application", subtype: "json", form: "json" },
  { type: "application", subtype: "com.github.proto-openapi.spec.v2@v1.0+protobuf", form: "protobuf" },
  { type: "application", subtype: "com.github.proto-openapi.spec.v2.v1.0+protobuf", form: "protobuf" },
];

/**
 * The form an Accept header asks for: clauses by falling quality, exact types before
 * wildcards (goautoneg's order, which upstream uses); undefined when none is served.
 */
export function negotiateOpenApiV2(accept: string | undefined): V2Form | undefined {
  const clauses = (accept?.trim() ? accept : "*/*").split(",").map((clause, index) => {
    const [range = "", ...params] = clause.split(";").map((p) => p.trim());
    const [type = "", subtype = ""] = range.toLowerCase().split("/");
    const qParam = params.find((p) => p.toLowerCase().startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return { type, subtype, q: Number.isNaN(q) ? 0 : q, index };
  }).filter((c) => c.q > 0);
  const wildcards = (c: { type: string; subtype: string }): number => (c.type === "*" ? 2 : c.subtype === "*" ? 1 : 0);
  clauses.sort((a, b) => b.q - a.q || wildcards(a) - wildcards(b) || a.index - b.index);
  for (const c of clauses) {
    const match = v2MediaTypes.find((m) => (c.type === "*" || c.type === m.type) && (c.subtype === "*" || c.subtype === m.subtype));
    if (match) return match.form;
  }
  return undefined;
}

export class OpenApiService {
  private documents: Map<string, Built> | undefined;
  private index: string | undefined;
  private v2: BuiltV2 | undefined;

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

  /** GET /openapi/v2: the whole API as one Swagger 2.0 document, JSON or protobuf by Accept. */
  serveV2(req: IncomingMessage, res: ServerResponse): void {
    const form = negotiateOpenApiV2(req.headers.accept);
    if (!form) {
      // kube-openapi answers an unservable Accept with a bare 406.
      res.writeHead(406, { Vary: "Accept" });
      res.end();
      return;
    }
    const doc = this.buildV2();
    const body = form === "json" ? doc.json : doc.protobuf;
    const headers = {
      "Content-Type": form === "json" ? "application/json" : protobufV2ContentType,
      ETag: doc.etag,
      "Last-Modified": doc.lastModified,
      Vary: "Accept",
    };
    if (req.headers["if-none-match"] === doc.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, "Content-Length": String(body.length) });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  private buildV2(): BuiltV2 {
    if (this.v2) return this.v2;
    const document = buildOpenApiV2([...this.v3Documents().values()]);
    const json = Buffer.from(JSON.stringify(document));
    this.v2 = {
      json,
      protobuf: Buffer.from(encodeOpenApiV2Protobuf(document)),
      etag: `"${createHash("sha512").update(json).digest("hex").toUpperCase()}"`,
      lastModified: new Date().toUTCString(),
    };
    return this.v2;
  }

  /** The v3 document of each served group-version, by its index key. */
  private v3Documents(): Map<string, OpenApiV3Document> {
    const docs = new Map<string, OpenApiV3Document>();
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
          subresources: r.subresources.map((s) => ({
            name: s.name, group: s.group, version: s.version, kind: s.kind,
            // A connect subresource's discovery verbs are HTTP methods, not object operations.
            verbs: s.connect ? ["connect"] : [...s.verbs],
          })),
        }));
      docs.set(openApiV3Key(groupVersionString(gv)), buildOpenApiV3(groupVersionString(gv), resources, this.schema));
    }
    return docs;
  }

  private build(): Map<string, Built> {
    if (this.documents) return this.documents;
    const docs = new Map<string, Built>();
    for (const [key, doc] of this.v3Documents()) {
      const body = JSON.stringify(doc);
      docs.set(key, { body, hash: createHash("sha512").update(body).digest("hex").toUpperCase() });
    }
    this.index = JSON.stringify(buildOpenApiV3Index(groupVersions.map(groupVersionString), (key) => docs.get(key)!.hash));
    this.documents = docs;
    return docs;
  }
}
