/**
 * Decoding the protobuf bodies the real kubectl 1.32.4 sends.
 *
 * testdata/<case>.pb are request bodies captured from kubectl (`kubectl create …`,
 * `kubectl auth can-i …`) against a throwaway HTTP server; testdata/<case>.json is what
 * the same kubectl printed for the same command with `--dry-run=client -o json`, i.e.
 * Go's JSON encoding of the very struct it sent. `auth can-i` has no dry run: its .json
 * files are written by hand from kubectl's pkg/cmd/auth/cani.go (the struct it builds)
 * and Go's JSON rules. See testdata/README.md.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { BadRequestError, StatusError } from "../meta/status-errors.js";
import { decodeKubernetesProtobuf, protobufMagic, UnsupportedProtobufKindError } from "./decode.js";
import { WireReader, WireType } from "./wire.js";
import { kubernetesProtobufBody, WireWriter } from "./wire-writer.js";

// Compiled tests run from dist/; the fixtures stay beside the sources.
const testdata = [new URL("./testdata/", import.meta.url), new URL("../../../../src/api/protobuf/testdata/", import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p))!;
const fixture = (name: string) => new Uint8Array(readFileSync(`${testdata}/${name}`));

/**
 * The one normalisation: Go prints nil pointers, nil slices and maps, and the zero
 * metav1.Time as `null` (`creationTimestamp: null`, `resourceRules: null`); the decoder
 * leaves such fields out, as Peapod's objects carry no nulls. Nothing else is changed:
 * `status: {}`, `resources: {}` and `allowed: false` must come out of the decoder too.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

const badRequest = (text: string | RegExp) => (e: unknown) =>
  e instanceof BadRequestError && e.code === 400 && (typeof text === "string" ? e.message === text : text.test(e.message));

/** The `raw` payload of a body, to re-wrap it after changing it. */
function rawOf(body: Uint8Array): Uint8Array {
  const r = new WireReader(body.subarray(protobufMagic.length));
  while (!r.done) {
    const tag = r.readTag();
    if (tag.fieldNumber === 2) return r.readLengthDelimited();
    r.skip(tag.wireType);
  }
  throw new Error("no raw");
}

describe("decoding kubectl's protobuf request bodies", () => {
  const cases = readdirSync(testdata).filter((f) => f.endsWith(".pb") && existsSync(`${testdata}/${f.slice(0, -3)}.json`));

  it("has a captured body for every kind kubectl creates or asks about", () => {
    const kinds = new Set(cases.map((c) => decodeKubernetesProtobuf(fixture(c)).kind));
    assert.deepEqual([...kinds].sort(), [
      "ConfigMap", "CronJob", "Deployment", "Job", "Namespace", "Secret", "SelfSubjectAccessReview",
      "SelfSubjectRulesReview", "Service", "ServiceAccount",
    ]);
  });

  for (const file of cases) {
    const name = file.slice(0, -3);
    it(`gives the object kubectl would send as JSON for ${name}`, () => {
      const want = withoutNulls(JSON.parse(readFileSync(`${testdata}/${name}.json`, "utf8"))) as Record<string, unknown>;
      const got = decodeKubernetesProtobuf(fixture(file));
      assert.equal(got.apiVersion, want["apiVersion"]);
      assert.equal(got.kind, want["kind"]);
      assert.deepEqual(got.object, want);
    });
  }

  it("answers 415 naming the kind for a kind it has no tables for (kubectl create quota)", () => {
    assert.throws(() => decodeKubernetesProtobuf(fixture("unsupported-resourcequota.pb")), (e: unknown) => {
      assert.ok(e instanceof UnsupportedProtobufKindError);
      assert.equal(e.code, 415);
      assert.equal(e.toStatus().reason, "UnsupportedMediaType");
      assert.match(e.message, /not supported for kind "ResourceQuota" in version "v1"/);
      return true;
    });
  });

  it("writes the envelope byte for byte as kubectl does", () => {
    const body = fixture("configmap.pb");
    assert.deepEqual(kubernetesProtobufBody("v1", "ConfigMap", rawOf(body)), body);
  });
});

describe("rejecting bodies that are not protobuf objects", () => {
  it("rejects an empty body", () => {
    assert.throws(() => decodeKubernetesProtobuf(new Uint8Array(0)), badRequest("the object provided is unrecognized: empty data"));
  });

  it("rejects a body without the k8s magic, such as JSON sent with the protobuf content type", () => {
    const json = new TextEncoder().encode('{"kind":"ConfigMap","apiVersion":"v1"}');
    const message = "the object provided is unrecognized: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]";
    assert.throws(() => decodeKubernetesProtobuf(json), badRequest(message));
    assert.throws(() => decodeKubernetesProtobuf(Uint8Array.of(0x6b, 0x38, 0x73)), badRequest(message));
  });

  it("rejects an envelope without a kind, unless the endpoint supplies it", () => {
    const body = kubernetesProtobufBody("v1", "", new WireWriter().bytes(1, (m) => m.bytes(1, "cm1")).finish());
    assert.throws(() => decodeKubernetesProtobuf(body),
      badRequest(`the object provided is unrecognized: Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`));
    const got = decodeKubernetesProtobuf(body, { apiVersion: "v1", kind: "ConfigMap" });
    assert.deepEqual(got.object, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "cm1" } });
  });

  it("rejects an envelope without an apiVersion", () => {
    const body = kubernetesProtobufBody("", "ConfigMap", new Uint8Array(0));
    assert.throws(() => decodeKubernetesProtobuf(body), badRequest(/Object 'apiVersion' is missing in/));
  });

  it("says which field has the wrong wire type, in apiserver's words", () => {
    const body = kubernetesProtobufBody("v1", "ConfigMap", new WireWriter().int(1, 5).finish());
    assert.throws(() => decodeKubernetesProtobuf(body),
      badRequest('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field metadata'));
    const deep = kubernetesProtobufBody("apps/v1", "Deployment", new WireWriter()
      .bytes(2, (spec) => spec.bytes(3, (tpl) => tpl.bytes(2, (pod) => pod.bytes(2, (c) => c.bytes(1, "app").int(2, 1)))))
      .finish());
    assert.throws(() => decodeKubernetesProtobuf(deep),
      badRequest(/cannot be handled as a Deployment: proto: wrong wireType = 0 for field spec\.template\.spec\.containers\[0\]\.image$/));
  });

  it("rejects a length prefix larger than the body at once", () => {
    const huge = new WireWriter().tag(1, WireType.LengthDelimited).varint(2n ** 60n).raw([0x0a, 0x00]).finish();
    assert.throws(() => decodeKubernetesProtobuf(kubernetesProtobufBody("v1", "ConfigMap", huge)),
      badRequest('ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF in ConfigMap'));
    const envelope = new WireWriter().raw(protobufMagic).tag(2, WireType.LengthDelimited).varint(2n ** 40n).finish();
    assert.throws(() => decodeKubernetesProtobuf(envelope), badRequest("the object provided is unrecognized: unexpected EOF"));
  });

  it("rejects an overlong varint", () => {
    const raw = new WireWriter().tag(1, WireType.LengthDelimited).raw(Array(12).fill(0x80)).finish();
    assert.throws(() => decodeKubernetesProtobuf(kubernetesProtobufBody("v1", "Namespace", raw)), badRequest(/proto: integer overflow/));
  });

  it("fails cleanly at every point where a body can be cut short", () => {
    for (const name of ["deployment.pb", "secret-tls.pb", "can-i.pb"]) {
      const body = fixture(name);
      for (let cut = 0; cut < body.length; cut++) {
        try {
          decodeKubernetesProtobuf(body.subarray(0, cut));
        } catch (e) {
          assert.ok(e instanceof BadRequestError, `${name} cut at ${cut}: ${String(e)}`);
        }
      }
    }
  });

  it("fails cleanly for an object cut short inside its own bytes, at any depth", () => {
    const body = fixture("job-from-cronjob.pb");
    const raw = rawOf(body);
    let rejected = 0;
    // Every 13th cut keeps this under a second; cuts land inside most nested messages.
    for (let cut = 1; cut < raw.length; cut += 13) {
      try {
        decodeKubernetesProtobuf(kubernetesProtobufBody("batch/v1", "Job", raw.subarray(0, cut)));
      } catch (e) {
        assert.ok(e instanceof BadRequestError, `cut at ${cut}: ${String(e)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 0);
  });

  it("skips deeply nested garbage in unknown fields without recursing", () => {
    let garbage: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 2000; i++) garbage = new WireWriter().bytes(99, garbage).finish();
    const raw = new WireWriter().raw(garbage).bytes(1, (m) => m.bytes(1, "ns1")).finish();
    const got = decodeKubernetesProtobuf(kubernetesProtobufBody("v1", "Namespace", raw));
    assert.deepEqual(got.object, { kind: "Namespace", apiVersion: "v1", metadata: { name: "ns1" }, spec: {}, status: {} });
  });

  it("rejects groups nested without end", () => {
    const groups = new WireWriter();
    for (let i = 0; i < 100_000; i++) groups.tag(7, WireType.StartGroup);
    assert.throws(() => decodeKubernetesProtobuf(kubernetesProtobufBody("v1", "Namespace", groups.finish())),
      badRequest(/proto: groups nested too deeply/));
  });

  it("never hangs or throws anything but a Status error on random or mutated bodies", { timeout: 20_000 }, () => {
    let seed = 0x5eed;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    const samples = ["deployment.pb", "job.pb", "service-nodeport.pb", "secret-docker-registry.pb", "can-i-list.pb"].map(fixture);
    for (let i = 0; i < 3000; i++) {
      let body: Uint8Array;
      if (i % 2 === 0) {
        body = Uint8Array.from(samples[i % samples.length]!);
        for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
          body[protobufMagic.length + Math.floor(random() * (body.length - protobufMagic.length))] = Math.floor(random() * 256);
        }
      } else {
        const raw = Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256));
        body = kubernetesProtobufBody(i % 3 ? "apps/v1" : "v1", i % 3 ? "Deployment" : "Service", raw);
      }
      try {
        decodeKubernetesProtobuf(body);
      } catch (e) {
        assert.ok(e instanceof StatusError && (e.code === 400 || e.code === 415), `sample ${i}: ${String(e)}`);
      }
    }
  });
});
