import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultEndpoints, type Endpoints } from "./core-defaults.js";
import { validateEndpoints } from "./endpoints-validation.js";

const ep = (subsets: Endpoints["subsets"]): Endpoints => {
  const e: Endpoints = { metadata: { name: "web", namespace: "default" }, subsets };
  defaultEndpoints(e);
  return e;
};

describe("endpoints", () => {
  const cases: [string, Endpoints, string[]][] = [
    ["a routable address with a port passes", ep([{ addresses: [{ ip: "10.1.0.5" }], ports: [{ port: 80 }] }]), []],
    ["a subset needs addresses", ep([{ ports: [{ port: 80 }] }]), ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]],
    ["loopback and link-local addresses are refused", ep([{ addresses: [{ ip: "127.0.0.1" }, { ip: "169.254.1.1" }] }]), [
      "subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
      "subsets[0].addresses[1].ip: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
    ]],
    ["several ports need names", ep([{ addresses: [{ ip: "10.1.0.5" }], ports: [{ port: 80 }, { name: "b", port: 81 }] }]),
      ["subsets[0].ports[0].name: Required value"]],
  ];
  for (const [title, e, want] of cases) it(title, () => assert.deepEqual(validateEndpoints(e).map(fieldErrorText), want));

  it("defaults port protocols to TCP", () => assert.equal(ep([{ ports: [{ port: 1 }] }]).subsets![0]!.ports![0]!.protocol, "TCP"));
});
