/** The PodScheduled=False condition: written only when it changes, its transition time kept while False. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod, PodCondition } from "../api/index.js";
import { podScheduledFalseCondition } from "./pod-scheduled-condition.js";

const before = "2026-01-01T00:00:00Z";
const now = "2026-01-01T00:01:00Z";

function podWith(...conditions: Partial<PodCondition>[]): Pod {
  return { metadata: { name: "p" }, status: { phase: "Pending", conditions } };
}

const unschedulable = (message: string, lastTransitionTime: string): PodCondition =>
  ({ type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime, reason: "Unschedulable", message });

const cases: { name: string; pod: Pod; message: string; want: PodCondition | undefined }[] = [
  { name: "a pod without conditions gets the condition, transitioning now",
    pod: { metadata: { name: "p" } }, message: "m", want: unschedulable("m", now) },
  { name: "the same status, reason and message is not written again",
    pod: podWith(unschedulable("m", before)), message: "m", want: undefined },
  { name: "a new message keeps the transition time (the status did not change)",
    pod: podWith(unschedulable("old", before)), message: "m", want: unschedulable("m", before) },
  { name: "from SchedulingGated (False) to Unschedulable keeps the transition time",
    pod: podWith({ type: "PodScheduled", status: "False", reason: "SchedulingGated", message: "g", lastTransitionTime: before }), message: "m", want: unschedulable("m", before) },
  { name: "from True (bound, then unbound by a test) the status changes, so the time moves",
    pod: podWith({ type: "PodScheduled", status: "True", lastTransitionTime: before }), message: "m", want: unschedulable("m", now) },
  { name: "other conditions do not count",
    pod: podWith({ type: "Ready", status: "False", reason: "Unschedulable", message: "m", lastTransitionTime: before }), message: "m", want: unschedulable("m", now) },
];

for (const c of cases) {
  test(`PodScheduled condition: ${c.name}`, () => {
    assert.deepEqual(podScheduledFalseCondition(c.pod, "Unschedulable", c.message, now), c.want);
  });
}

test("PodScheduled condition: the same message with another reason is written", () => {
  assert.equal(podScheduledFalseCondition(podWith(unschedulable("m", before)), "SchedulerError", "m", now)?.reason, "SchedulerError");
});
