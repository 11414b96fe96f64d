import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildTable, printerFor } from "./index.js";

const now = new Date("2024-05-01T12:00:00Z");
const metadata = {
  name: "p",
  namespace: "default",
  uid: "u-1",
  resourceVersion: "42",
  creationTimestamp: "2024-05-01T11:59:00Z",
  labels: { app: "web" },
};
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata,
  spec: { containers: [{ name: "app" }] },
  status: { phase: "Succeeded" },
};

describe("buildTable", () => {
  it("builds a meta.k8s.io/v1 Table whose rows carry PartialObjectMetadata by default", () => {
    const table = buildTable(printerFor("", "Pod"), [pod], {
      now,
      includeObject: "Metadata",
      listMeta: { resourceVersion: "100", continue: "tok", remainingItemCount: 3 },
    });
    assert.equal(table.kind, "Table");
    assert.equal(table.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(table.metadata, { resourceVersion: "100", continue: "tok", remainingItemCount: 3 });
    assert.equal(table.columnDefinitions.length, 9);
    assert.deepEqual(table.rows, [
      {
        cells: ["p", "0/1", "Succeeded", "0", "60s", "<none>", "<none>", "<none>", "<none>"],
        conditions: [
          { type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." },
        ],
        object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata },
      },
    ]);
  });

  it("carries the full object with includeObject=Object and null with None", () => {
    const full = buildTable(printerFor("", "Pod"), [pod], { now, includeObject: "Object" });
    assert.deepEqual(full.rows[0]?.object, pod);
    const none = buildTable(printerFor("", "Pod"), [pod], { now, includeObject: "None" });
    assert.equal(none.rows[0]?.object, null);
  });

  it("a single object's table takes the object's resourceVersion; empty list metadata is left out", () => {
    assert.deepEqual(buildTable(printerFor("", "Pod"), [pod], { now, includeObject: "None" }).metadata, {
      resourceVersion: "42",
    });
    const empty = buildTable(printerFor("", "Pod"), [], { now, includeObject: "None", listMeta: { continue: "" } });
    assert.deepEqual(empty.metadata, {});
    assert.deepEqual(empty.rows, []);
  });

  it("omits column definitions for later watch events, and leaves out empty row conditions", () => {
    const running = { ...pod, status: { phase: "Running" } };
    const event = buildTable(printerFor("", "Pod"), [running], { now, includeObject: "Metadata", omitColumnDefinitions: true });
    assert.deepEqual(event.columnDefinitions, []);
    assert.equal("conditions" in event.rows[0]!, false);
  });

  it("gives list and watch tables identical, JSON-stable column definitions", () => {
    const list = buildTable(printerFor("apps", "Deployment"), [], { now, includeObject: "Metadata" });
    const watch = buildTable(printerFor("apps", "Deployment"), [], { now: new Date(), includeObject: "Metadata" });
    assert.deepEqual(list.columnDefinitions, watch.columnDefinitions);
    const first = JSON.parse(JSON.stringify(list.columnDefinitions))[0];
    assert.deepEqual(Object.keys(first), ["name", "type", "format", "description", "priority"]);
  });
});

describe("printerFor", () => {
  it("chooses printers by group and kind", () => {
    const firstColumns = (group: string, kind: string) =>
      printerFor(group, kind)
        .columns.slice(0, 3)
        .map((c) => c.name);
    assert.deepEqual(firstColumns("", "Pod"), ["Name", "Ready", "Status"]);
    assert.deepEqual(firstColumns("apps", "Deployment"), ["Name", "Ready", "Up-to-date"]);
    assert.deepEqual(firstColumns("events.k8s.io", "Event"), ["Last Seen", "Type", "Reason"]);
    assert.deepEqual(firstColumns("coordination.k8s.io", "Lease"), ["Name", "Holder", "Age"]);
    assert.deepEqual(firstColumns("batch", "CronJob"), ["Name", "Schedule", "Timezone"]);
  });

  it("falls back to NAME and CREATED AT for kinds without a printer, or in another group", () => {
    for (const [group, kind] of [
      ["rbac.authorization.k8s.io", "Role"],
      ["apps", "Pod"],
    ] as const) {
      assert.deepEqual(
        printerFor(group, kind).columns.map((c) => [c.name, c.type]),
        [
          ["Name", "string"],
          ["Created At", "date"],
        ],
      );
    }
  });
});
