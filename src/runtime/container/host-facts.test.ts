import { test } from "node:test";
import assert from "node:assert/strict";
import { capabilitiesFromMask, hardLimit, readHostFacts } from "./host-facts.js";

test("capability masks decode by bit number", () => {
  assert.deepEqual(capabilitiesFromMask("0"), []);
  assert.deepEqual(capabilitiesFromMask("1"), ["CAP_CHOWN"]);
  assert.deepEqual(capabilitiesFromMask("3000000"), ["CAP_SYS_RESOURCE", "CAP_SYS_TIME"]);
  const all = capabilitiesFromMask("000001fffeffffff");
  assert.equal(all.length, 40);
  assert.ok(!all.includes("CAP_SYS_RESOURCE"));
  assert.ok(all.includes("CAP_CHECKPOINT_RESTORE"));
});

test("hard limits from /proc/self/limits", () => {
  const limits = [
    "Limit                     Soft Limit           Hard Limit           Units     ",
    "Max stack size            8388608              unlimited            bytes     ",
    "Max open files            1024                 20000                files     ",
  ].join("\n");
  assert.equal(hardLimit(limits, "Max open files"), 20000);
  assert.equal(hardLimit(limits, "Max stack size"), Number.MAX_SAFE_INTEGER);
});

test("this host's facts never exceed what this process holds", () => {
  const facts = readHostFacts(true);
  assert.ok(facts.nofileHardLimit > 0);
  assert.ok(facts.capabilities.includes("CAP_SYS_ADMIN"), "tests run as root");
  if (!facts.capabilities.includes("CAP_SYS_RESOURCE")) assert.ok(facts.minOomScoreAdj >= -1000);
});
