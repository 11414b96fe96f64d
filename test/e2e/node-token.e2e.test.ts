/**
 * A node agent joins with the node token the server keeps in its data dir: the token
 * authenticates as system:nodes, which may do what a kubelet does and nothing more.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ensureNodeToken } from "../../src/apiserver/index.js";
import { ApiClient, ApiError, podsResource, readKubeconfig } from "../../src/client/index.js";
import { cleanupFor } from "../harness/cleanup.js";
import { startPeapod } from "../harness/peapod.js";

test("the node token authenticates a node, authorized as a kubelet is", async (t) => {
  const cleanup = cleanupFor((fn) => t.after(fn));
  const server = await startPeapod(cleanup);
  const { token } = await ensureNodeToken(server.dataDir);
  const admin = await readKubeconfig(server.kubeconfig);
  const client = new ApiClient({ server: server.url, ca: admin.ca, auth: { bearerToken: token } });
  cleanup.add("close client", () => client.close());

  const pods = await client.resource(podsResource).list(undefined);
  assert.deepEqual(pods.items, []);
  await client.resource({ group: "", version: "v1", plural: "nodes", namespaced: false }).create(undefined, {
    apiVersion: "v1", kind: "Node", metadata: { name: "n1" },
  });
  const denied = await client.resource({ group: "apps", version: "v1", plural: "deployments", namespaced: true })
    .list("default").then(() => undefined, (e: unknown) => e);
  assert.ok(denied instanceof ApiError);
  assert.equal(denied.code, 403);
  assert.match(denied.message, /User "peapod-node" cannot list resource "deployments" in API group "apps" in the namespace "default"/);

  const stranger = new ApiClient({ server: server.url, ca: admin.ca, auth: { bearerToken: "not-the-token" } });
  cleanup.add("close stranger", () => stranger.close());
  const refused = await stranger.resource(podsResource).list(undefined).then(() => undefined, (e: unknown) => e);
  assert.ok(refused instanceof ApiError);
  assert.equal(refused.code, 401);
});
