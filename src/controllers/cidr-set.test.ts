/** CidrSet: node ranges out of the cluster CIDR, lowest free first, as upstream's cidrset. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CidrSet, CidrSetFullError, nodeMaskSizeFor } from "./cidr-set.js";

const cases: { name: string; cluster: string; mask: number; occupied?: string[]; released?: string[]; allocate: number; want: (string | "full")[] }[] = [
  { name: "a /16 hands out /24s in order", cluster: "10.42.0.0/16", mask: 24, allocate: 3, want: ["10.42.0.0/24", "10.42.1.0/24", "10.42.2.0/24"] },
  { name: "host bits of the cluster CIDR are ignored", cluster: "10.42.7.9/16", mask: 24, allocate: 1, want: ["10.42.0.0/24"] },
  { name: "a /23 holds two /24s, then it is full", cluster: "10.250.6.0/23", mask: 24, allocate: 3, want: ["10.250.6.0/24", "10.250.7.0/24", "full"] },
  { name: "occupied ranges (set by someone else) are skipped", cluster: "10.42.0.0/16", mask: 24, occupied: ["10.42.0.0/24", "10.42.2.0/24"], allocate: 2, want: ["10.42.1.0/24", "10.42.3.0/24"] },
  { name: "a larger occupied CIDR takes every range it covers", cluster: "10.42.0.0/16", mask: 24, occupied: ["10.42.0.0/23"], allocate: 1, want: ["10.42.2.0/24"] },
  { name: "a smaller occupied CIDR takes its whole range", cluster: "10.42.0.0/16", mask: 24, occupied: ["10.42.0.128/25"], allocate: 1, want: ["10.42.1.0/24"] },
  { name: "a released range is handed out again, lowest first", cluster: "10.42.0.0/22", mask: 24, occupied: ["10.42.0.0/24", "10.42.1.0/24"], released: ["10.42.0.0/24"], allocate: 2, want: ["10.42.0.0/24", "10.42.2.0/24"] },
  { name: "a cluster range as small as the node's is one range", cluster: "10.250.3.128/25", mask: 25, allocate: 2, want: ["10.250.3.128/25", "full"] },
];

for (const c of cases) {
  test(c.name, () => {
    const set = new CidrSet(c.cluster, c.mask);
    for (const o of c.occupied ?? []) set.occupy(o);
    for (const r of c.released ?? []) set.release(r);
    const got: string[] = [];
    for (let i = 0; i < c.allocate; i++) {
      try {
        got.push(set.allocateNext());
      } catch (e) {
        assert.ok(e instanceof CidrSetFullError);
        assert.equal(e.message, "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range");
        got.push("full");
      }
    }
    assert.deepEqual(got, c.want);
  });
}

test("a CIDR outside the cluster range cannot be occupied", () => {
  const set = new CidrSet("10.42.0.0/16", 24);
  assert.throws(() => set.occupy("10.43.0.0/24"), /cidr 10.43.0.0\/24 is out the range of cluster cidr 10.42.0.0\/16/);
  assert.throws(() => set.occupy("10.0.0.0/8"), /out the range/);
  assert.equal(set.used, 0);
});

test("malformed CIDRs and masks are refused", () => {
  for (const bad of ["10.42.0.0", "300.1.1.1/16", "fd00::/64"]) assert.throws(() => new CidrSet(bad, 24), /invalid CIDR address/);
  assert.throws(() => new CidrSet("10.42.0.0/16", 8), /does not fit/);
});

test("nodeMaskSizeFor: /24 unless the cluster range is smaller", () => {
  assert.equal(nodeMaskSizeFor("10.42.0.0/16"), 24);
  assert.equal(nodeMaskSizeFor("10.250.3.128/25"), 25);
});
