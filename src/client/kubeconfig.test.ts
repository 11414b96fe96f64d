/** readKubeconfig: embedded data, file references relative to the kubeconfig, tokens, contexts. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import { readKubeconfig } from "./index.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

function kubeconfig(users: Record<string, unknown>[], current = "main"): string {
  return stringify({
    apiVersion: "v1", kind: "Config", "current-context": current,
    clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443", "certificate-authority": "ca.pem" } }],
    users,
    contexts: users.map((u) => ({ name: String(u["name"]), context: { cluster: "c", user: String(u["name"]) } })),
  });
}

test("kubeconfig: certificate data, files beside it, tokens and the chosen context", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "peapod-kubeconfig-test-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "ca.pem"), "CA");
  await writeFile(join(dir, "key.pem"), "KEY");
  await writeFile(join(dir, "token"), "file-token\n");
  const path = join(dir, "config");
  await writeFile(path, kubeconfig([
    { name: "main", user: { "client-certificate-data": b64("CERT"), "client-key": "key.pem" } },
    { name: "node", user: { token: "inline-token" } },
    { name: "filetoken", user: { tokenFile: "token" } },
    { name: "nothing", user: {} },
  ]));

  assert.deepEqual(await readKubeconfig(path), { server: "https://127.0.0.1:6443", ca: "CA", auth: { clientCert: { certPem: "CERT", keyPem: "KEY" } } });
  assert.deepEqual((await readKubeconfig(path, "node")).auth, { bearerToken: "inline-token" });
  assert.deepEqual((await readKubeconfig(path, "filetoken")).auth, { bearerToken: "file-token" });
  await assert.rejects(readKubeconfig(path, "nothing"), /neither a token nor a client certificate/);
  await assert.rejects(readKubeconfig(path, "absent"), /no context named "absent"/);
});
