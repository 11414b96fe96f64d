import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isRuntimeError } from "../errors.js";
import { familiarName, parseImageReference } from "./reference.js";

const d64 = "sha256:" + "a".repeat(64);

describe("image reference parsing", () => {
  const valid: Array<[input: string, normalized: string, domain: string, path: string]> = [
    ["nginx", "docker.io/library/nginx:latest", "docker.io", "library/nginx"],
    ["nginx:1.25", "docker.io/library/nginx:1.25", "docker.io", "library/nginx"],
    ["library/nginx", "docker.io/library/nginx:latest", "docker.io", "library/nginx"],
    ["docker.io/nginx", "docker.io/library/nginx:latest", "docker.io", "library/nginx"],
    ["index.docker.io/library/nginx:1", "docker.io/library/nginx:1", "docker.io", "library/nginx"],
    ["bitnami/redis:7", "docker.io/bitnami/redis:7", "docker.io", "bitnami/redis"],
    ["a/b/c/d", "docker.io/a/b/c/d:latest", "docker.io", "a/b/c/d"],
    ["localhost/app", "localhost/app:latest", "localhost", "app"],
    ["localhost:5000/app:v1", "localhost:5000/app:v1", "localhost:5000", "app"],
    ["host:5000/a/b:tag", "host:5000/a/b:tag", "host:5000", "a/b"],
    ["127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app:latest", "127.0.0.1:5000", "team/app"],
    ["[::1]:5000/app:1", "[::1]:5000/app:1", "[::1]:5000", "app"],
    ["registry.example.com/app", "registry.example.com/app:latest", "registry.example.com", "app"],
    ["Registry.Example.com/app", "Registry.Example.com/app:latest", "Registry.Example.com", "app"],
    ["quay.io/a-b/c_d.e__f:1.0-rc_1", "quay.io/a-b/c_d.e__f:1.0-rc_1", "quay.io", "a-b/c_d.e__f"],
    ["a--b/c", "docker.io/a--b/c:latest", "docker.io", "a--b/c"],
    [`busybox@${d64}`, `docker.io/library/busybox@${d64}`, "docker.io", "library/busybox"],
    [`busybox:1.36@${d64}`, `docker.io/library/busybox@${d64}`, "docker.io", "library/busybox"],
    [`host:5000/app@${d64}`, `host:5000/app@${d64}`, "host:5000", "app"],
    ["app:" + "t".repeat(128), "docker.io/library/app:" + "t".repeat(128), "docker.io", "library/app"],
    ["app:_x", "docker.io/library/app:_x", "docker.io", "library/app"],
    ["app:LATEST", "docker.io/library/app:LATEST", "docker.io", "library/app"],
  ];
  for (const [input, normalized, domain, path] of valid) {
    test(`parses ${input.length > 60 ? input.slice(0, 60) + "…" : input}`, () => {
      const ref = parseImageReference(input);
      assert.equal(ref.normalized, normalized);
      assert.equal(ref.domain, domain);
      assert.equal(ref.path, path);
      assert.equal(ref.name, `${domain}/${path}`);
    });
  }

  test("tag and digest fields", () => {
    assert.deepEqual(parseImageReference("nginx"), {
      domain: "docker.io", path: "library/nginx", name: "docker.io/library/nginx", tag: "latest", normalized: "docker.io/library/nginx:latest",
    });
    const pinned = parseImageReference(`x:1@${d64}`);
    assert.equal(pinned.tag, undefined);
    assert.equal(pinned.digest, d64);
  });

  const invalid: Array<[input: string, detail: string]> = [
    ["", "repository name must have at least one component"],
    ["Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase"],
    ["team/App:1", "invalid reference format: repository name (team/App) must be lowercase"],
    ["host:5000/App", "invalid reference format: repository name (App) must be lowercase"],
    ["nginx:", "invalid reference format"],
    [":tag", "invalid reference format"],
    ["nginx::1", "invalid reference format"],
    ["a b", "invalid reference format"],
    ["-app", "invalid reference format"],
    ["app-", "invalid reference format"],
    ["a..b", "invalid reference format"],
    ["a/", "invalid reference format"],
    ["/a", "invalid reference format"],
    ["a//b", "invalid reference format"],
    ["app:-tag", "invalid reference format"],
    ["app:.tag", "invalid reference format"],
    ["app:" + "t".repeat(129), "invalid reference format"],
    ["app@sha256:abc", "invalid reference format"],
    ["app@sha256:" + "A".repeat(64), "invalid checksum digest format"],
    ["app@md5:" + "a".repeat(32), "unsupported digest algorithm"],
    ["app@", "invalid reference format"],
    ["host:port/app", "invalid reference format"],
    ["a".repeat(64), `invalid repository name (${"a".repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ["x/" + "a".repeat(250), "repository name must not be more than 255 characters"],
    ["nginx$", "invalid reference format"],
    ["ngi√nx", "invalid reference format"],
  ];
  for (const [input, detail] of invalid) {
    test(`rejects ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + "…" : input)}`, () => {
      assert.throws(
        () => parseImageReference(input),
        (e: unknown) => {
          assert.ok(isRuntimeError(e, "InvalidImageName"), String(e));
          const q = JSON.stringify(input);
          assert.equal(e.message, `Failed to apply default image tag ${q}: couldn't parse image name ${q}: ${detail}`);
          return true;
        },
      );
    });
  }

  test("familiar names drop docker.io and library/", () => {
    assert.equal(familiarName("docker.io/library/nginx:latest"), "nginx:latest");
    assert.equal(familiarName("bitnami/redis"), "bitnami/redis:latest");
    assert.equal(familiarName("127.0.0.1:5000/a/b:1"), "127.0.0.1:5000/a/b:1");
    assert.equal(familiarName(`busybox@${d64}`), `busybox@${d64}`);
  });
});
