/**
 * The registry harness checked from outside: what skopeo reads back from the registry must be
 * what the builder made (digests, config, platforms), basic auth must really refuse strangers,
 * and a stopped registry must leave no process and no files.
 */
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommandError, run } from "../../src/runtime/command.js";
import { Cleanup, cleanupFor } from "../harness/cleanup.js";
import { dockerArchive, pushAll, startRegistry, type PushedImage, type TestRegistry } from "../harness/registry.js";
import { indexPlatforms, testImages, testImageSet, type TestImageName, type TestImageSet } from "../harness/test-images.js";

interface InspectedConfig {
  architecture: string;
  os: string;
  config: { Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; User?: string; WorkingDir?: string; ExposedPorts?: Record<string, object> };
}

async function inspectConfig(reference: string, extra: string[] = []): Promise<InspectedConfig> {
  const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", "--config", ...extra, `docker://${reference}`]);
  return JSON.parse(stdout) as InspectedConfig;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("registry harness: anonymous registry with every test image", () => {
  let registry: TestRegistry;
  let pushed: Record<TestImageName, PushedImage>;
  let images: TestImageSet;
  let timings = "";
  const cleanup = cleanupFor(after);

  before(async () => {
    let t0 = Date.now();
    images = await testImageSet();
    const buildMs = Date.now() - t0;
    t0 = Date.now();
    registry = await startRegistry(cleanup);
    const startMs = Date.now() - t0;
    t0 = Date.now();
    pushed = await pushAll(registry);
    const pushMs = Date.now() - t0;
    timings = `test images ${buildMs} ms, registry start ${startMs} ms, push all ${pushMs} ms`;
  });

  test("the registry stores each tag at the digest the builder computed", (t) => {
    t.diagnostic(`timings: ${timings}`);
    for (const name of Object.keys(testImages) as TestImageName[]) {
      const built = name === "index" ? images.images.index.indexDigest : images.images[name].manifestDigest;
      assert.equal(pushed[name].digest, built, `${name}: skopeo copied the manifest without rewriting it`);
      assert.equal(pushed[name].reference, `${registry.host}/${testImages[name]}`);
    }
  });

  test("configs read back from the registry are as built", async () => {
    const user = await inspectConfig(pushed.user.reference);
    assert.deepEqual(user.config.Entrypoint, ["/bin/sh", "-c"]);
    assert.deepEqual(user.config.Cmd, ["echo hi"]);
    assert.equal(user.config.User, "app");
    assert.equal(user.config.WorkingDir, "/home/app");
    assert.ok(user.config.Env?.includes("FOO=bar"));
    assert.equal(user.architecture, "amd64");
    const httpd = await inspectConfig(pushed.httpd.reference);
    assert.deepEqual(httpd.config.Cmd, ["httpd", "-f", "-p", "80", "-h", "/var/www"]);
    assert.deepEqual(httpd.config.ExposedPorts, { "80/tcp": {} });
    const busybox = await inspectConfig(pushed.busybox.reference);
    assert.deepEqual([busybox.os, busybox.architecture, busybox.config.Cmd], ["linux", "amd64", ["sh"]]);
  });

  test("the index has two platforms, each resolving to its own image", async () => {
    const { stdout } = await run("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${pushed.index.reference}`]);
    const index = JSON.parse(stdout) as { mediaType: string; manifests: Array<{ digest: string; platform: { architecture: string; os: string } }> };
    assert.equal(index.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.deepEqual(index.manifests.map((m) => m.platform), indexPlatforms.map((p) => ({ ...p })));
    for (const platform of indexPlatforms) {
      const config = await inspectConfig(pushed.index.reference, ["--override-arch", platform.architecture]);
      assert.equal(config.architecture, platform.architecture);
    }
  });

  test("blobPath finds a pushed layer's bytes in the storage dir", () => {
    const layer = images.images.multiLayer.layerDigests[1]!;
    const path = registry.blobPath(layer);
    assert.ok(path.startsWith(registry.storageDir));
    assert.equal(`sha256:${createHash("sha256").update(readFileSync(path)).digest("hex")}`, layer);
    assert.match(registry.logs(), /GET \/v2\//, "the access log is captured");
  });

  test("dockerArchive writes an archive skopeo reads back with the image's config", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "peapod-archive-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "user.tar");
    await dockerArchive("user", file);
    const { stdout } = await run("skopeo", ["inspect", "--config", `docker-archive:${file}`]);
    const config = JSON.parse(stdout) as InspectedConfig;
    assert.deepEqual(config.config.Cmd, ["echo hi"]);
    assert.equal(config.config.User, "app");
  });
});

describe("registry harness: basic auth", () => {
  test("refuses anonymous and wrong credentials, serves the right ones, and is gone after cleanup", async (t) => {
    const cleanup = new Cleanup();
    t.after(() => cleanup.run());
    const credentials = { username: "tester", password: "s3cret-pass" };
    const registry = await startRegistry(cleanup, { htpasswd: credentials });
    const anonymous = await fetch(`http://${registry.host}/v2/`);
    assert.equal(anonymous.status, 401);
    const { reference } = await registry.push("busybox");

    await assert.rejects(
      inspectConfig(reference),
      (e: unknown) => e instanceof CommandError && /unauthorized|authentication required/i.test(e.stderr),
    );
    await assert.rejects(
      inspectConfig(reference, ["--creds", `${credentials.username}:wrong`]),
      (e: unknown) => e instanceof CommandError && /unauthorized|authentication required/i.test(e.stderr),
    );
    const config = await inspectConfig(reference, ["--creds", `${credentials.username}:${credentials.password}`]);
    assert.deepEqual(config.config.Cmd, ["sh"]);

    await cleanup.run();
    assert.ok(!processAlive(registry.pid), `registry pid ${registry.pid} is gone`);
    assert.ok(!existsSync(registry.storageDir), "storage dir removed");
    await assert.rejects(fetch(`http://${registry.host}/v2/`), "nothing listens on the registry's port");
  });
});
