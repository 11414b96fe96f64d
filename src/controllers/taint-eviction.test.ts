/** evictionDelayMs (upstream processPodOnNode/getMinTolerationTime) and podConditionsNotReady (MarkPodsNotReady). */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod, Taint, Toleration } from "../api/index.js";
import { podConditionsNotReady } from "./mark-pods-not-ready.js";
import { evictionDelayMs } from "./taint-eviction.js";

const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoExecute" };
const defaults: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; want: number | undefined }[] = [
  { name: "no taints: stay", taints: [], want: undefined },
  { name: "no tolerations: now", taints: [unreachable], want: 0 },
  { name: "the API server's defaults: 300 s", taints: [unreachable], tolerations: defaults, want: 300_000 },
  { name: "one of two taints untolerated: now", taints: [unreachable, { key: "x", effect: "NoExecute" }], tolerations: defaults, want: 0 },
  { name: "the smallest tolerationSeconds of the tolerations used", taints: [unreachable, notReady], tolerations: [defaults[0]!, { ...defaults[1]!, tolerationSeconds: 1 }], want: 1000 },
  { name: "tolerated without tolerationSeconds: forever", taints: [unreachable], tolerations: [{ operator: "Exists" }], want: undefined },
  { name: "tolerationSeconds 0 or less: now", taints: [unreachable], tolerations: [{ ...defaults[1]!, tolerationSeconds: -5 }], want: 0 },
  { name: "only the first matching toleration counts", taints: [unreachable], tolerations: [{ operator: "Exists" }, defaults[1]!], want: undefined },
  { name: "a toleration with another value does not match (Equal)", taints: [{ key: "k", value: "a", effect: "NoExecute" }], tolerations: [{ key: "k", value: "b", effect: "NoExecute", tolerationSeconds: 5 }], want: 0 },
];

for (const c of cases) {
  test(`taint eviction: ${c.name}`, () => {
    assert.equal(evictionDelayMs(c.taints, c.tolerations), c.want);
  });
}

test("mark pods not ready: Ready becomes False with a new transition time, reason and message kept; others untouched", () => {
  const now = new Date("2026-01-01T00:01:00Z");
  const pod: Pod = { status: { conditions: [
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" },
    { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" },
  ] } };
  assert.deepEqual(podConditionsNotReady(pod, now), [
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" },
    { type: "Ready", status: "False", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:01:00Z" },
  ]);
  assert.equal(podConditionsNotReady({ status: { conditions: [{ type: "Ready", status: "False" }] } }, now), undefined);
  assert.equal(podConditionsNotReady({ status: {} }, now), undefined);
});
