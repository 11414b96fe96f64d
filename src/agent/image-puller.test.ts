/** The pull policy an object without one gets: the server's defaulting rule. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pullPolicy } from "./image-puller.js";

test("pullPolicy: a set policy wins, else :latest or no tag means Always", () => {
  const cases: [string, string | undefined, string][] = [
    ["busybox", undefined, "Always"],
    ["busybox:latest", undefined, "Always"],
    ["busybox:1.36", undefined, "IfNotPresent"],
    ["127.0.0.1:5000/team/app", undefined, "Always"],
    ["127.0.0.1:5000/team/app:2", undefined, "IfNotPresent"],
    ["busybox@sha256:" + "a".repeat(64), undefined, "IfNotPresent"],
    ["busybox", "Never", "Never"],
    ["busybox:1", "Always", "Always"],
  ];
  for (const [image, policy, want] of cases) {
    assert.equal(pullPolicy({ name: "c", image, ...(policy ? { imagePullPolicy: policy } : {}) }), want, `${image} ${policy ?? "(unset)"}`);
  }
});
