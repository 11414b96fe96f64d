import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSubjectAltNames, sameSubjectAltNames, subjectAltNamesFor } from "./serving-hosts.js";

describe("subjectAltNamesFor", () => {
  test("always includes the loopback names and adds the given hosts, sorted, lower-case and without duplicates", () => {
    assert.deepEqual(subjectAltNamesFor(["Node-A.example", "10.0.0.1", "127.0.0.1", "node-a.example"]), {
      dnsNames: ["localhost", "node-a.example"],
      ipAddresses: ["10.0.0.1", "127.0.0.1", "::1"],
    });
  });

  test("writes IPv6 addresses in their short form and drops the unspecified addresses", () => {
    assert.deepEqual(subjectAltNamesFor(["FD00:0:0:0:0:0:0:0001", "0.0.0.0", "::"]).ipAddresses, ["127.0.0.1", "::1", "fd00::1"]);
  });

  test("refuses names that cannot be a host", () => {
    for (const host of ["", "a b", "-x", "x,y", "a.b."]) {
      assert.throws(() => subjectAltNamesFor([host]), /invalid host/, JSON.stringify(host));
    }
  });
});

describe("parseSubjectAltNames", () => {
  test("reads back Node's rendering of a certificate's names", () => {
    const parsed = parseSubjectAltNames("DNS:localhost, DNS:Node-A, IP Address:10.0.0.1, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    assert.ok(parsed !== undefined);
    assert.ok(sameSubjectAltNames(parsed, subjectAltNamesFor(["node-a", "10.0.0.1"])));
    assert.ok(!sameSubjectAltNames(parsed, subjectAltNamesFor(["node-a"])));
  });

  test("treats names it cannot read as unknown", () => {
    assert.equal(parseSubjectAltNames('DNS:"a, b"'), undefined);
    assert.equal(parseSubjectAltNames("email:x@example.com"), undefined);
    assert.deepEqual(parseSubjectAltNames(undefined), { dnsNames: [], ipAddresses: [] });
  });
});
