import { test } from "node:test";
import assert from "node:assert/strict";
import { KeyedMutex } from "./keyed-mutex.js";

test("sections of one key run one at a time, in order, past failures; other keys do not wait", async () => {
  const mutex = new KeyedMutex();
  const log: string[] = [];
  const section = (name: string, ms: number, fail = false) => async (): Promise<string> => {
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const a1 = mutex.run("a", section("a1", 30, true));
  const a2 = mutex.run("a", section("a2", 5));
  const b1 = mutex.run("b", section("b1", 5));
  await assert.rejects(a1, /a1/);
  assert.equal(await a2, "a2");
  assert.equal(await b1, "b1");
  assert.ok(log.indexOf("end a1") < log.indexOf("start a2"));
  assert.ok(log.indexOf("end b1") < log.indexOf("end a1"), "b does not wait for a");
});
