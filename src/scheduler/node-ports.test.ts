import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerPort, Pod } from "../api/index.js";
import { nodePortsFilter } from "./node-ports.js";
import { container, nodeInfo } from "./testing/fixtures.js";

function withPorts(name: string, ports: ContainerPort[]): Pod {
  return { metadata: { name }, spec: { containers: [container("app", undefined, { ports })] } };
}

describe("NodePorts filter (hostPort conflicts per hostIP and protocol)", () => {
  const cases: { name: string; used: ContainerPort[]; wanted: ContainerPort[]; fits: boolean }[] = [
    { name: "no hostPort wanted", used: [{ containerPort: 80, hostPort: 80 }], wanted: [{ containerPort: 80 }], fits: true },
    { name: "same port, both default TCP on all IPs", used: [{ containerPort: 80, hostPort: 8080 }], wanted: [{ containerPort: 80, hostPort: 8080 }], fits: false },
    { name: "same port, other protocol", used: [{ containerPort: 53, hostPort: 53, protocol: "UDP" }], wanted: [{ containerPort: 53, hostPort: 53 }], fits: true },
    { name: "explicit TCP equals the default", used: [{ containerPort: 80, hostPort: 80 }], wanted: [{ containerPort: 80, hostPort: 80, protocol: "TCP" }], fits: false },
    { name: "different host IPs", used: [{ containerPort: 80, hostPort: 80, hostIP: "127.0.0.1" }], wanted: [{ containerPort: 80, hostPort: 80, hostIP: "10.0.0.1" }], fits: true },
    { name: "a specific IP against 0.0.0.0 in use", used: [{ containerPort: 80, hostPort: 80 }], wanted: [{ containerPort: 80, hostPort: 80, hostIP: "10.0.0.1" }], fits: false },
    { name: "0.0.0.0 against a specific IP in use", used: [{ containerPort: 80, hostPort: 80, hostIP: "10.0.0.1" }], wanted: [{ containerPort: 80, hostPort: 80, hostIP: "0.0.0.0" }], fits: false },
    { name: "different ports", used: [{ containerPort: 80, hostPort: 80 }], wanted: [{ containerPort: 80, hostPort: 81 }], fits: true },
    { name: "containerPort alone takes no host port", used: [{ containerPort: 80 }], wanted: [{ containerPort: 80, hostPort: 80 }], fits: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = nodePortsFilter.filter(withPorts("new", c.wanted), nodeInfo("n", { pods: [withPorts("old", c.used)] }));
      assert.deepEqual(status, c.fits ? undefined : { code: "Unschedulable", reasons: ["node(s) didn't have free ports for the requested pod ports"] });
    });
  }
});
