import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isRelaxedEnvVarName,
  isValidLabelValue, isValidPercent, isValidPortName, isValidPortNum, parseIPFamily, regexError,
} from "./name-validation.js";

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const qualifiedRegex =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe("DNS-1123 labels (container names, namespaces, volume names)", () => {
  const cases: [string, string[]][] = [
    ["app", []],
    ["123-abc", []],
    ["a".repeat(63), []],
    ["Foo", [labelMsg]],
    ["-app", [labelMsg]],
    ["app-", [labelMsg]],
    ["my.app", ["must not contain dots"]],
    ["a".repeat(64), ["must be no more than 63 characters"]],
    ["", [labelMsg]],
  ];
  for (const [value, want] of cases) {
    it(`${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)} gives ${want.length} error(s)`, () => {
      assert.deepEqual(isDNS1123Label(value), want);
    });
  }

  it("shows the upstream double space before 'or' in the examples", () => {
    assert.match(isDNS1123Label("Foo")[0]!, /'my-name',  or '123-abc'/);
  });
});

describe("DNS-1123 subdomains (most object names)", () => {
  const cases: [string, string[]][] = [
    ["example.com", []],
    ["web-0.web", []],
    ["Example.com", [subdomainMsg]],
    ["a..b", [subdomainMsg]],
    ["a".repeat(254), ["must be no more than 253 characters"]],
  ];
  for (const [value, want] of cases) {
    it(`${JSON.stringify(value.slice(0, 20))} gives ${want.length} error(s)`, () => assert.deepEqual(isDNS1123Subdomain(value), want));
  }
});

describe("DNS-1035 labels (service names)", () => {
  it("refuses a leading digit with the DNS-1035 message", () => {
    assert.deepEqual(isDNS1035Label("1web"), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });
  it("accepts a plain name", () => assert.deepEqual(isDNS1035Label("web"), []));
});

describe("qualified names (label and annotation keys)", () => {
  const cases: [string, string[]][] = [
    ["app", []],
    ["app.kubernetes.io/name", []],
    ["My_Key.1", []],
    ["/name", ["prefix part must be non-empty"]],
    ["example.com/", ["name part must be non-empty", `name part ${qualifiedRegex}`]],
    ["Example.com/name", [`prefix part ${subdomainMsg}`]],
    ["a/b/c", [`a qualified name ${qualifiedRegex} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ["-bad", [`name part ${qualifiedRegex}`]],
    ["a".repeat(64), ["name part must be no more than 63 characters"]],
  ];
  for (const [value, want] of cases) {
    it(`${JSON.stringify(value.slice(0, 24))}`, () => assert.deepEqual(isQualifiedName(value), want));
  }
});

describe("label values", () => {
  const valueMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  it("allows the empty value", () => assert.deepEqual(isValidLabelValue(""), []));
  it("refuses a trailing dot", () => assert.deepEqual(isValidLabelValue("v1."), [valueMsg]));
  it("refuses 64 characters", () => assert.deepEqual(isValidLabelValue("a".repeat(64)), ["must be no more than 63 characters"]));
});

describe("ports", () => {
  it("numbers must be 1-65535", () => {
    assert.deepEqual(isValidPortNum(0), ["must be between 1 and 65535, inclusive"]);
    assert.deepEqual(isValidPortNum(65535), []);
  });
  const nameCases: [string, string[]][] = [
    ["http", []],
    ["http-alt", []],
    ["HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"]],
    ["8080", ["must contain at least one letter (a-z)"]],
    ["a--b", ["must not contain consecutive hyphens"]],
    ["-web", ["must not begin or end with a hyphen"]],
    ["a-very-long-port-name", ["must be no more than 15 characters"]],
  ];
  for (const [value, want] of nameCases) {
    it(`port name ${JSON.stringify(value)}`, () => assert.deepEqual(isValidPortName(value), want));
  }
});

describe("config map keys, env names, percents, IPs", () => {
  it("keys may not be '..' or start with '..'", () => {
    assert.deepEqual(isConfigMapKey(".."), ["must not be '..'"]);
    assert.deepEqual(isConfigMapKey("..data"), ["must not start with '..'"]);
    assert.deepEqual(isConfigMapKey("app.properties"), []);
    assert.deepEqual(isConfigMapKey("a/b"), [
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });
  it("env names may be any printable ASCII but '='", () => {
    assert.deepEqual(isRelaxedEnvVarName("1-odd.name with space"), []);
    assert.deepEqual(isRelaxedEnvVarName("A=B"), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
    assert.deepEqual(isRelaxedEnvVarName("é"), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  });
  it("percents need a trailing %", () => {
    assert.deepEqual(isValidPercent("25%"), []);
    assert.deepEqual(isValidPercent("25"), [regexError("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%")]);
  });
  it("recognises IPv4 and IPv6 addresses", () => {
    assert.equal(parseIPFamily("10.0.0.1"), 4);
    assert.equal(parseIPFamily("2001:db8::1"), 6);
    assert.equal(parseIPFamily("::ffff:10.0.0.1"), 6);
    assert.equal(parseIPFamily("256.0.0.1"), undefined);
    assert.equal(parseIPFamily("example.com"), undefined);
    assert.equal(parseIPFamily("1::2::3"), undefined);
  });
});
