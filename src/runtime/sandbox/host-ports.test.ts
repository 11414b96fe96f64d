import { test } from "node:test";
import assert from "node:assert/strict";
import { renderHostPortTable, sandboxChain } from "./host-ports.js";
import { canonicalCidr, gatewayOf, parsePodCidr } from "./pod-network.js";

const id = "ab".repeat(32);
const config = { table: "peapod_t", bridge: "ppt-1", podCIDR: "10.250.7.9/24" };

test("each sandbox's ports become DNAT rules in a chain of its own, reached from hostports", () => {
  const nft = renderHostPortTable(config, new Map([[id, [
    { protocol: "TCP" as const, hostPort: 18080, podIp: "10.250.7.2", containerPort: 8080 },
    { protocol: "UDP" as const, hostPort: 53, hostIp: "127.0.0.1", podIp: "10.250.7.2", containerPort: 5353 },
    { protocol: "SCTP" as const, hostPort: 9, hostIp: "0.0.0.0", podIp: "10.250.7.2", containerPort: 9 },
    { protocol: "TCP" as const, hostPort: 80, hostIp: "::1", podIp: "10.250.7.2", containerPort: 80 },
  ]]]));
  assert.ok(nft.startsWith("add table ip peapod_t\ndelete table ip peapod_t\ntable ip peapod_t {\n"));
  assert.ok(nft.includes(`  chain ${sandboxChain(id)} {\n    tcp dport 18080 dnat to 10.250.7.2:8080\n    ip daddr 127.0.0.1 udp dport 53 dnat to 10.250.7.2:5353\n    sctp dport 9 dnat to 10.250.7.2:9\n  }\n`));
  assert.ok(nft.includes(`  chain hostports {\n    jump hp-abababababab\n  }\n`));
  assert.doesNotMatch(nft, /::1/, "IPv6 host addresses are not published in the ip family");
  assert.ok(nft.includes(`ip saddr 127.0.0.0/8 oifname "ppt-1" masquerade`));
  assert.ok(nft.includes("ip saddr 10.250.7.0/24 ip daddr != 10.250.7.0/24 masquerade"));
});

test("with nothing published the table keeps its base chains and masquerading", () => {
  const nft = renderHostPortTable(config, new Map());
  assert.ok(nft.includes("  chain hostports {\n  }\n"));
  assert.match(nft, /type nat hook prerouting priority dstnat/);
  assert.match(nft, /type nat hook output priority -100/);
  assert.doesNotMatch(nft, /dnat to/);
});

test("pod CIDRs are parsed strictly and the gateway is the first address", () => {
  assert.equal(canonicalCidr("10.42.0.77/24"), "10.42.0.0/24");
  assert.equal(gatewayOf("10.42.0.0/24"), "10.42.0.1");
  assert.equal(gatewayOf("10.42.16.0/20"), "10.42.16.1");
  for (const bad of ["10.42.0.0", "10.42.0.256/24", "10.42.0.0/31", "fd00::/64"]) assert.throws(() => parsePodCidr(bad), /pod CIDR/);
});
