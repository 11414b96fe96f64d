import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { endpointsPrinter } from "./endpoints-printer.js";

const now = new Date("2024-05-01T12:00:00Z");
const endpoints = (subsets: unknown) => ({ metadata: { name: "web" }, subsets });
const endpointsText = (subsets: unknown) => endpointsPrinter.row(endpoints(subsets), now).cells[1];

describe("endpoints printer", () => {
  it("lists ip:port pairs, brackets IPv6 addresses, and shows <none> without subsets", () => {
    assert.equal(endpointsText(undefined), "<none>");
    assert.equal(
      endpointsText([{ addresses: [{ ip: "10.88.0.2" }, { ip: "fd00::2" }], ports: [{ port: 8080 }] }]),
      "10.88.0.2:8080,[fd00::2]:8080",
    );
  });

  it("lists three entries and counts the rest as + N more...", () => {
    const subsets = [
      {
        addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }],
        notReadyAddresses: [{ ip: "10.0.0.9" }],
        ports: [{ port: 80 }, { port: 443 }],
      },
      { addresses: [{ ip: "10.0.1.1" }] },
    ];
    assert.equal(endpointsText(subsets), "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...");
  });

  it("lists bare addresses of a headless service without ports", () => {
    assert.equal(endpointsText([{ addresses: [{ ip: "10.0.0.1" }] }]), "10.0.0.1");
  });

  it("shows an empty cell when the subsets hold no ready address", () => {
    assert.equal(endpointsText([{ notReadyAddresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }]), "");
  });
});
