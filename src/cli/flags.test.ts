import assert from "node:assert/strict";
import { test } from "node:test";
import { durationFlag, parseFlags, UsageError, type FlagSpec } from "./flags.js";

const specs: FlagSpec[] = [{ name: "streaming-connection-idle-timeout", kind: "string", help: "", default: "4h0m0s" }];
const name = "streaming-connection-idle-timeout";

const cases: Array<[string[], number | RegExp]> = [
  [[], 4 * 3_600_000],
  [["--streaming-connection-idle-timeout", "30s"], 30_000],
  [["--streaming-connection-idle-timeout=1h5m"], 3_900_000],
  [["--streaming-connection-idle-timeout", "0"], 0],
  [["--streaming-connection-idle-timeout", "5"], /invalid argument "5" for "--streaming-connection-idle-timeout" flag: time: invalid duration "5"/],
  [["--streaming-connection-idle-timeout", "-1m"], /must not be negative/],
];

for (const [args, want] of cases) {
  test(`durationFlag: ${args.join(" ") || "(default)"}`, () => {
    const flags = parseFlags(args, specs);
    if (typeof want === "number") assert.equal(durationFlag(flags, name), want);
    else assert.throws(() => durationFlag(flags, name), (e: unknown) => e instanceof UsageError && want.test(e.message));
  });
}

test("durationFlag: a flag without a default and not given is undefined", () => {
  assert.equal(durationFlag(parseFlags([], [{ name: "x", kind: "string", help: "" }]), "x"), undefined);
});
