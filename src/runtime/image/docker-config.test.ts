import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { credentialsForImage, DockerKeyring, parseDockerConfig } from "./docker-config.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function dockerconfigjson(auths: Record<string, object>): string {
  return JSON.stringify({ auths });
}

function users(keyring: DockerKeyring, image: string): string[] {
  return keyring.lookup(image).map((a) => a.username ?? "");
}

describe("docker config credential keyring", () => {
  test("parses .dockerconfigjson and .dockercfg; auth wins over username/password", () => {
    const json = parseDockerConfig(dockerconfigjson({ "reg.example.com": { username: "u", password: "p", auth: b64("a:b:c") } }));
    assert.deepEqual(json["reg.example.com"], { username: "a", password: "b:c", auth: b64("a:b:c") });
    const cfg = parseDockerConfig(JSON.stringify({ "reg.example.com": { username: "u", password: "p", email: "e@x" } }));
    assert.deepEqual(cfg["reg.example.com"], { username: "u", password: "p" });
    assert.throws(() => parseDockerConfig("not json"), /not valid JSON/);
    assert.throws(() => parseDockerConfig(dockerconfigjson({ r: { auth: b64("nocolon") } })), /base64\(username:password\)/);
  });

  test("https://index.docker.io/v1/ serves docker.io images", () => {
    const k = new DockerKeyring().addSecret(dockerconfigjson({ "https://index.docker.io/v1/": { auth: b64("hub:pw") } }));
    assert.deepEqual(users(k, "nginx"), ["hub"]);
    assert.deepEqual(users(k, "bitnami/redis:7"), ["hub"]);
    assert.deepEqual(users(k, "docker.io/library/busybox"), ["hub"]);
    assert.deepEqual(users(k, "quay.io/app"), []);
    assert.deepEqual(users(k, "localhost:5000/app"), []);
  });

  test("docker.io as a key also matches Hub images", () => {
    const k = new DockerKeyring().addSecret(dockerconfigjson({ "docker.io": { username: "d", password: "p" } }));
    assert.deepEqual(users(k, "nginx"), ["d"]);
  });

  test("host, port, scheme and /v2/ suffix", () => {
    const k = new DockerKeyring().addSecret(
      dockerconfigjson({
        "http://127.0.0.1:5000/v2/": { username: "local", password: "p" },
        "registry.example.com": { username: "plain", password: "p" },
      }),
    );
    assert.deepEqual(users(k, "127.0.0.1:5000/team/app:1"), ["local"]);
    assert.deepEqual(users(k, "127.0.0.1:5001/team/app:1"), []);
    assert.deepEqual(users(k, "127.0.0.1/team/app"), []);
    assert.deepEqual(users(k, "registry.example.com/app"), ["plain"]);
    assert.deepEqual(users(k, "registry.example.com:443/app"), []);
    assert.deepEqual(users(k, "sub.registry.example.com/app"), []);
  });

  test("globs match one host label each", () => {
    const k = new DockerKeyring().addSecret(
      dockerconfigjson({ "*.example.com": { username: "glob", password: "p" }, "*.*.example.org": { username: "two", password: "p" } }),
    );
    assert.deepEqual(users(k, "a.example.com/app"), ["glob"]);
    assert.deepEqual(users(k, "example.com/app"), []);
    assert.deepEqual(users(k, "a.b.example.com/app"), []);
    assert.deepEqual(users(k, "x.y.example.org/app"), ["two"]);
    const q = new DockerKeyring().addSecret(dockerconfigjson({ "reg?.example.com": { username: "q", password: "p" } }));
    assert.deepEqual(users(q, "reg1.example.com/a"), ["q"]);
    assert.deepEqual(users(q, "reg12.example.com/a"), []);
  });

  test("path prefixes: the most specific key comes first", () => {
    const k = new DockerKeyring().addSecret(
      dockerconfigjson({
        "reg.example.com": { username: "host", password: "p" },
        "reg.example.com/team": { username: "team", password: "p" },
        "reg.example.com/team/app": { username: "app", password: "p" },
        "reg.example.com/other": { username: "other", password: "p" },
      }),
    );
    assert.deepEqual(users(k, "reg.example.com/team/app:1"), ["app", "team", "host"]);
    assert.deepEqual(users(k, "reg.example.com/team/web"), ["team", "host"]);
    assert.deepEqual(users(k, "reg.example.com/x"), ["host"]);
  });

  test("several secrets: each one's matches in the pod's order", () => {
    const first = dockerconfigjson({ "reg.example.com": { username: "first", password: "p" } });
    const second = dockerconfigjson({ "*.example.com": { username: "second", password: "p" } });
    assert.deepEqual(credentialsForImage([first, second], "reg.example.com/a").map((a) => a.username), ["first", "second"]);
    assert.deepEqual(credentialsForImage([second, first], "reg.example.com/a").map((a) => a.username), ["second", "first"]);
    assert.deepEqual(credentialsForImage([Buffer.from(first)], "quay.io/a"), []);
  });
});
