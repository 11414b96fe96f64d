import { test } from "node:test";
import assert from "node:assert/strict";
import { isIPv4 } from "node:net";
import { defaultRouteInterface, hostIPv4Address } from "./host-address.js";

const header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

test("defaultRouteInterface finds the up default route, not a subnet route before it", () => {
  const table = header +
    "ppt-1a2b3c\t00FAFA0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
  assert.equal(defaultRouteInterface(table), "eth0");
  assert.equal(defaultRouteInterface(header + "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"), undefined);
  assert.equal(defaultRouteInterface(header + "eth1\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"), undefined, "a route that is not up");
  assert.equal(defaultRouteInterface(""), undefined);
});

test("hostIPv4Address is an IPv4 address of this host", () => {
  assert.ok(isIPv4(hostIPv4Address()));
});
