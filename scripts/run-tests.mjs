#!/usr/bin/env node
// Runs the compiled test files with node's test runner: unit and conformance tests
// beside the code (dist/src/**/*.test.js), then end-to-end tests (dist/test/e2e).
// `--unit` runs only the former. The spec reporter's closing summary is what CI reads.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir, suffix) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(find(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

const unitOnly = process.argv.includes("--unit");
const files = [
  ...find("dist/src", ".test.js"),
  ...(unitOnly ? [] : find("dist/test/e2e", ".e2e.test.js")),
];
if (files.length === 0) {
  console.error("no test files found under dist/: run `npm run build` first");
  process.exit(1);
}
const r = spawnSync(process.execPath, [
  "--test",
  "--test-reporter=spec",
  "--test-concurrency=4",
  "--test-timeout=600000",
  ...files,
], { stdio: "inherit" });
process.exit(r.status ?? 1);
