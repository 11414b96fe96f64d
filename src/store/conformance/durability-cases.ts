/**
 * Conformance cases for durability: a resolved write survives a crash of the writer, and
 * revisions never go back across a restart.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { bytes, type StoreCase } from "./store-case.js";

const CRASH_WRITER = fileURLToPath(new URL("./crash-writer.js", import.meta.url));

export const durabilityCases: StoreCase[] = [
  {
    title: "every acknowledged write survives a kill -9 of the writing process",
    timeoutMs: 60_000,
    async run({ t, store, prefix, endpoint, reopen }) {
      assert.ok(endpoint && reopen, "the backend under test must give an endpoint and reopen()");
      // The child becomes the only writer (an embedded store allows just one process).
      await store.close();
      const child = spawn(process.execPath, [CRASH_WRITER, endpoint, prefix, "100000"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      t.after(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? String(code))));
      const acked = new Map<string, number>();
      const killAfter = 200 + Math.floor(Math.random() * 300);
      for await (const line of createInterface({ input: child.stdout })) {
        const [word, key, revision] = line.split(" ");
        if (word !== "acked") continue;
        acked.set(key!, Number(revision));
        if (acked.size === killAfter) {
          t.diagnostic(`killing the writer (pid ${child.pid}) after ${acked.size} acknowledged creates`);
          child.kill("SIGKILL");
        }
      }
      assert.equal(await exited, "SIGKILL", `the writer was killed, not finished (stderr: ${stderr})`);
      assert.ok(acked.size >= killAfter, `the writer acknowledged ${acked.size} writes (stderr: ${stderr})`);

      const reopened = await reopen();
      t.after(() => reopened.close());
      const lastAcked = Math.max(...acked.values());
      for (const [key, revision] of acked) {
        const { kv } = await reopened.get(key);
        assert.ok(kv, `acknowledged key ${key} (revision ${revision}) is missing after the crash`);
        assert.equal(kv.modRevision, revision, `revision of ${key}`);
      }
      const current = await reopened.currentRevision();
      assert.ok(current >= lastAcked, `current revision ${current} >= last acknowledged ${lastAcked}`);
      const after = await reopened.create(`${prefix}after-crash`, bytes("v"));
      assert.ok(after.modRevision > current, "a new write gets a higher revision");
      const listed = await reopened.list(prefix);
      assert.ok(listed.kvs.length >= acked.size + 1);
    },
  },
  {
    title: "a reopened store keeps its data and never reuses a revision, even after compacting away its newest change",
    async run({ t, store, prefix, reopen }) {
      assert.ok(reopen, "the backend under test must give reopen()");
      const kept = await store.create(`${prefix}kept`, bytes("kept"));
      await store.create(`${prefix}gone`, bytes("gone"));
      // The newest change is a delete, and compaction may remove it from the history.
      const deleted = await store.delete(`${prefix}gone`);
      await store.compact(deleted.revision);
      const before = await store.currentRevision();
      await store.close();

      const reopened = await reopen();
      t.after(() => reopened.close());
      assert.ok((await reopened.currentRevision()) >= before);
      assert.ok((await reopened.compactedRevision()) >= deleted.revision);
      const { kv } = await reopened.get(`${prefix}kept`);
      assert.equal(kv?.modRevision, kept.modRevision);
      assert.equal((await reopened.get(`${prefix}gone`)).kv, undefined);
      const next = await reopened.create(`${prefix}next`, bytes("v"));
      assert.ok(next.modRevision > before, `${next.modRevision} > ${before}`);
    },
  },
];
