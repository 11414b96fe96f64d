import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSchema, schemaFromData, type SchemaData } from "./load-schema.js";
import { PATCH_METADATA } from "./patch-metadata.js";
import type { SchemaType, StructDef } from "./schema.js";

const core = "io.k8s.api.core.v1";
const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";

function mustStruct(s: StructDef | undefined, what: string): StructDef {
  assert.ok(s, `schema has ${what}`);
  return s;
}

function structRefs(t: SchemaType): string[] {
  switch (t.kind) {
    case "struct": return [t.name];
    case "array": return structRefs(t.items);
    case "map": return structRefs(t.values);
    default: return [];
  }
}

const servedKinds: Array<[string, string, string, string]> = [
  ["", "v1", "Namespace", `${core}.Namespace`],
  ["", "v1", "Node", `${core}.Node`],
  ["", "v1", "Pod", `${core}.Pod`],
  ["", "v1", "PodList", `${core}.PodList`],
  ["", "v1", "Binding", `${core}.Binding`],
  ["", "v1", "Event", `${core}.Event`],
  ["", "v1", "ConfigMap", `${core}.ConfigMap`],
  ["", "v1", "Secret", `${core}.Secret`],
  ["", "v1", "ServiceAccount", `${core}.ServiceAccount`],
  ["", "v1", "Service", `${core}.Service`],
  ["", "v1", "Endpoints", `${core}.Endpoints`],
  ["", "v1", "Status", `${meta}.Status`],
  ["events.k8s.io", "v1", "Event", "io.k8s.api.events.v1.Event"],
  ["coordination.k8s.io", "v1", "Lease", "io.k8s.api.coordination.v1.Lease"],
  ["apps", "v1", "Deployment", "io.k8s.api.apps.v1.Deployment"],
  ["apps", "v1", "ReplicaSet", "io.k8s.api.apps.v1.ReplicaSet"],
  ["apps", "v1", "StatefulSet", "io.k8s.api.apps.v1.StatefulSet"],
  ["apps", "v1", "DaemonSet", "io.k8s.api.apps.v1.DaemonSet"],
  ["apps", "v1", "DeleteOptions", `${meta}.DeleteOptions`],
  ["autoscaling", "v1", "Scale", "io.k8s.api.autoscaling.v1.Scale"],
  ["batch", "v1", "Job", "io.k8s.api.batch.v1.Job"],
  ["batch", "v1", "CronJob", "io.k8s.api.batch.v1.CronJob"],
  ["authorization.k8s.io", "v1", "SelfSubjectAccessReview", "io.k8s.api.authorization.v1.SelfSubjectAccessReview"],
  ["authorization.k8s.io", "v1", "SelfSubjectRulesReview", "io.k8s.api.authorization.v1.SelfSubjectRulesReview"],
];

test("every served kind resolves to its upstream OpenAPI definition", async () => {
  const schema = await loadSchema();
  for (const [group, version, kind, name] of servedKinds) {
    assert.equal(schema.structForKind({ group, version, kind })?.name, name, `${group}/${version} ${kind}`);
  }
  assert.equal(schema.structForKind({ group: "apps", version: "v1", kind: "Pod" }), undefined);
});

test("every struct a field refers to is in the schema, named as upstream names it", async () => {
  const schema = await loadSchema();
  const upstreamPackage = /^io\.k8s\.(api\.(core|apps|batch|autoscaling|coordination|events|authorization)\.v1|apimachinery\.pkg\.apis\.meta\.v1)\.[A-Z]\w*$/;
  let count = 0;
  for (const s of schema.structs()) {
    count++;
    assert.match(s.name, upstreamPackage);
    for (const [field, def] of Object.entries(s.fields)) {
      for (const ref of structRefs(def.type)) assert.ok(schema.struct(ref), `${s.name}.${field} refers to ${ref}`);
    }
    for (const r of s.required) assert.ok(s.fields[r], `${s.name} requires ${r}, which it has`);
  }
  assert.ok(count > 200, `expected the whole reachable graph, got ${count} structs`);
});

test("group-qualified client-node classes land in their own API group", async () => {
  const schema = await loadSchema();
  const coreEvent = mustStruct(schema.struct(`${core}.Event`), "core Event");
  const eventsEvent = mustStruct(schema.struct("io.k8s.api.events.v1.Event"), "events.k8s.io Event");
  assert.ok(coreEvent.fields["involvedObject"], "core Event has involvedObject");
  assert.ok(eventsEvent.fields["regarding"], "events.k8s.io Event has regarding");
  assert.deepEqual(structRefs(mustStruct(schema.struct(`${core}.EndpointSubset`), "EndpointSubset").fields["ports"]!.type), [`${core}.EndpointPort`]);
  assert.deepEqual(structRefs(mustStruct(schema.struct(`${meta}.DeleteOptions`), "DeleteOptions").fields["preconditions"]!.type), [`${meta}.Preconditions`]);
});

test("a Pod requires spec.containers and container names, and merges its lists by upstream keys", async () => {
  const schema = await loadSchema();
  const podSpec = mustStruct(schema.struct(`${core}.PodSpec`), "PodSpec");
  const container = mustStruct(schema.struct(`${core}.Container`), "Container");
  assert.deepEqual(podSpec.required, ["containers"]);
  assert.deepEqual(container.required, ["name"]);
  assert.equal(podSpec.fields["containers"]?.patchMergeKey, "name");
  assert.equal(podSpec.fields["containers"]?.patchStrategy, "merge");
  assert.equal(podSpec.fields["volumes"]?.patchStrategy, "merge,retainKeys");
  assert.equal(podSpec.fields["hostAliases"]?.patchMergeKey, "ip");
  assert.equal(podSpec.fields["tolerations"]?.patchMergeKey, undefined, "tolerations are replaced whole upstream");
  assert.equal(container.fields["ports"]?.patchMergeKey, "containerPort");
  assert.equal(container.fields["volumeMounts"]?.patchMergeKey, "mountPath");
  const metadata = mustStruct(schema.struct(`${meta}.ObjectMeta`), "ObjectMeta");
  assert.equal(metadata.fields["ownerReferences"]?.patchMergeKey, "uid");
  assert.equal(metadata.fields["finalizers"]?.patchStrategy, "merge");
  const deploymentSpec = mustStruct(schema.struct("io.k8s.api.apps.v1.DeploymentSpec"), "DeploymentSpec");
  assert.equal(deploymentSpec.fields["strategy"]?.patchStrategy, "retainKeys");
});

test("quantities, int-or-strings, times and bytes keep their upstream meaning", async () => {
  const schema = await loadSchema();
  const field = (struct: string, name: string): SchemaType => {
    const f = schema.struct(struct)?.fields[name];
    assert.ok(f, `${struct}.${name}`);
    return f.type;
  };
  assert.deepEqual(field(`${core}.ResourceRequirements`, "limits"), { kind: "map", values: { kind: "quantity" } });
  assert.deepEqual(field(`${core}.EmptyDirVolumeSource`, "sizeLimit"), { kind: "quantity" });
  assert.deepEqual(field(`${core}.ContainerPort`, "containerPort"), { kind: "integer", format: "int32" });
  assert.deepEqual(field(`${core}.HTTPGetAction`, "port"), { kind: "int-or-string" });
  assert.deepEqual(field(`${meta}.ObjectMeta`, "creationTimestamp"), { kind: "time", format: "date-time" });
  assert.deepEqual(field("io.k8s.api.coordination.v1.LeaseSpec", "renewTime"), { kind: "time", format: "date-time", micro: true });
  assert.deepEqual(field(`${core}.Secret`, "data"), { kind: "map", values: { kind: "bytes" } });
  assert.deepEqual(field(`${meta}.ManagedFieldsEntry`, "fieldsV1"), { kind: "any", name: `${meta}.FieldsV1` });
});

test("every entry of the patch metadata table lands on a field of the schema", async () => {
  const schema = await loadSchema();
  for (const [struct, facts] of Object.entries(PATCH_METADATA)) {
    for (const [field, fact] of Object.entries(facts)) {
      const f = schema.struct(struct)?.fields[field];
      assert.ok(f, `${struct}.${field}`);
      assert.equal(f.patchStrategy, fact.patchStrategy);
      assert.equal(f.patchMergeKey, fact.patchMergeKey);
    }
  }
});

test("a patch metadata entry for a field the schema lacks or that cannot merge is refused", () => {
  const data: SchemaData = {
    source: "test",
    structs: [{
      name: "x.Thing", description: "", required: [],
      fields: {
        items: { type: { kind: "array", items: { kind: "struct", name: "x.Item" } }, description: "" },
        tags: { type: { kind: "array", items: { kind: "string" } }, description: "" },
      },
    }, { name: "x.Item", description: "", required: [], fields: { name: { type: { kind: "string" }, description: "" } } }],
  };
  const merged = schemaFromData(data, { "x.Thing": { items: { patchMergeKey: "name", patchStrategy: "merge" } } });
  assert.equal(merged.struct("x.Thing")?.fields["items"]?.patchMergeKey, "name");
  assert.throws(() => schemaFromData(data, { "x.Thing": { missing: { patchStrategy: "merge" } } }), /x\.Thing\.missing/);
  assert.throws(() => schemaFromData(data, { "x.Other": { items: { patchStrategy: "merge" } } }), /x\.Other/);
  assert.throws(() => schemaFromData(data, { "x.Thing": { tags: { patchMergeKey: "name", patchStrategy: "merge" } } }), /not a list of objects/);
});

test("loading the schema twice returns the same schema", async () => {
  assert.equal(await loadSchema(), await loadSchema());
});
