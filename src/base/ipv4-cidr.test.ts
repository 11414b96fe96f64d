import { test } from "node:test";
import assert from "node:assert/strict";
import { formatIpv4, formatIpv4Cidr, parseIpv4Cidr } from "./ipv4-cidr.js";

test("parseIpv4Cidr clears host bits and round-trips through formatIpv4Cidr", () => {
  for (const [input, want] of [
    ["10.42.0.0/16", "10.42.0.0/16"],
    ["10.42.7.9/24", "10.42.7.0/24"],
    ["192.168.1.200/30", "192.168.1.200/30"],
    ["255.255.255.255/32", "255.255.255.255/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
  ] as const) assert.equal(formatIpv4Cidr(parseIpv4Cidr(input)), want, input);
  assert.equal(formatIpv4(0x0a2a0101), "10.42.1.1");
});

test("parseIpv4Cidr refuses what net.ParseCIDR refuses, with its text", () => {
  for (const bad of ["10.42.0.0", "10.42.0.0/33", "300.1.1.1/16", "10.42.0.256/24", "fd00::/64", ""]) {
    assert.throws(() => parseIpv4Cidr(bad), { message: `invalid CIDR address: ${bad}` });
  }
});
