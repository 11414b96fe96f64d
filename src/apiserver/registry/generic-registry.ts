/**
 * The storage logic every resource shares (upstream's genericregistry.Store): keys,
 * create/get/update with optimistic concurrency, graceful deletion and finalizers, and
 * the translation of store errors into API errors. Kind-specific behaviour comes only
 * from the Strategy and the optional Conversion.
 */
import { randomUUID } from "node:crypto";
import {
  AlreadyExistsError, BadRequestError, ConflictError, InternalError, InvalidError, NotFoundError,
  formatTime, isPlainObject, type KubeObject, type GroupResource,
} from "../../api/index.js";
import {
  KeyExistsError, KeyNotFoundError, RevisionMismatchError, type KeyValue, type Store,
} from "../../store/index.js";
import type { ResourceType } from "../resources/resource-types.js";
import type { Conversion, Strategy } from "../resources/strategy.js";
import { decodeObject, encodeObject, storedJson } from "./object-codec.js";
import type { Clock } from "../../base/index.js";

export interface WriteOptions {
  readonly dryRun: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /** "status" writes only the status; "" writes everything else. */
  readonly subresource: "" | "status";
}

/** The outcome of a write, with the warnings the strategy had about it. */
export interface WriteResult {
  readonly object: KubeObject;
  readonly warnings: readonly string[];
}

const generateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
const generateNameAttempts = 8;

export class GenericRegistry {
  readonly groupResource: GroupResource;

  constructor(
    readonly type: ResourceType,
    readonly store: Store,
    readonly strategy: Strategy,
    readonly clock: Clock,
    private readonly conversion?: Conversion,
  ) {
    this.groupResource = { group: type.group, resource: type.plural };
  }

  /** `/registry/pods/default/web`, `/registry/namespaces/default` */
  key(namespace: string, name: string): string {
    return this.type.namespaced ? `${this.type.storagePrefix}${namespace}/${name}` : `${this.type.storagePrefix}${name}`;
  }

  /** The prefix that holds a namespace's objects, or all of them for "" (and for cluster-scoped kinds). */
  prefix(namespace: string): string {
    return this.type.namespaced && namespace ? `${this.type.storagePrefix}${namespace}/` : this.type.storagePrefix;
  }

  /** The API object for a stored value, in this resource's version. */
  fromStored(kv: KeyValue): KubeObject {
    const obj = decodeObject(kv);
    return this.conversion ? this.conversion.fromStorage(obj) : obj;
  }

  /** The API object's JSON for a stored value, unparsed where no conversion is needed. */
  storedJson(kv: KeyValue): string {
    return this.conversion ? JSON.stringify(this.fromStored(kv)) : storedJson(kv);
  }

  toStoredBytes(obj: KubeObject): Uint8Array {
    return encodeObject(this.conversion ? this.conversion.toStorage(obj) : obj);
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    const { kv } = await this.store.get(this.key(namespace, name));
    if (!kv) throw new NotFoundError(this.groupResource, name);
    return this.fromStored(kv);
  }

  async create(namespace: string, input: KubeObject, opts: WriteOptions): Promise<WriteResult> {
    const obj = structuredClone(input);
    this.bindNamespace(obj, namespace);
    if (obj.metadata.resourceVersion) {
      throw new InternalError("resourceVersion should not be set on objects to be created");
    }
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = formatTime(this.clock.now());
    const generated = !obj.metadata.name && !!obj.metadata.generateName;
    if (generated) obj.metadata.name = this.generateName(obj.metadata.generateName!);
    this.strategy.defaults(obj);
    this.strategy.prepareForCreate(obj);
    const errs = this.strategy.validateCreate(obj);
    if (errs.length) throw new InvalidError(this.type.group, this.type.kind, obj.metadata.name ?? "", errs);
    const warnings = this.strategy.warnings(obj);
    if (opts.dryRun) {
      // A dry run answers as the real create would, a taken name included.
      if ((await this.store.get(this.key(namespace, obj.metadata.name!))).kv) {
        throw new AlreadyExistsError(this.groupResource, obj.metadata.name!);
      }
      return { object: obj, warnings };
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const kv = await this.store.create(this.key(namespace, obj.metadata.name!), this.toStoredBytes(obj));
        return { object: this.fromStored(kv), warnings };
      } catch (e) {
        if (!(e instanceof KeyExistsError)) throw e;
        // Upstream retries a generated name a few times before giving up (RetryGenerateName).
        if (!generated || attempt >= generateNameAttempts) throw new AlreadyExistsError(this.groupResource, obj.metadata.name!);
        obj.metadata.name = this.generateName(obj.metadata.generateName!);
      }
    }
  }

  /**
   * Replaces the object. With a resourceVersion in the body the write is conditional
   * (409 Conflict when stale); without one it applies to whatever is current.
   */
  async update(namespace: string, name: string, input: KubeObject, opts: UpdateOptions): Promise<WriteResult> {
    const obj = structuredClone(input);
    this.bindNamespace(obj, namespace);
    if (obj.metadata.name !== name) {
      throw new BadRequestError(`the name of the object (${obj.metadata.name ?? ""}) does not match the name on the URL (${name})`);
    }
    const wanted = obj.metadata.resourceVersion;
    return this.guaranteedUpdate(namespace, name, wanted, () => obj, opts);
  }

  /**
   * Read-modify-write with optimistic concurrency: `mutate` gets the current object and
   * returns the desired one. When `preconditionRV` is set, a stale read is a Conflict;
   * otherwise a lost race is retried with the fresh object.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    preconditionRV: string | undefined,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    opts: UpdateOptions,
  ): Promise<WriteResult> {
    const key = this.key(namespace, name);
    for (;;) {
      const { kv } = await this.store.get(key);
      if (!kv) throw new NotFoundError(this.groupResource, name);
      const current = this.fromStored(kv);
      if (preconditionRV && preconditionRV !== String(kv.modRevision)) {
        throw ConflictError.modified(this.groupResource, name);
      }
      const obj = structuredClone(await mutate(structuredClone(current)));
      this.bindNamespace(obj, namespace);
      this.keepSystemFields(obj, current);
      this.strategy.defaults(obj);
      if (opts.subresource === "status") this.strategy.prepareForStatusUpdate(obj, current);
      else this.strategy.prepareForUpdate(obj, current);
      const errs = opts.subresource === "status"
        ? this.strategy.validateStatusUpdate(obj, current)
        : this.strategy.validateUpdate(obj, current);
      if (errs.length) throw new InvalidError(this.type.group, this.type.kind, name, errs);
      const warnings = this.strategy.warnings(obj, current);
      const bytes = this.toStoredBytes(obj);
      // A write that changes nothing keeps the resourceVersion, as upstream does.
      if (Buffer.compare(Buffer.from(bytes), Buffer.from(kv.value)) === 0) return { object: current, warnings };
      if (opts.dryRun) return { object: obj, warnings };
      if (this.finalizersJustCleared(obj, current)) {
        try {
          await this.store.delete(key, kv.modRevision);
          return { object: obj, warnings };
        } catch (e) {
          if (e instanceof RevisionMismatchError && !preconditionRV) continue;
          throw this.translate(e, name);
        }
      }
      try {
        const next = await this.store.update(key, bytes, kv.modRevision);
        return { object: this.fromStored(next), warnings };
      } catch (e) {
        if (e instanceof RevisionMismatchError && !preconditionRV) continue;
        throw this.translate(e, name);
      }
    }
  }

  /**
   * A read-modify-write straight on storage, without the strategy: for transitions only
   * the system makes (binding a pod to a node), which the update rules would forbid.
   */
  async storageUpdate(
    namespace: string,
    name: string,
    mutate: (current: KubeObject) => KubeObject,
    dryRun: boolean,
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (;;) {
      const { kv } = await this.store.get(key);
      if (!kv) throw new NotFoundError(this.groupResource, name);
      const obj = mutate(this.fromStored(kv));
      if (dryRun) return obj;
      try {
        return this.fromStored(await this.store.update(key, this.toStoredBytes(obj), kv.modRevision));
      } catch (e) {
        if (e instanceof RevisionMismatchError) continue;
        throw this.translate(e, name);
      }
    }
  }

  /** Removes the object now (no grace period, no finalizer check): the last step of every deletion. */
  async deleteNow(namespace: string, name: string, expectedRevision?: number): Promise<KubeObject> {
    try {
      const { prevKv, revision } = await this.store.delete(this.key(namespace, name), expectedRevision);
      const obj = this.fromStored(prevKv);
      obj.metadata.resourceVersion = String(revision);
      return obj;
    } catch (e) {
      throw this.translate(e, name);
    }
  }

  translate(e: unknown, name: string): unknown {
    if (e instanceof KeyNotFoundError) return new NotFoundError(this.groupResource, name);
    if (e instanceof RevisionMismatchError) return ConflictError.modified(this.groupResource, name);
    if (e instanceof KeyExistsError) return new AlreadyExistsError(this.groupResource, name);
    return e;
  }

  /** Upstream deletes an object whose deletion was pending only on finalizers once the last one is removed. */
  private finalizersJustCleared(obj: KubeObject, old: KubeObject): boolean {
    return (obj.metadata.finalizers ?? []).length === 0
      && (old.metadata.finalizers ?? []).length > 0
      && !!obj.metadata.deletionTimestamp
      && obj.metadata.deletionGracePeriodSeconds === 0;
  }

  private keepSystemFields(obj: KubeObject, old: KubeObject): void {
    const m = obj.metadata;
    const o = old.metadata;
    if (!m.uid) m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    m.resourceVersion = o.resourceVersion;
    if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (o.generation !== undefined && m.generation === undefined) m.generation = o.generation;
  }

  private bindNamespace(obj: KubeObject, namespace: string): void {
    if (!isPlainObject(obj.metadata)) obj.metadata = {};
    if (!this.type.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw new BadRequestError("the namespace of the provided object does not match the namespace sent on the request");
    }
    obj.metadata.namespace = namespace;
  }

  private generateName(base: string): string {
    // Upstream truncates the prefix so that the result stays within 63 characters.
    const prefix = base.length > 58 ? base.slice(0, 58) : base;
    let suffix = "";
    for (let i = 0; i < 5; i++) suffix += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
    return prefix + suffix;
  }
}
