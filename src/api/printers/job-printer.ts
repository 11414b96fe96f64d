/**
 * The Job row (batch): NAME, STATUS, COMPLETIONS, DURATION, AGE and, wide, CONTAINERS,
 * IMAGES, SELECTOR (upstream `printJob`; the STATUS column exists since k8s 1.28).
 */
import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./common-columns.js";
import { humanDuration, parseTimestamp, translateTimestampSince } from "./human-duration.js";
import { formatLabelSelector } from "./label-selector-text.js";
import {
  integerAt,
  metadataOf,
  objectAt,
  objectsAt,
  optionalIntegerAt,
  stringAt,
  type JsonObject,
} from "./object-fields.js";
import { containerCells } from "./pod-template-cells.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const jobColumns = columns(
  nameColumn,
  column("Status", "string", "Status of the job."),
  column(
    "Completions",
    "string",
    "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.",
  ),
  column("Duration", "string", "Time required to complete the job."),
  ageColumn,
  containersColumn,
  imagesColumn,
  column(
    "Selector",
    "string",
    "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    { priority: 1 },
  ),
);

/** The first condition of the type decides, as upstream hasJobCondition. */
function hasCondition(conditions: readonly JsonObject[], type: string): boolean {
  const found = conditions.find((c) => stringAt(c, "type") === type);
  return found !== undefined && stringAt(found, "status") === "True";
}

function jobStatus(job: JsonObject, conditions: readonly JsonObject[]): string {
  if (hasCondition(conditions, "Complete")) return "Complete";
  if (hasCondition(conditions, "Failed")) return "Failed";
  if (typeof metadataOf(job)["deletionTimestamp"] === "string") return "Terminating";
  if (hasCondition(conditions, "Suspended")) return "Suspended";
  if (hasCondition(conditions, "FailureTarget")) return "FailureTarget";
  return "Running";
}

/** `succeeded/completions`; a work queue (no completions) shows `n/1`, or `n/1 of P` with parallelism P > 1. */
function completionsText(spec: JsonObject, succeeded: number): string {
  const completions = optionalIntegerAt(spec, "completions");
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = integerAt(spec, "parallelism");
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Running time so far, or start to completion once complete; empty before the job starts. */
function durationText(status: JsonObject, now: Date): string {
  const start = parseTimestamp(status["startTime"]);
  if (start === undefined) return "";
  const completion = parseTimestamp(status["completionTime"]);
  return humanDuration((completion ?? now.getTime()) - start);
}

function printJob(job: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(job);
  const spec = objectAt(job, "spec");
  const status = objectAt(job, "status");
  const { names, images } = containerCells(objectAt(spec, "template"));
  return {
    cells: [
      stringAt(metadata, "name"),
      jobStatus(job, objectsAt(status, "conditions")),
      completionsText(spec, integerAt(status, "succeeded")),
      durationText(status, now),
      translateTimestampSince(metadata["creationTimestamp"], now),
      names,
      images,
      formatLabelSelector(spec["selector"]),
    ],
  };
}

export const jobPrinter: TablePrinter = Object.freeze({ columns: jobColumns, row: printJob });
