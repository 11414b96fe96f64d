/**
 * Durations as kubectl shows them (AGE, "3 (42s ago)", DURATION), following apimachinery
 * `pkg/util/duration`. The server renders these at response time, so every function takes
 * the current time from its caller instead of reading a clock.
 */

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

/** Go's integer conversion of a float: cut toward zero. */
function whole(n: number): number {
  return Math.trunc(n);
}

/**
 * About two or three significant figures: `42s`, `5m3s`, `12m`, `3h5m`, `20h`, `2d4h`,
 * `300d`, `3y20d`, `9y`. Up to one second in the future counts as now (`0s`), to tolerate
 * clock skew between machines; further in the future is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = whole(ms / second);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 2 * 60) return `${seconds}s`;
  const minutes = whole(ms / minute);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = whole(ms / hour);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = whole(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = whole(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** One unit only: `42s`, `5m`, `3h`, `2d`, `1y`. */
export function shortHumanDuration(ms: number): string {
  const seconds = whole(ms / second);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return `${seconds}s`;
  const minutes = whole(ms / minute);
  if (minutes < 60) return `${minutes}m`;
  const hours = whole(ms / hour);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${whole(hours / 24)}d`;
  return `${whole(ms / hour / 24 / 365)}y`;
}

/** Go's zero time.Time (0001-01-01T00:00:00Z), which metav1.Time treats as unset. */
const zeroTimeMs = Date.parse("0001-01-01T00:00:00Z");

/**
 * A metav1.Time or metav1.MicroTime as JSON (RFC 3339), in milliseconds since the epoch;
 * undefined when missing, unparsable or the zero time.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms === zeroTimeMs) return undefined;
  return ms;
}

/** The age of a timestamp, or `<unknown>` when it is missing or zero. */
export function translateTimestampSince(value: unknown, now: Date): string {
  const ms = parseTimestamp(value);
  if (ms === undefined) return "<unknown>";
  return humanDuration(now.getTime() - ms);
}
