import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventPrinter, eventsV1EventPrinter } from "./event-printer.js";

const now = new Date("2024-05-01T12:00:00Z");

describe("event printers", () => {
  it("prints a core/v1 event in upstream column order, wide columns between", () => {
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "p.17c2", namespace: "default" },
      involvedObject: { kind: "Pod", name: "p", fieldPath: "spec.containers{app}" },
      reason: "Pulled",
      message: "  Successfully pulled image \"busybox\"\n",
      type: "Normal",
      source: { component: "kubelet", host: "peapod-1" },
      firstTimestamp: "2024-05-01T11:50:00Z",
      lastTimestamp: "2024-05-01T11:59:00Z",
      count: 3,
    };
    assert.deepEqual(eventPrinter.row(event, now).cells, [
      "60s",
      "Normal",
      "Pulled",
      "pod/p",
      "spec.containers{app}",
      "kubelet, peapod-1",
      'Successfully pulled image "busybox"',
      "10m",
      3,
      "p.17c2",
    ]);
    assert.deepEqual(
      eventPrinter.columns.map((c) => `${c.name}:${c.priority}`),
      [
        "Last Seen:0",
        "Type:0",
        "Reason:0",
        "Object:0",
        "Subobject:1",
        "Source:1",
        "Message:0",
        "First Seen:1",
        "Count:1",
        "Name:1",
      ],
    );
  });

  it("falls back to eventTime, the reporting controller and a count of 1 for events written the new way", () => {
    const event = {
      metadata: { name: "e" },
      involvedObject: { kind: "Node" },
      reason: "Starting",
      type: "Normal",
      eventTime: "2024-05-01T11:59:30.123456Z",
      reportingController: "peapod-agent",
      reportingInstance: "peapod-1",
    };
    const cells = eventPrinter.row(event, now).cells;
    assert.deepEqual([cells[0], cells[3], cells[5], cells[7], cells[8]], ["29s", "node", "peapod-agent, peapod-1", "29s", 1]);
  });

  it("takes LAST SEEN and COUNT from the series of a repeating event", () => {
    const event = {
      metadata: { name: "e" },
      involvedObject: { kind: "Pod", name: "p" },
      eventTime: "2024-05-01T11:00:00.000000Z",
      series: { count: 7, lastObservedTime: "2024-05-01T11:58:00.000000Z" },
      count: 2,
    };
    const cells = eventPrinter.row(event, now).cells;
    assert.deepEqual([cells[0], cells[7], cells[8]], ["2m", "60m", 7]);
  });

  it("prints an events.k8s.io/v1 event with the same columns, from regarding, note and the deprecated fields", () => {
    const event = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "p.17c2" },
      regarding: { kind: "Pod", name: "p", fieldPath: "spec.containers{app}" },
      note: "Started container app",
      reason: "Started",
      type: "Normal",
      deprecatedSource: { component: "kubelet" },
      deprecatedFirstTimestamp: "2024-05-01T11:55:00Z",
      deprecatedLastTimestamp: "2024-05-01T11:55:00Z",
      deprecatedCount: 1,
    };
    assert.deepEqual(eventsV1EventPrinter.columns, eventPrinter.columns);
    assert.deepEqual(eventsV1EventPrinter.row(event, now).cells, [
      "5m",
      "Normal",
      "Started",
      "pod/p",
      "spec.containers{app}",
      "kubelet",
      "Started container app",
      "5m",
      1,
      "p.17c2",
    ]);
  });
});
