import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ContainerStatus } from "../../api/index.js";
import type { PodObject } from "../pod-worker.js";
import { containerIdFor } from "./pod-lookup.js";

const terminated = (id: string) => ({ terminated: { exitCode: 1, reason: "Error", startedAt: null, finishedAt: null, containerID: id ? `peapod://${id}` : undefined } });
const status = (s: Partial<ContainerStatus>): ContainerStatus =>
  ({ name: "app", ready: false, restartCount: 0, image: "busybox", imageID: "", state: {}, lastState: {}, ...s }) as ContainerStatus;
const pod = (statuses: ContainerStatus[], init: ContainerStatus[] = []): PodObject =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", uid: "u" }, spec: { containers: [{ name: "app", image: "busybox" }] }, status: { containerStatuses: statuses, initContainerStatuses: init } }) as unknown as PodObject;

describe("containerIdFor picks the instance as the kubelet's validateContainerLogStatus", () => {
  const cases: { name: string; pod: PodObject; container?: string; previous?: boolean; want: string | RegExp }[] = [
    { name: "running: its own id", pod: pod([status({ containerID: "peapod://c2", state: { running: { startedAt: "x" } }, lastState: terminated("c1") })]), want: "c2" },
    { name: "previous: lastState's id", pod: pod([status({ containerID: "peapod://c2", state: { running: { startedAt: "x" } }, lastState: terminated("c1") })]), previous: true, want: "c1" },
    { name: "previous without a terminated one", pod: pod([status({ containerID: "peapod://c1", state: { running: { startedAt: "x" } } })]), previous: true, want: /^previous terminated container "app" in pod "p" not found$/ },
    { name: "terminated: its id", pod: pod([status({ state: terminated("c3") })]), want: "c3" },
    { name: "in back-off: the last terminated one", pod: pod([status({ state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: terminated("c4") })]), want: "c4" },
    { name: "not started yet", pod: pod([status({ state: { waiting: { reason: "ContainerCreating" } } })]), want: /^container "app" in pod "p" is waiting to start: ContainerCreating$/ },
    { name: "image pull failing", pod: pod([status({ state: { waiting: { reason: "ImagePullBackOff" } } })]), want: /^container "app" in pod "p" is waiting to start: trying and failing to pull image$/ },
    { name: "image not pulled", pod: pod([status({ state: { waiting: { reason: "ErrImagePull" } } })]), want: /is waiting to start: image can't be pulled$/ },
    { name: "no state at all", pod: pod([status({})]), want: /^container "app" in pod "p" is waiting to start - no logs yet$/ },
    { name: "no status yet", pod: pod([]), want: /^container "app" in pod "p" is not available$/ },
    { name: "an init container", pod: pod([], [status({ name: "init", state: terminated("i1") })]), container: "init", want: "i1" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const run = () => containerIdFor(c.pod, c.container ?? "app", c.previous ?? false);
      if (typeof c.want === "string") return assert.equal(run(), c.want);
      assert.throws(run, (e: Error & { code?: number }) => c.want instanceof RegExp && c.want.test(e.message) && e.code === 400);
    });
  }
});
