/**
 * The Go JSON rules the table-driven decoder follows, on hand-built messages that
 * kubectl's generators never produce (the captured bodies are in decode.test.ts), and
 * the consistency of the field tables themselves.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { messageDecoder } from "./decode-message.js";
import type { FieldTable } from "./message-spec.js";
import { messageTables, protobufKinds } from "./message-tables.js";
import { ProtobufDecodeError, WireType } from "./wire.js";
import { WireWriter } from "./wire-writer.js";

const decoder = messageDecoder(messageTables);
const decode = (name: string, build: (w: WireWriter) => void) => {
  const w = new WireWriter();
  build(w);
  return decoder.decode(name, w.finish());
};
const decodeError = (text: string | RegExp) => (e: unknown) =>
  e instanceof ProtobufDecodeError && (typeof text === "string" ? e.message === text : text.test(e.message));

describe("Go JSON rules for decoded messages", () => {
  it("keeps a pointer field set to zero and leaves out one never sent (replicas: 0)", () => {
    assert.deepEqual(decode("DeploymentSpec", (w) => w.int(1, 0)), { replicas: 0, template: { metadata: {}, spec: {} }, strategy: {} });
    assert.deepEqual(decode("DeploymentSpec", () => {}), { template: { metadata: {}, spec: {} }, strategy: {} });
  });

  it("leaves out omitempty zero values but prints zero values without omitempty", () => {
    const container = decode("Container", (w) =>
      w.bytes(1, "").bytes(2, "").int(16, false).bytes(6, (p) => p.bytes(1, "").int(3, 0).bytes(4, "")));
    assert.deepEqual(container, { name: "", ports: [{ containerPort: 0 }], resources: {} });
  });

  it("prints a value field's zero even when the sender left it out, as Go's zero struct would", () => {
    assert.deepEqual(decode("ServicePort", () => {}), { port: 0, targetPort: 0 });
    assert.deepEqual(decode("SubjectAccessReviewStatus", () => {}), { allowed: false });
  });

  it("reads repeated numbers packed and unpacked alike, with negative int64s", () => {
    const packed = decode("PodSecurityContext", (w) => w.bytes(4, new WireWriter().varint(1000).varint(-1).finish()));
    const unpacked = decode("PodSecurityContext", (w) => w.int(4, 1000).int(4, -1));
    assert.deepEqual(packed, { supplementalGroups: [1000, -1] });
    assert.deepEqual(unpacked, packed);
    assert.deepEqual(decode("PodSecurityContext", (w) => w.int(2, -1)), { runAsUser: -1 });
  });

  it("keeps the last of a repeated scalar and merges a message sent in pieces", () => {
    const meta = decode("ConfigMap", (w) =>
      w.bytes(1, (m) => m.bytes(1, "first").mapEntry(11, "a", "1"))
        .bytes(1, (m) => m.bytes(1, "second").mapEntry(11, "b", "2")));
    assert.deepEqual(meta, { metadata: { name: "second", labels: { a: "1", b: "2" } } });
  });

  it("skips unknown fields of every wire type", () => {
    const cm = decode("ConfigMap", (w) =>
      w.int(99, 7).tag(98, WireType.Fixed64).raw([1, 2, 3, 4, 5, 6, 7, 8]).bytes(97, "x")
        .tag(96, WireType.Fixed32).raw([1, 2, 3, 4]).tag(95, WireType.StartGroup).tag(95, WireType.EndGroup)
        .mapEntry(2, "k", "v"));
    assert.deepEqual(cm, { metadata: {}, data: { k: "v" } });
  });

  it("decodes maps of bytes as base64 and takes a missing map value as empty", () => {
    const secret = decode("Secret", (w) =>
      w.bytes(2, (e) => e.bytes(1, "tls.key").bytes(2, Uint8Array.of(0x01, 0xff))).bytes(2, (e) => e.bytes(1, "empty")));
    assert.deepEqual(secret["data"], { "tls.key": "Af8=", empty: "" });
  });

  it("keeps a map key named __proto__ as plain data", () => {
    const data = decode("ConfigMap", (w) => w.mapEntry(2, "__proto__", "x"))["data"] as Record<string, unknown>;
    assert.deepEqual(Object.keys(data), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
  });

  it("replaces invalid UTF-8 in strings as Go's JSON encoder does", () => {
    const meta = decode("ObjectMeta", (w) => w.bytes(1, Uint8Array.of(0x61, 0xff, 0x62)));
    assert.equal(meta["name"], "a\ufffdb");
  });

  it("inlines embedded structs (volume sources, probe handlers, local object references)", () => {
    const volume = decode("Volume", (w) => w.bytes(1, "cfg").bytes(2, (src) => src.bytes(19, (cm) => cm.bytes(1, (ref) => ref.bytes(1, "app-config")).int(3, 420))));
    assert.deepEqual(volume, { name: "cfg", configMap: { name: "app-config", defaultMode: 420 } });
    const probe = decode("Probe", (w) => w.bytes(1, (h) => h.bytes(2, (get) => get.bytes(1, "/healthz"))).int(2, 3));
    assert.deepEqual(probe, { httpGet: { path: "/healthz", port: 0 }, initialDelaySeconds: 3 });
  });
});

describe("messages with their own JSON form", () => {
  it("prints a metav1.Time as RFC 3339 seconds, an empty one not at all, and seconds 0 as the epoch", () => {
    assert.deepEqual(decode("ObjectMeta", (w) => w.bytes(8, (t) => t.int(1, 1700000000).int(2, 999))), {
      creationTimestamp: "2023-11-14T22:13:20Z",
    });
    assert.deepEqual(decode("ObjectMeta", (w) => w.bytes(8, "")), {});
    assert.deepEqual(decode("ObjectMeta", (w) => w.bytes(9, (t) => t.int(1, 0))), { deletionTimestamp: "1970-01-01T00:00:00Z" });
    assert.throws(() => decode("ObjectMeta", (w) => w.bytes(8, (t) => t.int(1, 1e12))),
      decodeError(/^Time.MarshalJSON: year outside of range \[0,9999\]/));
  });

  it("prints an IntOrString as a number or a string by its type", () => {
    const port = (build: (v: WireWriter) => void) => decode("ServicePort", (w) => w.int(3, 80).bytes(4, build))["targetPort"];
    assert.equal(port((v) => v.int(1, 0).int(2, 8080)), 8080);
    assert.equal(port((v) => v.int(1, 1).bytes(3, "http")), "http");
    assert.throws(() => port((v) => v.int(1, 2)), decodeError(/^impossible IntOrString.Type/));
  });

  it("prints a Quantity as its string, an empty one as 0, and refuses one that is no quantity", () => {
    const resources = decode("ResourceRequirements", (w) =>
      w.mapEntry(1, "cpu", (q) => q.bytes(1, "500m")).mapEntry(2, "memory", () => {}));
    assert.deepEqual(resources, { limits: { cpu: "500m" }, requests: { memory: "0" } });
    assert.throws(() => decode("ResourceRequirements", (w) => w.mapEntry(1, "cpu", (q) => q.bytes(1, "lots"))),
      decodeError(/^quantities must match the regular expression/));
  });

  it("prints managedFields' FieldsV1 as the JSON it holds", () => {
    const meta = decode("ObjectMeta", (w) =>
      w.bytes(17, (e) => e.bytes(1, "kubectl").bytes(2, "Update").bytes(3, "v1").bytes(6, "FieldsV1")
        .bytes(4, (t) => t.int(1, 1700000000))
        .bytes(7, (f) => f.bytes(1, '{"f:data":{"f:a":{}}}'))));
    assert.deepEqual(meta, {
      managedFields: [{
        manager: "kubectl", operation: "Update", apiVersion: "v1", time: "2023-11-14T22:13:20Z",
        fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } },
      }],
    });
    assert.throws(() => decode("ObjectMeta", (w) => w.bytes(17, (e) => e.bytes(7, (f) => f.bytes(1, "{nope")))),
      decodeError(/^metav1.FieldsV1: raw is not valid JSON/));
  });
});

describe("the field tables", () => {
  const referenced = (spec: { type: string }) => /message:(\w+)/.exec(spec.type)?.[1];

  it("define every message they refer to and every kind decoded", () => {
    for (const [name, fields] of Object.entries(messageTables)) {
      for (const spec of Object.values(fields as FieldTable)) {
        const target = referenced(spec);
        if (target) assert.ok(Object.hasOwn(messageTables, target), `${name}.${spec.json} refers to missing ${target}`);
      }
    }
    for (const { kind } of protobufKinds) assert.ok(Object.hasOwn(messageTables, kind), `no table for ${kind}`);
  });

  it("give each message distinct JSON names once embedded structs are inlined", () => {
    const names = (message: string): string[] =>
      Object.values(messageTables[message]!).flatMap((f) => (f.inline ? names(referenced(f)!) : [f.json]));
    for (const message of Object.keys(messageTables)) {
      const all = names(message);
      assert.equal(new Set(all).size, all.length, `duplicate JSON names in ${message}: ${all.join(",")}`);
    }
  });

  it("mark inline only embedded messages, and flags only where they mean something", () => {
    for (const [name, fields] of Object.entries(messageTables)) {
      for (const [num, f] of Object.entries(fields as FieldTable)) {
        const at = `${name}.${num}`;
        if (f.inline) assert.ok(f.type.startsWith("message:") && !f.repeated && f.json === "", at);
        else assert.notEqual(f.json, "", at);
        if (f.omitEmpty) assert.ok(!f.repeated && !f.optional && !f.type.includes("<") && !f.type.startsWith("message:"), at);
        if (f.repeated) assert.ok(!f.type.startsWith("map<") && !f.optional, at);
      }
    }
  });

  it("have no cycles, so every value struct can be printed from nothing", () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]) => {
      if (done.has(name)) return;
      assert.ok(!visiting.has(name), `cycle: ${[...trail, name].join(" > ")}`);
      visiting.add(name);
      for (const f of Object.values(messageTables[name]!)) {
        const target = referenced(f);
        if (target) visit(target, [...trail, name]);
      }
      visiting.delete(name);
      done.add(name);
    };
    for (const { kind } of protobufKinds) visit(kind, []);
  });
});
