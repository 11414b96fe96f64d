/**
 * CronJob schedules as upstream parses them (github.com/robfig/cron/v3 ParseStandard):
 * five fields (minute hour day-of-month month day-of-week) with `*`, `?`, ranges, steps,
 * lists and month/day names, or a descriptor such as `@hourly` or `@every 1h30m`. Error
 * texts are the library's, since validation shows them to users.
 */
import { parseGoDuration } from "../../../base/index.js";

export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** A field written as `*` or `?` (cron's "star bit": day-of-month/day-of-week matching depends on it). */
  readonly domStar: boolean;
  readonly dowStar: boolean;
  /** Set for `@every <duration>` schedules instead of the fields. */
  readonly everySeconds?: number;
  /** The `TZ=`/`CRON_TZ=` location, if the spec named one. */
  readonly location?: string;
}

export type CronParseResult = { readonly schedule: CronSchedule; readonly error?: undefined } | { readonly schedule?: undefined; readonly error: string };

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const months: Bounds = {
  min: 1, max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const dow: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

class CronError extends Error {}

/** Go's strconv.Atoi, with its error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new CronError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63 - 1) throw new CronError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

function mustParseInt(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (e) {
    throw new CronError(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

function getRange(expr: string, b: Bounds, out: Set<number>): boolean {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0]!.split("-");
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, b);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (single) end = b.max;
    if (step > 1) star = false;
  } else throw new CronError(`too many slashes: ${expr}`);
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let i = start; i <= end; i += step) out.add(i);
  return star;
}

function getField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(",").filter((p) => p !== "")) star = getRange(expr, b, values) || star;
  return { values, star };
}

const all = (b: Bounds): Set<number> => new Set(Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i));

function descriptor(spec: string, location: string | undefined): CronSchedule {
  const one = (n: number) => new Set([n]);
  const base = { location, domStar: true, dowStar: true };
  switch (spec) {
    case "@yearly":
    case "@annually":
      return { ...base, minutes: one(0), hours: one(0), daysOfMonth: one(1), months: one(1), daysOfWeek: all(dow), domStar: false };
    case "@monthly":
      return { ...base, minutes: one(0), hours: one(0), daysOfMonth: one(1), months: all(months), daysOfWeek: all(dow), domStar: false };
    case "@weekly":
      return { ...base, minutes: one(0), hours: one(0), daysOfMonth: all(dom), months: all(months), daysOfWeek: one(0), dowStar: false };
    case "@daily":
    case "@midnight":
      return { ...base, minutes: one(0), hours: one(0), daysOfMonth: all(dom), months: all(months), daysOfWeek: all(dow) };
    case "@hourly":
      return { ...base, minutes: one(0), hours: all(hours), daysOfMonth: all(dom), months: all(months), daysOfWeek: all(dow) };
  }
  const every = "@every ";
  if (spec.startsWith(every)) {
    const text = spec.slice(every.length);
    const ms = parseGoDuration(text);
    if (ms === undefined) throw new CronError(`failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(text)}`);
    const e = new Set<number>();
    return { ...base, minutes: e, hours: e, daysOfMonth: e, months: e, daysOfWeek: e, everySeconds: ms / 1000 };
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

export function parseCronSchedule(input: string): CronParseResult {
  try {
    let spec = input;
    if (spec.length === 0) throw new CronError("empty spec string");
    let location: string | undefined;
    if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
      const space = spec.indexOf(" ");
      const eq = spec.indexOf("=");
      location = spec.slice(eq + 1, space < 0 ? undefined : space);
      spec = space < 0 ? "" : spec.slice(space).trim();
    }
    if (spec.startsWith("@")) return { schedule: descriptor(spec, location) };
    const fields = spec.split(/\s+/).filter((f) => f !== "");
    if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
    const m = getField(fields[0]!, minutes);
    const h = getField(fields[1]!, hours);
    const d = getField(fields[2]!, dom);
    const mo = getField(fields[3]!, months);
    const w = getField(fields[4]!, dow);
    return {
      schedule: {
        minutes: m.values, hours: h.values, daysOfMonth: d.values, months: mo.values, daysOfWeek: w.values,
        domStar: d.star, dowStar: w.star, location,
      },
    };
  } catch (e) {
    if (e instanceof CronError) return { error: e.message };
    throw e;
  }
}
