/**
 * Namespace deletion (upstream: the namespace REST strategy plus the namespace
 * controller's content deleter). Deleting a namespace marks it `Terminating`; then every
 * object in it is deleted, as a client's delete would be (pods bound to a node wait for
 * their node), and once it is empty the `kubernetes` finalizer is removed and the
 * namespace goes. Driven by a watch on namespaces, retried while content remains.
 */
import {
  ForbiddenError, NotFoundError, formatTime, isPlainObject, type KubeObject,
} from "../api/index.js";
import type { Clock } from "../base/index.js";
import { deleteObject, type DeleteResult } from "./registry/delete.js";
import type { GenericRegistry } from "./registry/generic-registry.js";
import { listObjects } from "./registry/list.js";
import type { ResourceEntry } from "./resources/resource-entry.js";

const undeletable = new Set(["default", "kube-system", "kube-public"]);
const retryMs = 1000;
const everything = Object.assign(() => true, { matchesAll: true });

export class NamespaceFinalizer {
  private readonly abort = new AbortController();
  private readonly pending = new Set<string>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly contents: ResourceEntry[];

  constructor(private readonly namespaces: GenericRegistry, entries: ResourceEntry[], private readonly clock: Clock) {
    // Two versions of one kind share storage: delete through one of them only.
    const seen = new Set<string>();
    this.contents = entries.filter((e) => {
      if (!e.type.namespaced || e.type.virtual || seen.has(e.type.storagePrefix)) return false;
      seen.add(e.type.storagePrefix);
      return true;
    });
  }

  /** The delete verb of namespaces. */
  async deleteNamespace(name: string, dryRun: boolean): Promise<DeleteResult> {
    if (undeletable.has(name)) {
      throw new ForbiddenError({ group: "", resource: "namespaces" }, name, "this namespace may not be deleted");
    }
    const current = await this.namespaces.get("", name);
    if (current.metadata.deletionTimestamp) return { object: current, deleted: false };
    const object = await this.namespaces.storageUpdate("", name, (ns) => {
      ns.metadata.deletionTimestamp = formatTime(this.clock.now());
      ns.metadata.deletionGracePeriodSeconds = 0;
      ns["status"] = { ...(isPlainObject(ns["status"]) ? ns["status"] : {}), phase: "Terminating" };
      return ns;
    }, dryRun);
    if (!dryRun) this.enqueue(name);
    return { object, deleted: false };
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }

  private enqueue(name: string): void {
    this.pending.add(name);
    this.wake?.();
  }

  private async run(): Promise<void> {
    const all = await listObjects(this.namespaces, "", { filter: everything });
    for (const ns of all.items) if (ns.metadata.deletionTimestamp) this.pending.add(ns.metadata.name!);
    while (!this.abort.signal.aborted) {
      if (this.pending.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const names = [...this.pending];
      this.pending.clear();
      let retry = false;
      for (const name of names) {
        try {
          if (!(await this.finalize(name))) {
            this.pending.add(name);
            retry = true;
          }
        } catch (e) {
          console.error(`peapod: finalizing namespace ${name}:`, e);
          this.pending.add(name);
          retry = true;
        }
      }
      if (retry) await this.clock.sleep(retryMs, this.abort.signal).catch(() => {});
    }
  }

  /** One pass over a terminating namespace; true when it is gone. */
  private async finalize(name: string): Promise<boolean> {
    let ns: KubeObject;
    try {
      ns = await this.namespaces.get("", name);
    } catch (e) {
      if (e instanceof NotFoundError) return true;
      throw e;
    }
    if (!ns.metadata.deletionTimestamp) return true;
    let remaining = 0;
    for (const entry of this.contents) {
      const list = await listObjects(entry.registry, name, { filter: everything });
      for (const obj of list.items) {
        if (obj.metadata.deletionTimestamp) {
          remaining++;
          continue;
        }
        try {
          const r = await deleteObject(entry.registry, name, obj.metadata.name!, { dryRun: false }, entry.graceful);
          if (!r.deleted) remaining++;
        } catch (e) {
          if (!(e instanceof NotFoundError)) throw e;
        }
      }
    }
    if (remaining > 0) return false;
    if ((ns.metadata.finalizers ?? []).length > 0) return false;
    await this.namespaces.deleteNow("", name);
    return true;
  }
}
