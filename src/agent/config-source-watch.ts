/**
 * The configMaps and secrets the node's pod volumes use, watched (the kubelet's
 * configmap.Manager and secret.Manager with their watch-based strategy). Pods are
 * registered as the agent sees them; a change of an object that a registered pod's volumes
 * refer to wakes that pod, whose sync then rewrites the volume (VolumeManager.update). This
 * replaces upstream's "check on every periodic sync" with a wake-up: same files, sooner.
 *
 * Only volumes count (configMap, secret, projected sources): env is fixed when a container
 * starts, as upstream, and imagePullSecrets are read when an image is pulled.
 *
 * One informer per resource and namespace, started when the first registered pod of that
 * namespace refers to an object of that resource and stopped when the last such pod goes.
 * Per namespace rather than one cluster-wide informer: the node then holds only the
 * configMaps and secrets of namespaces it runs pods of (upstream's node authorizer goes
 * further and allows only the referenced objects; the watch is kept to the namespaces as
 * the closest match that costs two watches per namespace, not one per object).
 *
 * It is also the agent's VolumeSources: a read is served from the informer's cache when
 * the object is there, else by a GET, so that an object created a moment before the pod
 * (its watch event still on the way) or a namespace whose informer has not listed yet is
 * never taken for missing.
 */
import type { ConfigMap, KubeObject, PodObject, Secret, Volume } from "../api/index.js";
import type { Clock } from "../base/index.js";
import { configMapsResource, Informer, isNotFound, secretsResource, type ApiClient, type ApiResource } from "../client/index.js";
import type { VolumeSources } from "./volumes/index.js";

/** The names of the configMaps and secrets a pod's volumes refer to. */
export interface VolumeConfigReferences {
  configMaps: Set<string>;
  secrets: Set<string>;
}

/** What a pod's volumes read (configMap, secret and projected volumes); env is not included. */
export function podVolumeConfigReferences(pod: { spec?: { volumes?: Volume[] } }): VolumeConfigReferences {
  const refs: VolumeConfigReferences = { configMaps: new Set(), secrets: new Set() };
  for (const volume of pod.spec?.volumes ?? []) {
    if (volume.configMap?.name) refs.configMaps.add(volume.configMap.name);
    if (volume.secret?.secretName) refs.secrets.add(volume.secret.secretName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) refs.configMaps.add(source.configMap.name);
      if (source.secret?.name) refs.secrets.add(source.secret.name);
    }
  }
  return refs;
}

export interface ConfigSourceWatchOptions {
  client: ApiClient;
  /** A configMap or secret that this pod's volumes use changed (added, updated or deleted). */
  onChange: (podUid: string) => void;
  clock?: Clock;
  log?: (message: string) => void;
}

type Kind = "configmaps" | "secrets";
const resources: Record<Kind, ApiResource> = { configmaps: configMapsResource, secrets: secretsResource };

interface Registration {
  namespace: string;
  refs: VolumeConfigReferences;
}

interface NamespaceWatch {
  informer: Informer<KubeObject>;
  /** Registered pods of the namespace that refer to an object of this resource. */
  pods: number;
}

/** `configmaps/NS/NAME`: one object of one resource. */
const objectRef = (kind: Kind, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;
const watchKey = (kind: Kind, namespace: string): string => `${kind}/${namespace}`;
const namesOf = (kind: Kind, reg: Registration): Set<string> => (kind === "configmaps" ? reg.refs.configMaps : reg.refs.secrets);

export class ConfigSourceWatch implements VolumeSources {
  readonly #o: ConfigSourceWatchOptions;
  readonly #pods = new Map<string, Registration>();
  /** objectRef → uids of the registered pods whose volumes use it. */
  readonly #users = new Map<string, Set<string>>();
  readonly #watches = new Map<string, NamespaceWatch>();
  /** Informers released and still stopping; stop() waits for them. */
  readonly #stopping = new Set<Promise<void>>();
  #stopped = false;

  constructor(options: ConfigSourceWatchOptions) {
    this.#o = options;
  }

  /** The pod (new or changed) is on this node; idempotent. */
  registerPod(pod: PodObject): void {
    const uid = pod.metadata.uid;
    if (!uid || this.#stopped) return;
    const next: Registration = { namespace: pod.metadata.namespace ?? "", refs: podVolumeConfigReferences(pod) };
    const old = this.#pods.get(uid);
    // Acquire before releasing, so an unchanged pod never stops and restarts a watch.
    this.#acquire(uid, next);
    this.#pods.set(uid, next);
    if (old) this.#release(uid, old, next);
  }

  /** The pod left the node; a watch nobody needs any more stops. */
  unregisterPod(uid: string | undefined): void {
    if (!uid) return;
    const old = this.#pods.get(uid);
    if (!old) return;
    this.#pods.delete(uid);
    this.#release(uid, old);
  }

  /** The namespaces (per resource) being watched now, as `configmaps/NS`; for tests and debugging. */
  watchedNamespaces(): string[] {
    return [...this.#watches.keys()].sort();
  }

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.#read<ConfigMap>("configmaps", namespace, name);
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.#read<Secret>("secrets", namespace, name);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const watches = [...this.#watches.values()];
    this.#watches.clear();
    await Promise.all([...watches.map((w) => w.informer.stop()), ...this.#stopping]);
  }

  async #read<T>(kind: Kind, namespace: string, name: string): Promise<T | undefined> {
    const informer = this.#watches.get(watchKey(kind, namespace))?.informer;
    const cached = informer?.hasSynced() ? informer.get(`${namespace}/${name}`) : undefined;
    if (cached) return cached as T;
    try {
      return (await this.#o.client.resource<KubeObject>(resources[kind]).get(namespace, name)) as T;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  #acquire(uid: string, reg: Registration): void {
    for (const kind of ["configmaps", "secrets"] as const) {
      const names = namesOf(kind, reg);
      if (names.size === 0) continue;
      for (const name of names) {
        const ref = objectRef(kind, reg.namespace, name);
        let users = this.#users.get(ref);
        if (!users) this.#users.set(ref, (users = new Set()));
        users.add(uid);
      }
      this.#watch(kind, reg.namespace).pods++;
    }
  }

  /** Undoes #acquire of reg, but for the objects that `kept` (the pod's new registration) still uses. */
  #release(uid: string, reg: Registration, kept?: Registration): void {
    for (const kind of ["configmaps", "secrets"] as const) {
      const names = namesOf(kind, reg);
      if (names.size === 0) continue;
      for (const name of names) {
        if (kept?.namespace === reg.namespace && namesOf(kind, kept).has(name)) continue;
        const ref = objectRef(kind, reg.namespace, name);
        const users = this.#users.get(ref);
        users?.delete(uid);
        if (users?.size === 0) this.#users.delete(ref);
      }
      const key = watchKey(kind, reg.namespace);
      const watch = this.#watches.get(key);
      if (watch && --watch.pods === 0) {
        this.#watches.delete(key);
        const stopping = watch.informer.stop().finally(() => this.#stopping.delete(stopping));
        this.#stopping.add(stopping);
      }
    }
  }

  /** The namespace's informer of that resource, started if there was none. */
  #watch(kind: Kind, namespace: string): NamespaceWatch {
    const key = watchKey(kind, namespace);
    let watch = this.#watches.get(key);
    if (watch) return watch;
    const informer = new Informer<KubeObject>(this.#o.client.resource<KubeObject>(resources[kind]), {
      namespace,
      ...(this.#o.clock ? { clock: this.#o.clock } : {}),
      ...(this.#o.log ? { log: this.#o.log } : {}),
    });
    // The first list's adds wake the users too: an object changed between a pod's GET and
    // that list would otherwise go unseen until its next change.
    const changed = (obj: KubeObject): void => {
      for (const uid of this.#users.get(objectRef(kind, namespace, obj.metadata.name ?? "")) ?? []) this.#o.onChange(uid);
    };
    informer.on("add", changed);
    informer.on("update", (_old, obj) => changed(obj));
    informer.on("delete", changed);
    informer.start();
    watch = { informer, pods: 0 };
    this.#watches.set(key, watch);
    return watch;
  }
}
