import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Taint, Toleration } from "../api/index.js";
import { toleratesTaint } from "../api/index.js";
import { taintTolerationFilter } from "./taint-toleration.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

describe("a toleration tolerates a taint (upstream ToleratesTaint)", () => {
  const taint: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };
  const cases: { name: string; toleration: Toleration; want: boolean }[] = [
    { name: "Equal with the same key, value and effect", toleration: { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }, want: true },
    { name: "empty operator means Equal", toleration: { key: "dedicated", value: "gpu" }, want: true },
    { name: "Equal with another value", toleration: { key: "dedicated", operator: "Equal", value: "cpu" }, want: false },
    { name: "Exists ignores the value", toleration: { key: "dedicated", operator: "Exists" }, want: true },
    { name: "another effect", toleration: { key: "dedicated", operator: "Exists", effect: "NoExecute" }, want: false },
    { name: "another key", toleration: { key: "other", operator: "Exists" }, want: false },
    { name: "empty key with Exists tolerates everything", toleration: { operator: "Exists" }, want: true },
    { name: "an unknown operator tolerates nothing", toleration: { key: "dedicated", operator: "Like", value: "gpu" }, want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(toleratesTaint(c.toleration, taint), c.want));
});

describe("TaintToleration filter", () => {
  const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" };
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; want?: string }[] = [
    { name: "an untainted node", taints: [], want: undefined },
    { name: "a not-ready node keeps an ordinary pod off", taints: [notReady], want: "node(s) had untolerated taint {node.kubernetes.io/not-ready: }" },
    {
      name: "the default NoExecute tolerations do not cover the NoSchedule not-ready taint",
      taints: [notReady],
      tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }],
      want: "node(s) had untolerated taint {node.kubernetes.io/not-ready: }",
    },
    { name: "unreachable NoExecute", taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }], want: "node(s) had untolerated taint {node.kubernetes.io/unreachable: }" },
    { name: "PreferNoSchedule does not filter", taints: [{ key: "soft", value: "x", effect: "PreferNoSchedule" }], want: undefined },
    {
      name: "the first untolerated taint is named, with its value",
      taints: [{ key: "a", value: "1", effect: "NoSchedule" }, { key: "b", value: "2", effect: "NoSchedule" }],
      tolerations: [{ key: "a", operator: "Exists" }],
      want: "node(s) had untolerated taint {b: 2}",
    },
    { name: "a tolerated taint", taints: [notReady], tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists" }], want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = taintTolerationFilter.filter(pod("p", undefined, { tolerations: c.tolerations }), nodeInfo("n", { taints: c.taints }));
      assert.deepEqual(status, c.want === undefined ? undefined : { code: "UnschedulableAndUnresolvable", reasons: [c.want] });
    });
  }
});
