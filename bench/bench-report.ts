/**
 * The benchmark's results: rows of (metric, median, p99, target), judged against the
 * issue's targets, printed as a table and written as JSON.
 */
import { writeFileSync } from "node:fs";
import { summarize } from "./stats.js";

/** A target on one statistic: it must stay below `below`. */
export interface Target {
  readonly stat: "p99" | "median";
  readonly below: number;
}

export interface ResultRow {
  readonly backend: string;
  readonly metric: string;
  readonly unit: string;
  readonly median: number;
  /** Absent for a single value (memory, throughput). */
  readonly p99?: number;
  readonly n?: number;
  readonly target?: Target;
  readonly note?: string;
}

export interface RatioRow {
  readonly backend: string;
  readonly metric: string;
  readonly medianRatio: number;
  readonly p99Ratio: number;
  readonly note: string;
}

export type Verdict = "PASS" | "FAIL" | "—";

export function verdict(row: ResultRow): Verdict {
  if (!row.target) return "—";
  const value = row.target.stat === "p99" ? row.p99 : row.median;
  return value !== undefined && value < row.target.below ? "PASS" : "FAIL";
}

export class BenchReport {
  readonly rows: ResultRow[] = [];
  readonly ratios: RatioRow[] = [];
  readonly context: Record<string, unknown> = {};

  /** Adds a latency row from raw samples. */
  latency(backend: string, metric: string, samples: readonly number[], target?: Target, note?: string): ResultRow {
    const s = summarize(samples);
    const row: ResultRow = { backend, metric, unit: "ms", median: s.median, p99: s.p99, n: s.n, ...(target ? { target } : {}), ...(note ? { note } : {}) };
    this.rows.push(row);
    return row;
  }

  value(backend: string, metric: string, unit: string, value: number, note?: string): void {
    this.rows.push({ backend, metric, unit, median: value, ...(note ? { note } : {}) });
  }

  ratio(backend: string, metric: string, measured: ResultRow, reference: ResultRow, note: string): void {
    this.ratios.push({
      backend, metric, note,
      medianRatio: measured.median / reference.median,
      p99Ratio: (measured.p99 ?? Number.NaN) / (reference.p99 ?? Number.NaN),
    });
  }

  format(reference = "the reference server (same process, same TLS and keep-alive client)"): string {
    const header = ["backend", "metric", "median", "p99", "n", "target", "result", "note"];
    const body = this.rows.map((r) => [
      r.backend,
      r.metric,
      `${fmt(r.median)} ${r.unit}`,
      r.p99 === undefined ? "" : `${fmt(r.p99)} ${r.unit}`,
      r.n === undefined ? "" : String(r.n),
      r.target ? `${r.target.stat} < ${r.target.below} ${r.unit}` : "",
      verdict(r),
      r.note ?? "",
    ]);
    const ratioHeader = ["backend", "ratio", "median", "p99", "how"];
    const ratioBody = this.ratios.map((r) => [r.backend, r.metric, `${r.medianRatio.toFixed(2)}x`, `${r.p99Ratio.toFixed(2)}x`, r.note]);
    const failed = this.rows.filter((r) => verdict(r) === "FAIL").length;
    const judged = this.rows.filter((r) => r.target).length;
    return [
      table(header, body),
      "",
      `Ratios against ${reference}:`,
      table(ratioHeader, ratioBody),
      "",
      `${judged - failed} of ${judged} targets met${failed ? `; ${failed} FAILED` : ""}.`,
    ].join("\n");
  }

  writeJson(path: string): void {
    const rows = this.rows.map((r) => ({ ...r, result: verdict(r) }));
    writeFileSync(path, JSON.stringify({ context: this.context, rows, ratios: this.ratios }, null, 2) + "\n");
  }
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
