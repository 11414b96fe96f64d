import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCronSchedule } from "./cron-schedule.js";

describe("cron schedules", () => {
  it("expand ranges, steps, lists and names", () => {
    const s = parseCronSchedule("*/15 9-17 * jan,JUL mon-fri").schedule!;
    assert.deepEqual([...s.minutes], [0, 15, 30, 45]);
    assert.deepEqual([...s.hours], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual([...s.months], [1, 7]);
    assert.deepEqual([...s.daysOfWeek], [1, 2, 3, 4, 5]);
    assert.equal(s.domStar, true);
    assert.equal(s.dowStar, false);
  });
  it("a single value with a step runs to the end of the range", () => {
    assert.deepEqual([...parseCronSchedule("50/5 * * * *").schedule!.minutes], [50, 55]);
  });
  it("accept descriptors", () => {
    assert.deepEqual([...parseCronSchedule("@hourly").schedule!.minutes], [0]);
    assert.equal(parseCronSchedule("@every 1h30m").schedule!.everySeconds, 5400);
    assert.equal(parseCronSchedule("@daily").schedule!.hours.size, 1);
  });

  const errors: [string, string][] = [
    ["* * *", "expected exactly 5 fields, found 3: [* * *]"],
    ["60 * * * *", "end of range (60) above maximum (59): 60"],
    ["* * 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"],
    ["*/0 * * * *", "step of range should be a positive number: */0"],
    ["x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"],
    ["1-2-3 * * * *", "too many hyphens: 1-2-3"],
    ["*/2/3 * * * *", "too many slashes: */2/3"],
    ["@sometimes", "unrecognized descriptor: @sometimes"],
    ["@every soon", "failed to parse duration @every soon: time: invalid duration \"soon\""],
  ];
  for (const [spec, want] of errors) it(`refuse ${JSON.stringify(spec)}`, () => assert.equal(parseCronSchedule(spec).error, want));
});
