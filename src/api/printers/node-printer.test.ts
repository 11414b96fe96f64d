import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodePrinter } from "./node-printer.js";

const now = new Date("2024-05-01T12:00:00Z");

const node = {
  metadata: {
    name: "peapod-1",
    creationTimestamp: "2024-04-29T11:00:00Z",
    labels: {
      "node-role.kubernetes.io/control-plane": "",
      "node-role.kubernetes.io/worker": "",
      "kubernetes.io/role": "edge",
      "node-role.kubernetes.io/": "",
    },
  },
  spec: { unschedulable: true },
  status: {
    conditions: [
      { type: "MemoryPressure", status: "False" },
      { type: "Ready", status: "True" },
    ],
    addresses: [
      { type: "Hostname", address: "peapod-1" },
      { type: "InternalIP", address: "192.168.1.10" },
    ],
    nodeInfo: {
      kubeletVersion: "v1.32.0",
      osImage: "Debian GNU/Linux 12 (bookworm)",
      kernelVersion: "6.1.0-18-amd64",
      containerRuntimeVersion: "runc://1.1.5",
    },
  },
};

describe("node printer", () => {
  it("shows Ready,SchedulingDisabled, sorted roles from both role labels, and the node info", () => {
    assert.deepEqual(nodePrinter.row(node, now).cells, [
      "peapod-1",
      "Ready,SchedulingDisabled",
      "control-plane,edge,worker",
      "2d1h",
      "v1.32.0",
      "192.168.1.10",
      "<none>",
      "Debian GNU/Linux 12 (bookworm)",
      "6.1.0-18-amd64",
      "runc://1.1.5",
    ]);
  });

  it("a node that never reported shows Unknown, <none> roles and <unknown> node info", () => {
    assert.deepEqual(nodePrinter.row({ metadata: { name: "n" } }, now).cells, [
      "n",
      "Unknown",
      "<none>",
      "<unknown>",
      "",
      "<none>",
      "<none>",
      "<unknown>",
      "<unknown>",
      "<unknown>",
    ]);
  });

  it("a node whose Ready condition is False or Unknown shows NotReady", () => {
    for (const status of ["False", "Unknown"]) {
      const n = { metadata: { name: "n" }, status: { conditions: [{ type: "Ready", status }] } };
      assert.equal(nodePrinter.row(n, now).cells[1], "NotReady");
    }
  });

  it("has the upstream columns, the addresses and node info wide", () => {
    assert.deepEqual(
      nodePrinter.columns.map((c) => `${c.name}:${c.priority}`),
      [
        "Name:0",
        "Status:0",
        "Roles:0",
        "Age:0",
        "Version:0",
        "Internal-IP:1",
        "External-IP:1",
        "OS-Image:1",
        "Kernel-Version:1",
        "Container-Runtime:1",
      ],
    );
  });
});
