/**
 * Assembles the API server from a store: one registry per served resource, the
 * bootstrap namespaces, history compaction and namespace finalization. Returns the
 * request handler; listening is the caller's business.
 */
import type { IncomingMessage } from "node:http";
import { coreToEventsV1, eventsV1ToCore, type Schema } from "../api/index.js";
import type { Clock } from "../base/index.js";
import type { Store } from "../store/index.js";
import { namespaceLifecycle } from "./admission/namespace-lifecycle.js";
import type { ApiContext } from "./api-context.js";
import { bootstrapAuthorizer, type UserInfo } from "./authorization/authorizer.js";
import { Compactor } from "./compactor.js";
import { createApiHandler, createUpgradeHandler, resourceKey, type ApiHandler, type ApiHandlerOptions, type ApiUpgradeHandler } from "./handler.js";
import type { KubeletClientCredentials } from "./subresources/pod-proxy.js";
import { NamespaceFinalizer } from "./namespace-finalizer.js";
import { OpenApiService } from "./openapi.js";
import { GenericRegistry } from "./registry/generic-registry.js";
import { podGracefulDelete } from "./registry/delete.js";
import type { ResourceEntry } from "./resources/resource-entry.js";
import { resourceTypes } from "./resources/resource-types.js";
import { strategyFor } from "./resources/strategies.js";
import { kubernetesVersion } from "../base/index.js";

/** The Kubernetes release whose API Peapod implements; kubectl's dispatcher picks its binary by it. */
export { kubernetesVersion };

/** Namespaces every cluster has from the start. */
export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

export interface ApiServerOptions {
  readonly store: Store;
  readonly schema: Schema;
  readonly clock: Clock;
  readonly authenticate: (req: IncomingMessage) => UserInfo | undefined;
  /** The cluster CA (PEM), served unauthenticated at /cacerts for joining nodes. */
  readonly caBundle?: string;
  /** The client certificate for node agents (kubelet-client): logs, exec, attach, port-forward. */
  readonly kubeletClient?: KubeletClientCredentials;
}

export interface ApiServer {
  readonly handler: ApiHandler;
  /** For the HTTPS server's `upgrade` event (exec, attach, port-forward). */
  readonly upgrade: ApiUpgradeHandler;
  readonly resources: ReadonlyMap<string, ResourceEntry>;
  /** Stops background work; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

export async function createApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const resources = new Map<string, ResourceEntry>();
  for (const type of resourceTypes) {
    const conversion = type.group === "events.k8s.io" ? { toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 } : undefined;
    const registry = new GenericRegistry(type, opts.store, strategyFor(type), opts.clock, conversion);
    const isPod = type.group === "" && type.kind === "Pod";
    resources.set(resourceKey(type.group, type.version, type.plural), {
      type,
      registry,
      ...(isPod ? { graceful: podGracefulDelete } : {}),
      returnDeletedObject: isPod || (type.group === "" && type.kind === "Namespace"),
    });
  }
  const namespaces = resources.get(resourceKey("", "v1", "namespaces"))!.registry;
  await bootstrapNamespaces(namespaces);
  const finalizer = new NamespaceFinalizer(namespaces, [...resources.values()], opts.clock);
  const namespacesKey = resourceKey("", "v1", "namespaces");
  resources.set(namespacesKey, {
    ...resources.get(namespacesKey)!,
    customDelete: (name, options) => finalizer.deleteNamespace(name, options.dryRun),
  });
  const api: ApiContext = { schema: opts.schema, clock: opts.clock, admission: namespaceLifecycle(namespaces) };
  const compactor = new Compactor(opts.store, opts.clock);
  finalizer.start();
  compactor.start();
  let ready = true;
  const handlerOptions: ApiHandlerOptions = {
    api,
    resources,
    openapi: new OpenApiService(opts.schema),
    authenticate: opts.authenticate,
    authorizer: bootstrapAuthorizer,
    version: kubernetesVersion,
    isReady: () => ready,
    ...(opts.caBundle !== undefined ? { caBundle: opts.caBundle } : {}),
    ...(opts.kubeletClient !== undefined ? { kubeletClient: opts.kubeletClient } : {}),
  };
  const handler = createApiHandler(handlerOptions);
  return {
    handler,
    upgrade: createUpgradeHandler(handlerOptions),
    resources,
    async close() {
      ready = false;
      await Promise.all([finalizer.stop(), compactor.stop()]);
    },
  };
}

async function bootstrapNamespaces(namespaces: GenericRegistry): Promise<void> {
  for (const name of systemNamespaces) {
    const { kv } = await namespaces.store.get(namespaces.key("", name));
    if (kv) continue;
    await namespaces.create("", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, { dryRun: false }).catch((e: unknown) => {
      // Another server on the same etcd may have created it meanwhile.
      if ((e as { reason?: string }).reason !== "AlreadyExists") throw e;
    });
  }
}
