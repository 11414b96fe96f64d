/**
 * Conformance cases for compaction: what is forgotten, what must stay readable.
 */
import assert from "node:assert/strict";
import { CompactedError, FutureRevisionError } from "../store.js";
import { bytes, text, type StoreCase } from "./store-case.js";
import { collectEvents, describeEvents } from "./watch-recorder.js";

export const compactionCases: StoreCase[] = [
  {
    title: "reads before the compacted revision fail with CompactedError; the state at it stays readable",
    async run({ store, prefix }) {
      const a1 = await store.create(`${prefix}a`, bytes("a1"));
      const a2 = await store.update(`${prefix}a`, bytes("a2"), a1.modRevision);
      await store.create(`${prefix}b`, bytes("b1"));
      const bGone = await store.delete(`${prefix}b`);
      const a3 = await store.update(`${prefix}a`, bytes("a3"), a2.modRevision);
      const at = bGone.revision;
      await store.compact(at);
      assert.equal(await store.compactedRevision(), at);

      const error = await store.get(`${prefix}a`, a1.modRevision).catch((e: unknown) => e);
      assert.ok(error instanceof CompactedError, String(error));
      assert.equal(error.requested, a1.modRevision);
      assert.equal(error.compacted, at);
      await assert.rejects(store.list(prefix, { revision: at - 1 }), CompactedError);

      const kept = await store.list(prefix, { revision: at });
      assert.deepEqual(kept.kvs.map((kv) => [kv.key, text(kv.value), kv.modRevision]), [[`${prefix}a`, "a2", a2.modRevision]]);
      assert.equal(text((await store.get(`${prefix}a`, at)).kv!.value), "a2");
      assert.equal((await store.get(`${prefix}b`, at)).kv, undefined);
      const now = await store.list(prefix);
      assert.deepEqual(now.kvs.map((kv) => [text(kv.value), kv.createRevision, kv.modRevision]), [
        ["a3", a1.createRevision, a3.modRevision],
      ]);
    },
  },
  {
    title: "compacting an older revision again changes nothing, and a future one fails",
    async run({ store, prefix }) {
      const first = await store.create(`${prefix}a`, bytes("v"));
      const second = await store.update(`${prefix}a`, bytes("w"), first.modRevision);
      await store.create(`${prefix}b`, bytes("v"));
      await store.compact(second.modRevision);
      await store.compact(first.modRevision);
      assert.equal(await store.compactedRevision(), second.modRevision);
      const future = (await store.currentRevision()) + 10;
      await assert.rejects(store.compact(future), FutureRevisionError);
      assert.equal(await store.compactedRevision(), second.modRevision);
    },
  },
  {
    title: "a watch from before the compacted revision fails with CompactedError; from it, nothing is lost",
    async run({ store, prefix }) {
      const a1 = await store.create(`${prefix}a`, bytes("1"));
      const a2 = await store.update(`${prefix}a`, bytes("2"), a1.modRevision);
      const a3 = await store.update(`${prefix}a`, bytes("3"), a2.modRevision);
      const bGone = await store.create(`${prefix}b`, bytes("b"));
      const deleted = await store.delete(`${prefix}b`);
      await store.compact(a3.modRevision);

      const signal = AbortSignal.timeout(10_000);
      const iterate = async () => {
        for await (const batch of store.watch(prefix, { fromRevision: a1.modRevision, signal })) void batch;
      };
      const error = await iterate().catch((e: unknown) => e);
      assert.ok(error instanceof CompactedError, `expected CompactedError, got ${String(error)}`);
      assert.ok(error.compacted >= a3.modRevision);

      const events = await collectEvents(store, prefix, a3.modRevision, deleted.revision);
      assert.deepEqual(describeEvents(events), [
        `put ${prefix}b@${bGone.modRevision}`,
        `delete ${prefix}b@${deleted.revision} (was @${bGone.modRevision})`,
      ]);
    },
  },
];
