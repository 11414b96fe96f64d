/** The data directory: all of a server's (or a joined agent's) state lives under it. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const defaultDataDir = "/var/lib/peapod";
export const dataDirMarker = ".peapod-data-dir";

export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, dataDirMarker), "This directory holds the state of a Peapod server or agent.\n");
}

/** Where the container runtime keeps images, sandboxes and containers. */
export function runtimeRootOf(dataDir: string): string {
  return join(dataDir, "runtime");
}
