/**
 * Conformance cases for reads and writes: ordering, prefixes, old revisions, paging,
 * conflicts and revisions.
 */
import assert from "node:assert/strict";
import {
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  type KeyValue,
} from "../store.js";
import { bytes, bytewiseSorted, inParallel, text, type StoreCase } from "./store-case.js";

const keysOf = (kvs: readonly KeyValue[]): string[] => kvs.map((kv) => kv.key);

export const readWriteCases: StoreCase[] = [
  {
    title: "a created key reads back with the revision of its create",
    async run({ store, prefix }) {
      const created = await store.create(`${prefix}pod`, bytes("v1"));
      assert.equal(created.key, `${prefix}pod`);
      assert.equal(created.createRevision, created.modRevision);
      const read = await store.get(`${prefix}pod`);
      assert.ok(read.kv, "the key is there");
      assert.equal(text(read.kv.value), "v1");
      assert.equal(read.kv.createRevision, created.createRevision);
      assert.equal(read.kv.modRevision, created.modRevision);
      assert.ok(read.revision >= created.modRevision, "the read is at least as new as the write");
      const missing = await store.get(`${prefix}nothing`);
      assert.equal(missing.kv, undefined);
      assert.ok(missing.revision >= created.modRevision);
    },
  },
  {
    title: "values are opaque bytes: every byte value and the empty value survive",
    async run({ store, prefix }) {
      const all = Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256);
      const large = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 7919) % 251);
      await store.create(`${prefix}all`, all);
      await store.create(`${prefix}empty`, new Uint8Array(0));
      await store.create(`${prefix}large`, large);
      assert.deepEqual(new Uint8Array((await store.get(`${prefix}all`)).kv!.value), all);
      assert.equal((await store.get(`${prefix}empty`)).kv!.value.length, 0);
      assert.deepEqual(new Uint8Array((await store.get(`${prefix}large`)).kv!.value), large);
      const listed = await store.list(prefix);
      assert.deepEqual(new Uint8Array(listed.kvs.find((kv) => kv.key === `${prefix}all`)!.value), all);
    },
  },
  {
    title: "a list returns keys in the bytewise order of their UTF-8 encoding",
    async run({ store, prefix }) {
      // U+1F600 sorts after U+FFFD in UTF-8, but before it in JavaScript's UTF-16 order.
      const names = ["b", "a", "a/b", "a-", "B", "é", "\u{1F600}", "\uFFFD", "z", "a\u0000x", "0", "~"];
      for (const name of names) await store.create(`${prefix}${name}`, bytes(name));
      const listed = await store.list(prefix);
      assert.deepEqual(keysOf(listed.kvs), bytewiseSorted(names.map((n) => `${prefix}${n}`)));
      for (const kv of listed.kvs) assert.equal(`${prefix}${text(kv.value)}`, kv.key);
      assert.equal(listed.remaining, 0);
    },
  },
  {
    title: "a prefix selects only its subtree: /a/ includes neither /ab nor /a",
    async run({ store, prefix }) {
      for (const name of ["a", "a/", "a/1", "a/2/x", "ab", "ab/1", "a0", "a.", "b/1"]) {
        await store.create(`${prefix}${name}`, bytes(name));
      }
      const under = await store.list(`${prefix}a/`);
      assert.deepEqual(keysOf(under.kvs), [`${prefix}a/`, `${prefix}a/1`, `${prefix}a/2/x`]);
      assert.equal((await store.count(`${prefix}a/`)).count, 3);
      assert.equal((await store.count(`${prefix}ab/`)).count, 1);
      assert.equal((await store.count(`${prefix}a`)).count, 8);
      assert.equal((await store.list(`${prefix}c/`)).kvs.length, 0);
    },
  },
  {
    title: "a list or get at an older revision shows the state of that revision",
    async run({ store, prefix }) {
      // Something else first, so that the revision before a's create is a real one (not 0).
      await store.create(`${prefix}0`, bytes("0"));
      const a1 = await store.create(`${prefix}a`, bytes("a1"));
      const b1 = await store.create(`${prefix}b`, bytes("b1"));
      const then = b1.modRevision;
      await store.update(`${prefix}a`, bytes("a2"), a1.modRevision);
      await store.delete(`${prefix}b`);
      await store.create(`${prefix}c`, bytes("c1"));
      const old = await store.list(prefix, { revision: then });
      assert.equal(old.revision, then);
      assert.deepEqual(keysOf(old.kvs), [`${prefix}0`, `${prefix}a`, `${prefix}b`]);
      assert.deepEqual(old.kvs.map((kv) => text(kv.value)), ["0", "a1", "b1"]);
      assert.equal(old.kvs[1]!.modRevision, a1.modRevision);
      const now = await store.list(prefix);
      assert.deepEqual(now.kvs.map((kv) => text(kv.value)), ["0", "a2", "c1"]);
      assert.equal(text((await store.get(`${prefix}a`, then)).kv!.value), "a1");
      assert.equal(text((await store.get(`${prefix}b`, then)).kv!.value), "b1");
      assert.equal((await store.get(`${prefix}c`, then)).kv, undefined, "c did not exist yet");
      assert.equal((await store.get(`${prefix}a`, a1.modRevision - 1)).kv, undefined, "a did not exist yet");
      assert.equal((await store.list(prefix, { revision: a1.modRevision })).kvs.length, 2);
    },
  },
  {
    title: "paging with after and limit at a fixed revision sees one consistent snapshot",
    async run({ store, prefix }) {
      const names = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, "0")}`);
      for (const name of names) await store.create(`${prefix}${name}`, bytes(`${name}-v1`));
      const first = await store.list(prefix, { limit: 10 });
      assert.equal(first.kvs.length, 10);
      assert.equal(first.remaining, 15);
      // Changes between pages must not show up in later pages read at the same revision.
      await store.create(`${prefix}k05x`, bytes("new"));
      const k20 = (await store.get(`${prefix}k20`)).kv!;
      await store.update(`${prefix}k20`, bytes("k20-v2"), k20.modRevision);
      await store.delete(`${prefix}k22`);
      const pages = [first];
      while (pages[pages.length - 1]!.remaining > 0) {
        const last = pages[pages.length - 1]!;
        pages.push(await store.list(prefix, { revision: first.revision, after: last.kvs[last.kvs.length - 1]!.key, limit: 10 }));
      }
      assert.deepEqual(pages.map((p) => [p.kvs.length, p.remaining, p.revision]), [
        [10, 15, first.revision],
        [10, 5, first.revision],
        [5, 0, first.revision],
      ]);
      const seen = pages.flatMap((p) => p.kvs);
      assert.deepEqual(keysOf(seen), names.map((n) => `${prefix}${n}`));
      assert.ok(seen.every((kv) => text(kv.value).endsWith("-v1")));
      const now = await store.list(prefix, { limit: 24 });
      assert.equal(now.kvs.length + now.remaining, 25);
      assert.equal(now.remaining, 1);
    },
  },
  {
    title: "creating an existing key fails with KeyExistsError and consumes no revision",
    async run({ store, prefix }) {
      await store.create(`${prefix}x`, bytes("first"));
      const before = await store.currentRevision();
      await assert.rejects(store.create(`${prefix}x`, bytes("second")), KeyExistsError);
      assert.equal(await store.currentRevision(), before);
      assert.equal(text((await store.get(`${prefix}x`)).kv!.value), "first");
    },
  },
  {
    title: "updating or deleting a missing key fails with KeyNotFoundError",
    async run({ store, prefix }) {
      const gone = await store.create(`${prefix}gone`, bytes("v"));
      await store.delete(`${prefix}gone`);
      const before = await store.currentRevision();
      await assert.rejects(store.update(`${prefix}never`, bytes("v"), 1), KeyNotFoundError);
      await assert.rejects(store.update(`${prefix}gone`, bytes("v"), gone.modRevision), KeyNotFoundError);
      await assert.rejects(store.delete(`${prefix}never`), KeyNotFoundError);
      await assert.rejects(store.delete(`${prefix}gone`, gone.modRevision), KeyNotFoundError);
      assert.equal(await store.currentRevision(), before);
    },
  },
  {
    title: "a write conditioned on a stale modRevision fails with RevisionMismatchError naming the actual one",
    async run({ store, prefix }) {
      const v1 = await store.create(`${prefix}x`, bytes("v1"));
      const v2 = await store.update(`${prefix}x`, bytes("v2"), v1.modRevision);
      assert.equal(v2.createRevision, v1.createRevision);
      assert.ok(v2.modRevision > v1.modRevision);
      const before = await store.currentRevision();
      const update = await store.update(`${prefix}x`, bytes("v3"), v1.modRevision).catch((e: unknown) => e);
      assert.ok(update instanceof RevisionMismatchError, String(update));
      assert.equal(update.expected, v1.modRevision);
      assert.equal(update.actual, v2.modRevision);
      await assert.rejects(store.delete(`${prefix}x`, v1.modRevision), RevisionMismatchError);
      assert.equal(await store.currentRevision(), before);
      assert.equal(text((await store.get(`${prefix}x`)).kv!.value), "v2");
    },
  },
  {
    title: "a delete returns the deleted value and its revision, and the key can be created again",
    async run({ store, prefix }) {
      const created = await store.create(`${prefix}x`, bytes("v1"));
      const deleted = await store.delete(`${prefix}x`, created.modRevision);
      assert.ok(deleted.revision > created.modRevision);
      assert.equal(text(deleted.prevKv.value), "v1");
      assert.equal(deleted.prevKv.modRevision, created.modRevision);
      assert.equal((await store.get(`${prefix}x`)).kv, undefined);
      const again = await store.create(`${prefix}x`, bytes("v2"));
      assert.ok(again.createRevision > deleted.revision, "a new life of the key has a new createRevision");
    },
  },
  {
    title: "of concurrent conflicting writes exactly one wins",
    async run({ store, prefix }) {
      const outcomes = async (writes: Promise<unknown>[]) => {
        const settled = await Promise.allSettled(writes);
        return {
          won: settled.filter((s) => s.status === "fulfilled").length,
          reasons: settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : [])),
        };
      };
      const creates = await outcomes(Array.from({ length: 20 }, (_, i) => store.create(`${prefix}c`, bytes(`${i}`))));
      assert.equal(creates.won, 1);
      assert.ok(creates.reasons.every((r) => r instanceof KeyExistsError));
      const base = (await store.get(`${prefix}c`)).kv!;
      const updates = await outcomes(
        Array.from({ length: 20 }, (_, i) => store.update(`${prefix}c`, bytes(`u${i}`), base.modRevision)),
      );
      assert.equal(updates.won, 1);
      assert.ok(updates.reasons.every((r) => r instanceof RevisionMismatchError));
      const now = (await store.get(`${prefix}c`)).kv!;
      const deletes = await outcomes(Array.from({ length: 10 }, () => store.delete(`${prefix}c`, now.modRevision)));
      assert.equal(deletes.won, 1);
      assert.ok(deletes.reasons.every((r) => r instanceof KeyNotFoundError || r instanceof RevisionMismatchError));
    },
  },
  {
    title: "every write gets a revision greater than all writes acknowledged before it",
    async run({ store, prefix }) {
      let last = await store.currentRevision();
      for (let i = 0; i < 30; i++) {
        const kv = await store.create(`${prefix}s${i}`, bytes("v"));
        assert.ok(kv.modRevision > last, `create ${i}: ${kv.modRevision} > ${last}`);
        const updated = await store.update(kv.key, bytes("w"), kv.modRevision);
        assert.ok(updated.modRevision > kv.modRevision);
        last = updated.modRevision;
        if (i % 3 === 0) {
          const deleted = await store.delete(kv.key);
          assert.ok(deleted.revision > last);
          last = deleted.revision;
        }
      }
      assert.equal(await store.currentRevision(), last);
      const concurrent = await inParallel(60, 30, (i) => store.create(`${prefix}p${i}`, bytes("v")));
      const revisions = concurrent.map((kv) => kv.modRevision);
      assert.equal(new Set(revisions).size, revisions.length, "no two writes share a revision");
      assert.ok(revisions.every((r) => r > last));
      assert.ok((await store.currentRevision()) >= Math.max(...revisions));
    },
  },
  {
    title: "reads at a future revision fail with FutureRevisionError",
    async run({ store, prefix }) {
      await store.create(`${prefix}x`, bytes("v"));
      const future = (await store.currentRevision()) + 1000;
      const error = await store.get(`${prefix}x`, future).catch((e: unknown) => e);
      assert.ok(error instanceof FutureRevisionError, String(error));
      assert.equal(error.requested, future);
      await assert.rejects(store.list(prefix, { revision: future }), FutureRevisionError);
    },
  },
];
