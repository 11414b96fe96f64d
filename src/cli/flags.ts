/**
 * Command-line flags in the style of Kubernetes binaries: `--name value`, `--name=value`,
 * and bare booleans. Unknown flags are errors that name the flag.
 */
import { parseGoDuration } from "../base/index.js";

export interface FlagSpec {
  readonly name: string;
  readonly kind: "string" | "boolean";
  readonly help: string;
  readonly default?: string;
  /** What the help calls the value, as pflag's type names ("duration", "int"); default: the name in capitals. */
  readonly valueName?: string;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): Map<string, string | boolean> {
  const { flags, positional } = parseCommandLine(args, specs);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
  return flags;
}

/** Flags and positional arguments, in any order; `--` ends the flags. */
export function parseCommandLine(args: readonly string[], specs: readonly FlagSpec[]): { flags: Map<string, string | boolean>; positional: string[] } {
  const out = new Map<string, string | boolean>();
  const positional: string[] = [];
  for (const s of specs) if (s.default !== undefined) out.set(s.name, s.default);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new UsageError(`unknown flag: --${name}`);
    if (spec.kind === "boolean") {
      const v = eq < 0 ? "true" : arg.slice(eq + 1);
      if (v !== "true" && v !== "false") throw new UsageError(`--${name} takes true or false, not ${JSON.stringify(v)}`);
      out.set(name, v === "true");
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
    out.set(name, value);
  }
  return { flags: out, positional };
}

export function usage(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const lefts = specs.map((s) => (s.kind === "boolean" ? `--${s.name}` : `--${s.name} ${s.valueName ?? s.name.toUpperCase().replace(/-/g, "_")}`));
  // One column for the help texts, however long the longest flag.
  const width = Math.max(36, ...lefts.map((l) => l.length));
  const lines = specs.map((s, i) => {
    const def = s.default !== undefined ? ` (default ${s.default})` : "";
    return `  ${lefts[i]!.padEnd(width)} ${s.help}${def}`;
  });
  return `Usage: peapod ${command} [flags]\n\n${summary}\n\nFlags:\n${lines.join("\n")}\n`;
}

/**
 * A duration flag, written as Go durations are ("4h0m0s", "30s", "0"), in milliseconds; a
 * negative or malformed value is a UsageError in pflag's words.
 */
export function durationFlag(flags: ReadonlyMap<string, string | boolean>, name: string): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  const ms = parseGoDuration(String(value));
  if (ms === undefined) throw new UsageError(`invalid argument ${JSON.stringify(value)} for "--${name}" flag: time: invalid duration ${JSON.stringify(value)}`);
  if (ms < 0) throw new UsageError(`--${name} must not be negative, not ${String(value)}`);
  return ms;
}
