/**
 * The child process of the crash case: opens a store by endpoint and creates keys, a few
 * at a time, printing `acked <key> <revision>` as each create resolves. The parent kills
 * it with SIGKILL mid-stream and then checks every acknowledged key.
 *
 *   node crash-writer.js <endpoint> <key prefix> <count>
 */
import { openStore } from "../open-store.js";

const [endpoint, prefix, countText] = process.argv.slice(2);
if (!endpoint || !prefix || !countText) {
  process.stderr.write("usage: crash-writer <endpoint> <key prefix> <count>\n");
  process.exit(2);
}
const count = Number(countText);
const store = await openStore(endpoint);
process.stdout.write("ready\n");
const value = new TextEncoder().encode("x".repeat(512));
let next = 0;
const writer = async (): Promise<void> => {
  while (next < count) {
    const key = `${prefix}${String(next++).padStart(8, "0")}`;
    const kv = await store.create(key, value);
    // Writes to a pipe are synchronous on Linux: once this returns, the parent can read it.
    process.stdout.write(`acked ${key} ${kv.modRevision}\n`);
  }
};
await Promise.all([writer(), writer(), writer(), writer()]);
await store.close();
