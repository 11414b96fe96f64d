import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { KeyedMutex, Mutex } from "./mutex.js";

describe("Mutex", () => {
  test("runs critical sections one at a time, a failure not blocking the next", async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const a = mutex.run(async () => {
      log.push("a in");
      await new Promise((r) => setTimeout(r, 5));
      log.push("a out");
      throw new Error("a failed");
    });
    const b = mutex.run(async () => void log.push("b"));
    await assert.rejects(a, /a failed/);
    await b;
    assert.deepEqual(log, ["a in", "a out", "b"]);
  });
});

describe("KeyedMutex", () => {
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
});
