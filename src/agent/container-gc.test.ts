import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { RuntimeError, type ContainerStatus as RuntimeContainerStatus } from "../runtime/index.js";
import { collectContainers, containerIdsInStatus, evictableContainers } from "./container-gc.js";
import { computePodStatus } from "./pod-status.js";
import { at, container, instance, pod, sandbox } from "./testing/pod-fixtures.js";

const ids = (cs: readonly RuntimeContainerStatus[]) => cs.map((c) => c.id).sort();

describe("evictableContainers keeps the latest two attempts of each container", () => {
  const cases: { name: string; containers: RuntimeContainerStatus[]; evicted: string[] }[] = [
    { name: "nothing ran yet", containers: [], evicted: [] },
    { name: "one running instance", containers: [instance("app", 0, "running")], evicted: [] },
    { name: "running and one exited", containers: [instance("app", 0, "exited", { exitCode: 1 }), instance("app", 1, "running")], evicted: [] },
    {
      name: "running after three exits: the two oldest go",
      containers: [0, 1, 2].map((a) => instance("app", a, "exited", { exitCode: 1 })).concat(instance("app", 3, "running")),
      evicted: ["app-0", "app-1"],
    },
    {
      name: "in back-off (latest exited): the latest and its lastState stay",
      containers: [0, 1, 2, 3].map((a) => instance("app", a, "exited", { exitCode: 1 })),
      evicted: ["app-0", "app-1"],
    },
    {
      name: "each container name on its own (init containers too)",
      containers: [
        ...[0, 1, 2].map((a) => instance("init", a, "exited", { exitCode: 1 })),
        instance("init", 3, "exited"),
        instance("app", 0, "exited", { exitCode: 2 }),
        instance("app", 1, "running"),
      ],
      evicted: ["init-0", "init-1"],
    },
    {
      name: "a created-only or unknown old instance goes too",
      containers: [instance("app", 0, "created"), instance("app", 1, "unknown"), instance("app", 2, "exited"), instance("app", 3, "running")],
      evicted: ["app-0", "app-1"],
    },
    {
      name: "an old instance still running (not stopped yet) is never removed",
      containers: [instance("app", 0, "running"), instance("app", 1, "exited"), instance("app", 2, "exited"), instance("app", 3, "running")],
      evicted: ["app-1"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(ids(evictableContainers(c.containers)), c.evicted);
    });
  }

  test("an instance the written status still names stays until the status moves on", () => {
    const containers = [0, 1, 2].map((a) => instance("app", a, "exited", { exitCode: 1 })).concat(instance("app", 3, "running"));
    // Written before the agent saw attempt 2 exit: lastState is attempt 1.
    const written = computePodStatus(pod({ containers: [container("app")] }), { sandbox: sandbox(), containers: containers.slice(0, 3).map((c, i) => (i === 2 ? instance("app", 2, "running") : c)) }, {}, at(100));
    const inStatus = containerIdsInStatus(written);
    assert.deepEqual([...inStatus].sort(), ["app-1", "app-2"]);
    assert.deepEqual(ids(evictableContainers(containers, inStatus)), ["app-0"]);
  });

  test("removing them never changes the pod's status (state, lastState, restartCount)", () => {
    for (const c of cases) {
      const p = pod({ initContainers: c.containers.some((i) => i.metadata.name === "init") ? [container("init")] : [], containers: [container("app")] });
      const evicted = new Set(ids(evictableContainers(c.containers)));
      const kept = c.containers.filter((i) => !evicted.has(i.id));
      const before = computePodStatus(p, { sandbox: sandbox(), containers: c.containers }, {}, at(100));
      const after = computePodStatus(p, { sandbox: sandbox(), containers: kept }, {}, at(100));
      assert.deepEqual(after, before, c.name);
    }
  });
});

describe("collectContainers", () => {
  test("removes each evictable instance and its log file, and reports what it removed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peapod-container-gc-"));
    try {
      const logs = join(dir, "app");
      mkdirSync(logs);
      const containers = [0, 1, 2, 3].map((a) => ({ ...instance("app", a, a === 3 ? "running" : "exited"), logPath: join(logs, `${a}.log`) }));
      for (const c of containers) {
        writeFileSync(c.logPath, "log\n");
        // Rotated files of the instance (container-log-manager.ts) go with it too.
        writeFileSync(`${c.logPath}.20261125-000000.gz`, "");
        writeFileSync(`${c.logPath}.20261125-000001`, "log\n");
      }
      const removedByRuntime: string[] = [];
      const runtime = {
        async removeContainer(id: string) {
          // The log is gone before the container (kuberuntime removeContainer's order).
          assert.equal(existsSync(containers.find((c) => c.id === id)!.logPath), false);
          removedByRuntime.push(id);
        },
      };
      const removed = await collectContainers(runtime, containers, (m) => assert.fail(m));
      assert.deepEqual([...removed].sort(), ["app-0", "app-1"]);
      assert.deepEqual(removedByRuntime.sort(), ["app-0", "app-1"]);
      assert.deepEqual([0, 1, 2, 3].map((a) => existsSync(join(logs, `${a}.log`))), [false, false, true, true]);
      assert.deepEqual(readdirSync(logs).sort(), ["2.log", "2.log.20261125-000000.gz", "2.log.20261125-000001", "3.log", "3.log.20261125-000000.gz", "3.log.20261125-000001"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an instance already gone counts as removed; another failure is logged and kept", async () => {
    const containers = [0, 1, 2, 3].map((a) => ({ ...instance("app", a, "exited"), logPath: "" }));
    const messages: string[] = [];
    const runtime = {
      async removeContainer(id: string) {
        if (id === "app-0") throw new RuntimeError("NotFound", "no such container");
        throw new Error("device busy");
      },
    };
    const removed = await collectContainers(runtime, containers, (m) => messages.push(m));
    assert.deepEqual([...removed], ["app-0"]);
    assert.equal(messages.length, 1);
    assert.match(messages[0]!, /^cannot remove container app-1 \(app attempt 1\): device busy$/);
  });
});
