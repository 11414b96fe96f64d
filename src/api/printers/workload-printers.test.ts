import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cronJobPrinter } from "./cron-job-printer.js";
import { daemonSetPrinter } from "./daemon-set-printer.js";
import { deploymentPrinter } from "./deployment-printer.js";
import { jobPrinter } from "./job-printer.js";
import type { JsonObject } from "./object-fields.js";
import { replicaSetPrinter } from "./replica-set-printer.js";
import { statefulSetPrinter } from "./stateful-set-printer.js";

const now = new Date("2024-05-01T12:00:00Z");
const metadata = { name: "web", creationTimestamp: "2024-05-01T11:00:00Z" };
const template = {
  metadata: { labels: { app: "web" } },
  spec: {
    initContainers: [{ name: "setup", image: "busybox" }],
    containers: [
      { name: "app", image: "registry.local/app:1" },
      { name: "proxy", image: "registry.local/proxy:2" },
    ],
  },
};
const selector = { matchLabels: { app: "web" } };
const names = (cols: readonly { name: string; priority: number }[]) => cols.map((c) => `${c.name}:${c.priority}`);

describe("deployment printer", () => {
  it("shows ready/desired, up-to-date, available and the wide template columns", () => {
    const deployment = {
      metadata,
      spec: { replicas: 3, selector, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(deploymentPrinter.row(deployment, now).cells, [
      "web",
      "2/3",
      3,
      2,
      "60m",
      "app,proxy",
      "registry.local/app:1,registry.local/proxy:2",
      "app=web",
    ]);
    assert.deepEqual(names(deploymentPrinter.columns), [
      "Name:0",
      "Ready:0",
      "Up-to-date:0",
      "Available:0",
      "Age:0",
      "Containers:1",
      "Images:1",
      "Selector:1",
    ]);
  });

  it("a new deployment without status shows 0/desired and zeros", () => {
    const cells = deploymentPrinter.row({ metadata, spec: { replicas: 2, template } }, now).cells;
    assert.deepEqual(cells.slice(1, 4), ["0/2", 0, 0]);
    assert.equal(cells[7], "", "upstream leaves a missing selector blank here");
  });
});

describe("replica set printer", () => {
  it("shows desired, current and ready counts", () => {
    const rs = { metadata, spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } };
    assert.deepEqual(replicaSetPrinter.row(rs, now).cells, [
      "web",
      3,
      3,
      1,
      "60m",
      "app,proxy",
      "registry.local/app:1,registry.local/proxy:2",
      "app=web",
    ]);
  });
});

describe("stateful set printer", () => {
  it("shows ready/desired and the template's containers", () => {
    const sts = { metadata, spec: { replicas: 2, template }, status: { readyReplicas: 2 } };
    assert.deepEqual(statefulSetPrinter.row(sts, now).cells, [
      "web",
      "2/2",
      "60m",
      "app,proxy",
      "registry.local/app:1,registry.local/proxy:2",
    ]);
  });
});

describe("daemon set printer", () => {
  it("shows the scheduling counts and the node selector", () => {
    const ds = {
      metadata,
      spec: { selector, template: { ...template, spec: { ...template.spec, nodeSelector: { disk: "ssd" } } } },
      status: {
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        numberReady: 1,
        updatedNumberScheduled: 2,
        numberAvailable: 1,
      },
    };
    assert.deepEqual(daemonSetPrinter.row(ds, now).cells, [
      "web",
      2,
      2,
      1,
      2,
      1,
      "disk=ssd",
      "60m",
      "app,proxy",
      "registry.local/app:1,registry.local/proxy:2",
      "app=web",
    ]);
    assert.equal(daemonSetPrinter.row({ metadata, spec: { template } }, now).cells[6], "<none>");
  });
});

describe("job printer", () => {
  const job = (spec: JsonObject, status: JsonObject, extraMetadata: JsonObject = {}) => ({
    metadata: { ...metadata, ...extraMetadata },
    spec: { template, selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "u1" } }, ...spec },
    status,
  });

  it("a running job shows Running, succeeded/completions and the time since it started", () => {
    const j = job({ completions: 3, parallelism: 1 }, { startTime: "2024-05-01T11:58:30Z", succeeded: 1, active: 1 });
    assert.deepEqual(jobPrinter.row(j, now).cells, [
      "web",
      "Running",
      "1/3",
      "90s",
      "60m",
      "app,proxy",
      "registry.local/app:1,registry.local/proxy:2",
      "batch.kubernetes.io/controller-uid=u1",
    ]);
  });

  it("a complete job shows Complete and the time from start to completion", () => {
    const j = job(
      { completions: 1 },
      {
        startTime: "2024-05-01T11:00:00Z",
        completionTime: "2024-05-01T11:00:42Z",
        succeeded: 1,
        conditions: [
          { type: "SuccessCriteriaMet", status: "True" },
          { type: "Complete", status: "True" },
        ],
      },
    );
    assert.deepEqual(jobPrinter.row(j, now).cells.slice(1, 4), ["Complete", "1/1", "42s"]);
  });

  it("shows Failed, Terminating, Suspended and FailureTarget in upstream's order of precedence", () => {
    const failed = job({}, { conditions: [{ type: "Failed", status: "True" }] }, { deletionTimestamp: "2024-05-01T12:00:00Z" });
    assert.equal(jobPrinter.row(failed, now).cells[1], "Failed");
    const deleting = job({}, { conditions: [{ type: "Suspended", status: "True" }] }, { deletionTimestamp: "2024-05-01T12:00:00Z" });
    assert.equal(jobPrinter.row(deleting, now).cells[1], "Terminating");
    assert.equal(jobPrinter.row(job({}, { conditions: [{ type: "Suspended", status: "True" }] }), now).cells[1], "Suspended");
    assert.equal(jobPrinter.row(job({}, { conditions: [{ type: "FailureTarget", status: "True" }] }), now).cells[1], "FailureTarget");
    assert.equal(jobPrinter.row(job({}, { conditions: [{ type: "Complete", status: "False" }] }), now).cells[1], "Running");
  });

  it("a work-queue job without completions shows n/1, or n/1 of P when parallel; no start, no duration", () => {
    assert.deepEqual(jobPrinter.row(job({ parallelism: 4 }, { succeeded: 2 }), now).cells.slice(2, 4), ["2/1 of 4", ""]);
    assert.deepEqual(jobPrinter.row(job({ parallelism: 1 }, {}), now).cells.slice(2, 4), ["0/1", ""]);
  });
});

describe("cron job printer", () => {
  it("shows schedule, time zone, suspend, active jobs and the last schedule", () => {
    const cj = {
      metadata,
      spec: {
        schedule: "*/5 * * * *",
        timeZone: "Europe/Berlin",
        suspend: false,
        jobTemplate: { spec: { template, selector } },
      },
      status: { active: [{ name: "web-1" }], lastScheduleTime: "2024-05-01T11:55:00Z" },
    };
    assert.deepEqual(cronJobPrinter.row(cj, now).cells, [
      "web",
      "*/5 * * * *",
      "Europe/Berlin",
      "False",
      1,
      "5m",
      "60m",
      "app,proxy",
      "registry.local/app:1,registry.local/proxy:2",
      "app=web",
    ]);
  });

  it("shows <none> for no time zone and no schedule yet, <unset> for an unset suspend", () => {
    const cj = { metadata, spec: { schedule: "@hourly", jobTemplate: { spec: { template } } } };
    assert.deepEqual(cronJobPrinter.row(cj, now).cells.slice(2, 6), ["<none>", "<unset>", 0, "<none>"]);
    assert.equal(cronJobPrinter.row(cj, now).cells[9], "<none>");
  });
});
