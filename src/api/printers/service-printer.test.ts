import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "./object-fields.js";
import { servicePrinter } from "./service-printer.js";

const now = new Date("2024-05-01T12:00:00Z");
const service = (spec: JsonObject, status: JsonObject = {}) => ({
  metadata: { name: "web", creationTimestamp: "2024-05-01T11:00:00Z" },
  spec,
  status,
});

describe("service printer", () => {
  it("prints a ClusterIP service with its ports and selector", () => {
    const svc = service({
      type: "ClusterIP",
      clusterIP: "10.96.0.10",
      clusterIPs: ["10.96.0.10"],
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
      selector: { tier: "front", app: "web" },
    });
    assert.deepEqual(servicePrinter.row(svc, now).cells, [
      "web",
      "ClusterIP",
      "10.96.0.10",
      "<none>",
      "80/TCP,53/UDP",
      "60m",
      "app=web,tier=front",
    ]);
  });

  it("shows node ports and external IPs", () => {
    const svc = service({
      type: "NodePort",
      clusterIP: "10.96.0.11",
      externalIPs: ["198.51.100.1", "198.51.100.2"],
      ports: [{ port: 80, nodePort: 30080, protocol: "TCP" }],
    });
    const cells = servicePrinter.row(svc, now).cells;
    assert.deepEqual(cells.slice(3, 5), ["198.51.100.1,198.51.100.2", "80:30080/TCP"]);
    assert.equal(cells[6], "<none>");
  });

  it("shows <pending> for a load balancer without ingress, and its sorted ingress points otherwise", () => {
    const pending = service({ type: "LoadBalancer", clusterIP: "10.96.0.12", ports: [] });
    assert.deepEqual(servicePrinter.row(pending, now).cells.slice(3, 5), ["<pending>", "<none>"]);
    const ready = service(
      { type: "LoadBalancer", clusterIP: "10.96.0.12", externalIPs: ["198.51.100.9"] },
      { loadBalancer: { ingress: [{ ip: "203.0.113.7" }, { hostname: "lb.example.com" }, { ip: "203.0.113.7" }] } },
    );
    assert.equal(servicePrinter.row(ready, now).cells[3], "203.0.113.7,lb.example.com,198.51.100.9");
  });

  it("an ExternalName service shows its name as EXTERNAL-IP and no cluster IP", () => {
    const svc = service({ type: "ExternalName", externalName: "db.example.com" });
    assert.deepEqual(servicePrinter.row(svc, now).cells.slice(1, 4), ["ExternalName", "<none>", "db.example.com"]);
  });

  it("has SELECTOR as its only wide column", () => {
    assert.deepEqual(
      servicePrinter.columns.filter((c) => c.priority > 0).map((c) => c.name),
      ["Selector"],
    );
  });
});
