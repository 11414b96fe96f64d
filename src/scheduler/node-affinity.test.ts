import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NodeSelectorTerm, PodSpec } from "../api/index.js";
import { nodeAffinityFilter, nodeAffinityPreFilter } from "./node-affinity.js";
import { nodeInfo, pod } from "./testing/fixtures.js";

const required = (...terms: NodeSelectorTerm[]): PodSpec => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } },
});

describe("NodeAffinity filter (nodeSelector and required node affinity)", () => {
  const labels = { zone: "a", disktype: "ssd", cores: "8" };
  const cases: { name: string; spec: PodSpec; fits: boolean }[] = [
    { name: "no selector, no affinity", spec: {}, fits: true },
    { name: "nodeSelector matches", spec: { nodeSelector: { zone: "a", disktype: "ssd" } }, fits: true },
    { name: "nodeSelector value differs", spec: { nodeSelector: { zone: "b" } }, fits: false },
    { name: "nodeSelector key missing", spec: { nodeSelector: { gpu: "true" } }, fits: false },
    { name: "In", spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }), fits: true },
    { name: "In, not among the values", spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }), fits: false },
    { name: "NotIn", spec: required({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["b"] }] }), fits: true },
    { name: "NotIn on a missing label", spec: required({ matchExpressions: [{ key: "gpu", operator: "NotIn", values: ["x"] }] }), fits: true },
    { name: "Exists", spec: required({ matchExpressions: [{ key: "disktype", operator: "Exists" }] }), fits: true },
    { name: "DoesNotExist", spec: required({ matchExpressions: [{ key: "disktype", operator: "DoesNotExist" }] }), fits: false },
    { name: "Gt", spec: required({ matchExpressions: [{ key: "cores", operator: "Gt", values: ["4"] }] }), fits: true },
    { name: "Lt", spec: required({ matchExpressions: [{ key: "cores", operator: "Lt", values: ["4"] }] }), fits: false },
    { name: "Gt on a non-integer label never matches", spec: required({ matchExpressions: [{ key: "zone", operator: "Gt", values: ["1"] }] }), fits: false },
    {
      name: "expressions of a term are ANDed",
      spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }, { key: "disktype", operator: "In", values: ["hdd"] }] }),
      fits: false,
    },
    {
      name: "terms are ORed",
      spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }, { matchExpressions: [{ key: "disktype", operator: "In", values: ["ssd"] }] }),
      fits: true,
    },
    { name: "an empty term matches nothing", spec: required({}), fits: false },
    {
      name: "a term that does not parse matches nothing, the next one still can",
      spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: [] }] }, { matchExpressions: [{ key: "zone", operator: "Exists" }] }),
      fits: true,
    },
    { name: "an unknown operator matches nothing", spec: required({ matchExpressions: [{ key: "zone", operator: "Equals", values: ["a"] }] }), fits: false },
    { name: "matchFields metadata.name In", spec: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }), fits: true },
    { name: "matchFields metadata.name NotIn", spec: required({ matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["n1"] }] }), fits: false },
    { name: "matchFields with two values does not parse", spec: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1", "n2"] }] }), fits: false },
    {
      name: "labels and fields of one term are ANDed",
      spec: required({ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }], matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }),
      fits: false,
    },
    {
      name: "nodeSelector and affinity must both match",
      spec: { nodeSelector: { zone: "b" }, ...required({ matchExpressions: [{ key: "zone", operator: "Exists" }] }) },
      fits: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = nodeAffinityFilter.filter(pod("p", undefined, c.spec), nodeInfo("n1", { labels }));
      assert.deepEqual(status, c.fits ? undefined : { code: "UnschedulableAndUnresolvable", reasons: ["node(s) didn't match Pod's node affinity/selector"] });
    });
  }
});

describe("NodeAffinity PreFilter (terms that pin metadata.name)", () => {
  const byName = (...names: string[]): NodeSelectorTerm => ({ matchFields: [{ key: "metadata.name", operator: "In", values: names }] });
  const cases: { name: string; spec: PodSpec; want: { nodeNames?: string[]; conflict?: boolean } }[] = [
    { name: "no affinity: all nodes", spec: {}, want: {} },
    { name: "one term pins two nodes", spec: required(byName("a", "b")), want: { nodeNames: ["a", "b"] } },
    { name: "terms are united", spec: required(byName("a"), byName("c")), want: { nodeNames: ["a", "c"] } },
    {
      name: "requirements of a term are intersected",
      spec: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["a", "b"] }, { key: "metadata.name", operator: "In", values: ["b", "c"] }] }),
      want: { nodeNames: ["b"] },
    },
    { name: "a term without a name pin frees all nodes", spec: required(byName("a"), { matchExpressions: [{ key: "zone", operator: "Exists" }] }), want: {} },
    {
      name: "disjoint requirements conflict",
      spec: required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["a"] }, { key: "metadata.name", operator: "In", values: ["b"] }] }),
      want: { conflict: true },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = nodeAffinityPreFilter(pod("p", undefined, c.spec));
      if (c.want.conflict) {
        assert.deepEqual(got.status, { code: "UnschedulableAndUnresolvable", reasons: ["pod affinity terms conflict"] });
      } else {
        assert.equal(got.status, undefined);
        assert.deepEqual(got.nodeNames && [...got.nodeNames].sort(), c.want.nodeNames);
      }
    });
  }
});
