/**
 * `peapod reset --data-dir DIR`: removes everything a server (or an agent) with that data dir created:
 * its containers and pod sandboxes (processes, mounts, network namespaces, veths, the
 * bridge and nftables table), then its files. A marker written by the server keeps reset
 * from removing a directory Peapod did not make.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { parseFlags, usage, UsageError, type FlagSpec } from "./flags.js";
import { dataDirMarker, defaultDataDir, runtimeRootOf } from "./data-dir.js";
import { resetRuntime, unmountAll } from "../runtime/index.js";

const flags: FlagSpec[] = [
  { name: "data-dir", kind: "string", help: "the data directory of the server or agent to reset", default: defaultDataDir },
  { name: "help", kind: "boolean", help: "show this help" },
];

export const resetCommand = {
  summary: "remove everything a server or agent with this data dir created",
  async run(args: string[]): Promise<number> {
    const f = parseFlags(args, flags);
    if (f.get("help")) {
      process.stdout.write(usage("reset", resetCommand.summary, flags));
      return 0;
    }
    const dir = resolve(String(f.get("data-dir")));
    if (!existsSync(dir)) {
      process.stdout.write(`nothing to reset: ${dir} does not exist\n`);
      return 0;
    }
    if (!existsSync(resolve(dir, dataDirMarker)) && readdirSync(dir).length > 0) {
      throw new UsageError(`${dir} is not a Peapod data directory (no ${dataDirMarker}); refusing to remove it`);
    }
    if (existsSync(runtimeRootOf(dir))) await resetRuntime(runtimeRootOf(dir));
    // The agent's volumes (tmpfs for secrets, memory emptyDirs, subPath binds) go before the files.
    await unmountAll(dir);
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`removed ${dir}\n`);
    return 0;
  },
};
