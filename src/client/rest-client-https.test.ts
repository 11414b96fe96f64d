/**
 * ApiClient over HTTPS against a real `peapod server` process: the kubeconfig it writes
 * (CA, client certificate) is all the client needs; a wrong credential is refused 401.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { cleanupFor } from "../../test/harness/cleanup.js";
import { startPeapod } from "../../test/harness/peapod.js";
import { ApiClient, ApiError, namespacesResource, readKubeconfig } from "./index.js";

test("a client from the server's kubeconfig speaks HTTPS with its client certificate", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const server = await startPeapod(cleanup);
  const client = await ApiClient.fromKubeconfig(server.kubeconfig);
  cleanup.add("close the client", () => client.close());
  assert.equal(client.server, server.url.replace(/\/$/, ""));
  const namespaces = await client.resource(namespacesResource).list(undefined);
  assert.ok(namespaces.items.some((ns) => ns.metadata.name === "default"), JSON.stringify(namespaces.items.map((n) => n.metadata.name)));

  const types: string[] = [];
  const watch = client.resource(namespacesResource).watch(undefined, { resourceVersion: namespaces.metadata.resourceVersion!, timeoutSeconds: 1, allowWatchBookmarks: true });
  for await (const ev of watch) types.push(ev.type);
  assert.deepEqual(types, ["BOOKMARK"], "a watch streams over HTTPS until the server's timeout");

  const config = await readKubeconfig(server.kubeconfig);
  assert.ok("clientCert" in config.auth);
  assert.match(config.ca, /BEGIN CERTIFICATE/);
  const stranger = new ApiClient({ server: config.server, ca: config.ca, auth: { bearerToken: "not-a-token" } });
  cleanup.add("close the stranger", () => stranger.close());
  try {
    await stranger.resource(namespacesResource).list(undefined);
    assert.fail("an unknown token must be refused");
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.code, 401);
    assert.equal(e.reason, "Unauthorized");
  }
  assert.match(await readFile(server.kubeconfig, "utf8"), /client-certificate-data/);
});
