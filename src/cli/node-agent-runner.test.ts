import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFlags, UsageError } from "./flags.js";
import { containerLogFlags, nodeAgentFlags } from "./node-agent-runner.js";

const specs = nodeAgentFlags;
const cases: Array<[string[], { containerLogMaxSize: number; containerLogMaxFiles: number; containerLogMonitorIntervalMs: number } | RegExp]> = [
  [[], { containerLogMaxSize: 10 * 1024 * 1024, containerLogMaxFiles: 5, containerLogMonitorIntervalMs: 10_000 }],
  [["--container-log-max-size", "64Ki", "--container-log-max-files=2"], { containerLogMaxSize: 65_536, containerLogMaxFiles: 2, containerLogMonitorIntervalMs: 10_000 }],
  [["--container-log-max-size=1M", "--container-log-monitor-interval", "3s"], { containerLogMaxSize: 1_000_000, containerLogMaxFiles: 5, containerLogMonitorIntervalMs: 3000 }],
  [["--container-log-monitor-interval", "2s"], /^invalid configuration: containerLogMonitorInterval must be a positive time duration greater than or equal to 3s$/],
  [["--container-log-monitor-interval", "soon"], /invalid argument "soon" for "--container-log-monitor-interval" flag: time: invalid duration "soon"/],
  [["--container-log-max-size", "ten"], /^failed to parse container log max size "ten": quantities must match the regular expression/],
  [["--container-log-max-size", "0"], /containerLogMaxSize 0 must be greater than 0/],
  [["--container-log-max-files", "1"], /^invalid configuration: containerLogMaxFiles must be greater than 1$/],
  [["--container-log-max-files", "3x"], /invalid argument "3x" for "--container-log-max-files" flag/],
];

for (const [args, want] of cases) {
  test(`containerLogFlags: ${args.join(" ") || "(defaults)"}`, () => {
    const flags = parseFlags(args, specs);
    if (want instanceof RegExp) assert.throws(() => containerLogFlags(flags), (e: unknown) => e instanceof UsageError && want.test(e.message));
    else assert.deepEqual(containerLogFlags(flags), want);
  });
}
