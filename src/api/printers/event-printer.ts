/**
 * The Event row: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE and, wide, SUBOBJECT, SOURCE,
 * FIRST SEEN, COUNT, NAME (upstream `printEvent`). events.k8s.io/v1 Events are served by
 * the same storage and printed by the same printer after conversion to the internal
 * Event (k8s `pkg/apis/events/v1/conversion.go`), so both groups share these columns.
 */
import { objectNameDescription } from "./common-columns.js";
import { parseTimestamp, translateTimestampSince } from "./human-duration.js";
import {
  integerAt,
  metadataOf,
  objectAt,
  optionalObjectAt,
  stringAt,
  type JsonObject,
} from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const eventColumns = columns(
  column("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
  column("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
  column(
    "Reason",
    "string",
    "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
  ),
  column("Object", "string", "The object that this event is about."),
  column(
    "Subobject",
    "string",
    'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.',
    { priority: 1 },
  ),
  column(
    "Source",
    "string",
    "The component reporting this event. Should be a short machine understandable string.",
    { priority: 1 },
  ),
  column("Message", "string", "A human-readable description of the status of this operation."),
  column(
    "First Seen",
    "string",
    "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
    { priority: 1 },
  ),
  column("Count", "string", "The number of times this event has occurred.", { priority: 1 }),
  // Unlike every other kind, the event's own name is a wide column.
  column("Name", "string", objectNameDescription, { format: "name", priority: 1 }),
);

/** The fields of the internal Event the printer reads, whichever group the object came from. */
interface EventFields {
  readonly metadata: JsonObject;
  readonly involvedObject: JsonObject;
  readonly source: JsonObject;
  readonly message: string;
  readonly firstTimestamp: unknown;
  readonly lastTimestamp: unknown;
  readonly count: number;
  readonly eventTime: unknown;
  readonly series: JsonObject | undefined;
  readonly type: string;
  readonly reason: string;
  readonly reportingController: string;
  readonly reportingInstance: string;
}

function commonFields(event: JsonObject) {
  return {
    metadata: metadataOf(event),
    eventTime: event["eventTime"],
    series: optionalObjectAt(event, "series"),
    type: stringAt(event, "type"),
    reason: stringAt(event, "reason"),
    reportingController: stringAt(event, "reportingController"),
    reportingInstance: stringAt(event, "reportingInstance"),
  };
}

function coreEventFields(event: JsonObject): EventFields {
  return {
    ...commonFields(event),
    involvedObject: objectAt(event, "involvedObject"),
    source: objectAt(event, "source"),
    message: stringAt(event, "message"),
    firstTimestamp: event["firstTimestamp"],
    lastTimestamp: event["lastTimestamp"],
    count: integerAt(event, "count"),
  };
}

/** events.k8s.io/v1 renames: regarding, note and the deprecated* fields. */
function eventsV1Fields(event: JsonObject): EventFields {
  return {
    ...commonFields(event),
    involvedObject: objectAt(event, "regarding"),
    source: objectAt(event, "deprecatedSource"),
    message: stringAt(event, "note"),
    firstTimestamp: event["deprecatedFirstTimestamp"],
    lastTimestamp: event["deprecatedLastTimestamp"],
    count: integerAt(event, "deprecatedCount"),
  };
}

/** `component, host`, falling back to the reporting controller and instance (upstream formatEventSource). */
function eventSource(e: EventFields): string {
  const component = stringAt(e.source, "component") || e.reportingController;
  const instance = stringAt(e.source, "host") || e.reportingInstance;
  return instance === "" ? component : `${component}, ${instance}`;
}

function eventRow(e: EventFields, now: Date): PrintedRow {
  // Events written through events.k8s.io carry eventTime and series instead of the
  // deprecated timestamps and count.
  const firstSeen =
    parseTimestamp(e.firstTimestamp) !== undefined
      ? translateTimestampSince(e.firstTimestamp, now)
      : translateTimestampSince(e.eventTime, now);
  let lastSeen =
    parseTimestamp(e.lastTimestamp) !== undefined ? translateTimestampSince(e.lastTimestamp, now) : firstSeen;
  let count = e.count;
  if (e.series !== undefined) {
    lastSeen = translateTimestampSince(e.series["lastObservedTime"], now);
    count = integerAt(e.series, "count");
  } else if (count === 0) {
    // A singleton event written through the new API has no count.
    count = 1;
  }
  const kind = stringAt(e.involvedObject, "kind").toLowerCase();
  const involvedName = stringAt(e.involvedObject, "name");
  return {
    cells: [
      lastSeen,
      e.type,
      e.reason,
      involvedName !== "" ? `${kind}/${involvedName}` : kind,
      stringAt(e.involvedObject, "fieldPath"),
      eventSource(e),
      e.message.trim(),
      firstSeen,
      count,
      stringAt(e.metadata, "name"),
    ],
  };
}

/** core/v1 Event. */
export const eventPrinter: TablePrinter = Object.freeze({
  columns: eventColumns,
  row: (event: JsonObject, now: Date) => eventRow(coreEventFields(event), now),
});

/**
 * events.k8s.io/v1 Event. An object already converted to the core shape (it has
 * involvedObject and no events.k8s.io apiVersion) is read as such.
 */
export const eventsV1EventPrinter: TablePrinter = Object.freeze({
  columns: eventColumns,
  row: (event: JsonObject, now: Date) => {
    const apiVersion = stringAt(event, "apiVersion");
    const coreShaped = !apiVersion.startsWith("events.k8s.io/") && "involvedObject" in event;
    return eventRow(coreShaped ? coreEventFields(event) : eventsV1Fields(event), now);
  },
});
