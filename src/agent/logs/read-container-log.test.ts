import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { readContainerLog, type ReadLogOptions } from "./read-container-log.js";

const dir = mkdtempSync(join(tmpdir(), "peapod-logs-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const stamp = (i: number) => new Date(Date.UTC(2026, 10, 25, 0, 0, 0) + i * 1000).toISOString().replace(/\.(\d{3})Z$/, ".$1000000+00:00");
const criLine = (i: number, text: string, tag = "F") => `${stamp(i)} stdout ${tag} ${text}\n`;

/** A follow of `path` while `stop` is not called: what it wrote, and a promise of the next write. */
function follow(path: string, recheckMs: number) {
  let running = true;
  const seen: string[] = [];
  let wake: (() => void) | undefined;
  const done = readContainerLog(path, { follow: true, timestamps: false }, async (c) => {
    seen.push(c.toString());
    wake?.();
  }, { signal: new AbortController().signal, isRunning: async () => running, recheckMs });
  const next = () => new Promise<void>((r) => (wake = r));
  /** Resolves once everything written spells `text`. */
  const until = async (text: string): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (seen.join("") !== text) {
      if (Date.now() > deadline) assert.fail(`saw ${JSON.stringify(seen.join(""))}, want ${JSON.stringify(text)}`);
      await Promise.race([next(), new Promise((r) => setTimeout(r, 50))]);
    }
  };
  return { seen, done, next, until, stop: () => void (running = false) };
}

async function read(path: string, options: Partial<ReadLogOptions>, isRunning = async () => false): Promise<string> {
  const chunks: Buffer[] = [];
  await readContainerLog(path, { follow: false, timestamps: false, ...options }, async (c) => void chunks.push(c), { signal: new AbortController().signal, isRunning });
  return Buffer.concat(chunks).toString();
}

describe("readContainerLog", () => {
  // Long enough that the tail search crosses its 64 KiB read chunks.
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${"x".repeat(40)}`);
  const big = join(dir, "big.log");
  writeFileSync(big, lines.map((l, i) => criLine(i, l)).join(""));

  test("the whole file", async () => {
    assert.equal(await read(big, {}), lines.map((l) => `${l}\n`).join(""));
  });

  test("tailLines across read chunks", async () => {
    assert.equal(await read(big, { tailLines: 2500 }), lines.slice(500).map((l) => `${l}\n`).join(""));
    assert.equal(await read(big, { tailLines: 1 }), `${lines[2999]}\n`);
    assert.equal(await read(big, { tailLines: 0 }), "");
  });

  test("tail with limitBytes", async () => {
    assert.equal(await read(big, { tailLines: 2, limitBytes: 10 }), `${lines[2998]}`.slice(0, 10));
  });

  test("a missing file is an empty log", async () => {
    assert.equal(await read(join(dir, "nope.log"), {}), "");
  });

  test("follow: new lines as they are written, the end once the container stopped", async () => {
    const path = join(dir, "follow.log");
    writeFileSync(path, criLine(0, "first"));
    const { seen, done, next, stop } = follow(path, 50);
    await (seen.length ? Promise.resolve() : next());
    assert.deepEqual(seen, ["first\n"]);
    const started = performance.now();
    const arrived = next();
    appendFileSync(path, criLine(1, "second"));
    await arrived;
    const latency = performance.now() - started;
    assert.ok(latency < 500, `a new line took ${latency} ms`);
    appendFileSync(path, criLine(2, "par", "P"));
    appendFileSync(path, criLine(3, "tial"));
    stop();
    await done;
    assert.equal(seen.join(""), "first\nsecond\npartial\n");
  });

  test("follow across a rotation: the renamed file to its end, then the new file from its start", async () => {
    const path = join(dir, "rotate.log");
    writeFileSync(path, criLine(0, "one"));
    const { seen, done, until, stop } = follow(path, 20);
    await until("one\n");
    // As the log manager and conmon do: rename, the writer's last lines still go to the old
    // file, then a new file appears at the path.
    renameSync(path, `${path}.20261125-000000`);
    appendFileSync(`${path}.20261125-000000`, criLine(1, "two"));
    writeFileSync(path, criLine(2, "three"));
    await until("one\ntwo\nthree\n");
    appendFileSync(path, criLine(3, "four"));
    await until("one\ntwo\nthree\nfour\n");
    // A second rotation, the new file still empty when the follow sees it.
    renameSync(path, `${path}.20261125-000001`);
    writeFileSync(path, "");
    appendFileSync(path, criLine(4, "five"));
    await until("one\ntwo\nthree\nfour\nfive\n");
    stop();
    await done;
    assert.equal(seen.join(""), "one\ntwo\nthree\nfour\nfive\n");
  });

  test("follow ends when the client goes", async () => {
    const path = join(dir, "abort.log");
    writeFileSync(path, criLine(0, "only"));
    const controller = new AbortController();
    const done = readContainerLog(path, { follow: true, timestamps: false }, async () => undefined, { signal: controller.signal, isRunning: async () => true, recheckMs: 10_000 });
    setTimeout(() => controller.abort(), 50);
    await done;
  });
});
