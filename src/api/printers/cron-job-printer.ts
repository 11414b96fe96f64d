/**
 * The CronJob row (batch): NAME, SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE, AGE
 * and, wide, CONTAINERS, IMAGES, SELECTOR (upstream `printCronJob`).
 */
import { ageColumn, containersColumn, imagesColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { formatLabelSelector } from "./label-selector-text.js";
import {
  lengthAt,
  metadataOf,
  objectAt,
  optionalBooleanAt,
  optionalStringAt,
  stringAt,
  type JsonObject,
} from "./object-fields.js";
import { containerCells } from "./pod-template-cells.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const cronJobColumns = columns(
  nameColumn,
  column("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
  column(
    "Timezone",
    "string",
    "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones",
  ),
  column(
    "Suspend",
    "boolean",
    "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
  ),
  column("Active", "integer", "A list of pointers to currently running jobs."),
  column("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
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

/** Upstream printBoolPtr: the column is typed boolean, but the cell is text. */
function suspendText(suspend: boolean | undefined): string {
  if (suspend === undefined) return "<unset>";
  return suspend ? "True" : "False";
}

function printCronJob(cronJob: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(cronJob);
  const spec = objectAt(cronJob, "spec");
  const status = objectAt(cronJob, "status");
  const jobSpec = objectAt(objectAt(spec, "jobTemplate"), "spec");
  const { names, images } = containerCells(objectAt(jobSpec, "template"));
  const lastScheduleTime = status["lastScheduleTime"];
  return {
    cells: [
      stringAt(metadata, "name"),
      stringAt(spec, "schedule"),
      optionalStringAt(spec, "timeZone") ?? "<none>",
      suspendText(optionalBooleanAt(spec, "suspend")),
      lengthAt(status, "active"),
      lastScheduleTime == null ? "<none>" : translateTimestampSince(lastScheduleTime, now),
      translateTimestampSince(metadata["creationTimestamp"], now),
      names,
      images,
      formatLabelSelector(jobSpec["selector"]),
    ],
  };
}

export const cronJobPrinter: TablePrinter = Object.freeze({ columns: cronJobColumns, row: printCronJob });
