import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultCronJob, defaultJob, type CronJob, type Job } from "./job-defaults.js";
import { generateJobSelector } from "./job-selector.js";
import { validateCronJob, validateJob, validateJobUpdate } from "./job-validation.js";

const template = (restartPolicy?: string) => ({ spec: { restartPolicy, containers: [{ name: "work", image: "busybox:1.36" }] } });

/** A Job as it reaches validation on create: defaulted, named, with a UID and a generated selector. */
function job(spec: Job["spec"], name = "pi"): Job {
  const j: Job = { metadata: { name, namespace: "default", uid: "0b9e3c5e-1111-2222-3333-444455556666" }, spec };
  defaultJob(j);
  generateJobSelector(j);
  return j;
}
const errors = (errs: { field: string }[]) => errs.map((e) => fieldErrorText(e as never));

describe("Job defaults", () => {
  it("a one-shot job gets one completion, six retries and a generated selector", () => {
    const j = job({ template: template("Never") });
    const { template: t, ...rest } = j.spec!;
    assert.deepEqual(rest, {
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false,
      podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": "0b9e3c5e-1111-2222-3333-444455556666" } },
    });
    assert.deepEqual(t!.metadata!.labels, {
      "job-name": "pi",
      "batch.kubernetes.io/job-name": "pi",
      "controller-uid": "0b9e3c5e-1111-2222-3333-444455556666",
      "batch.kubernetes.io/controller-uid": "0b9e3c5e-1111-2222-3333-444455556666",
    });
  });
  it("a parallel job keeps its completions unset", () => {
    const j = job({ parallelism: 3, template: template("Never") });
    assert.equal(j.spec!.completions, undefined);
  });
  it("a pod failure policy makes replacement wait for Failed", () => {
    const j = job({ podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] }, template: template("Never") });
    assert.equal(j.spec!.podReplacementPolicy, "Failed");
    assert.equal(j.spec!.podFailurePolicy!.rules![0]!.onPodConditions![0]!.status, "True");
  });
});

describe("Job validation", () => {
  it("accepts a defaulted job with its generated selector", () => assert.deepEqual(validateJob(job({ template: template("OnFailure") })), []));
  const cases: [string, Job, string[]][] = [
    ["a job pod that restarts Always", job({ template: template() }),
      ["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""]],
    ["negative parallelism", job({ parallelism: -1, completions: 1, template: template("Never") }),
      ["spec.parallelism: Invalid value: -1: must be greater than or equal to 0"]],
    ["an indexed job without completions", job({ completionMode: "Indexed", parallelism: 2, template: template("Never") }),
      ["spec.completions: Required value: when completion mode is Indexed"]],
    ["an unknown completion mode", job({ completionMode: "Sometimes", template: template("Never") }),
      ["spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\""]],
    ["OnFailure with a pod failure policy", job({ podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { operator: "In", values: [1] } }] }, template: template("OnFailure") }),
      ["spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified"]],
  ];
  for (const [title, j, want] of cases) it(`refuses ${title}`, () => assert.deepEqual(errors(validateJob(j)), want));

  it("refuses a template label that fights the generated selector", () => {
    const j: Job = { metadata: { name: "pi", namespace: "default", uid: "u1" }, spec: { template: { metadata: { labels: { "controller-uid": "other" } }, ...template("Never") } } };
    defaultJob(j);
    generateJobSelector(j);
    assert.equal(errors(validateJob(j))[0],
      "spec.template.metadata.labels[controller-uid]: Invalid value: map[string]string{\"batch.kubernetes.io/controller-uid\":\"u1\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"other\", \"job-name\":\"pi\"}: must be 'u1'");
  });

  it("keeps the pod template immutable", () => {
    const old = job({ template: template("Never") });
    old.metadata!.resourceVersion = "1";
    const next = structuredClone(old);
    next.spec!.template!.spec!.containers![0]!.image = "busybox:1.37";
    assert.deepEqual(errors(validateJobUpdate(next, old)), ["spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"]);
  });
});

describe("CronJob validation", () => {
  function cronJob(spec: CronJob["spec"], name = "backup"): CronJob {
    const cj: CronJob = { metadata: { name, namespace: "default" }, spec };
    defaultCronJob(cj);
    return cj;
  }
  const jobTemplate = { spec: { template: template("OnFailure") } };
  it("accepts a daily schedule and gets its defaults", () => {
    const cj = cronJob({ schedule: "@daily", jobTemplate });
    assert.deepEqual(validateCronJob(cj), []);
    assert.equal(cj.spec!.concurrencyPolicy, "Allow");
    assert.equal(cj.spec!.successfulJobsHistoryLimit, 3);
    assert.equal(cj.spec!.failedJobsHistoryLimit, 1);
    assert.equal(cj.spec!.suspend, false);
    assert.equal(cj.spec!.jobTemplate!.spec!.backoffLimit, undefined);
  });
  const cases: [string, CronJob, string[]][] = [
    ["a missing schedule", cronJob({ jobTemplate }), ["spec.schedule: Required value"]],
    ["a schedule with four fields", cronJob({ schedule: "* * * *", jobTemplate }),
      ["spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]"]],
    ["a time zone in the schedule", cronJob({ schedule: "TZ=UTC 0 * * * *", jobTemplate }),
      ["spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"]],
    ["a name longer than 52 characters", cronJob({ schedule: "@hourly", jobTemplate }, "b".repeat(53)),
      [`metadata.name: Invalid value: "${"b".repeat(53)}": must be no more than 52 characters`]],
    ["an unknown concurrency policy", cronJob({ schedule: "@hourly", concurrencyPolicy: "Queue", jobTemplate }),
      ["spec.concurrencyPolicy: Unsupported value: \"Queue\": supported values: \"Allow\", \"Forbid\", \"Replace\""]],
  ];
  for (const [title, cj, want] of cases) it(`refuses ${title}`, () => assert.deepEqual(errors(validateCronJob(cj)), want));
});
