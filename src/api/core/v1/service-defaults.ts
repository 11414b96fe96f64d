/**
 * Service defaults (pkg/apis/core/v1/defaults.go SetDefaults_Service) plus the IP family
 * fields that upstream's service REST storage fills before allocating a cluster IP
 * (pkg/registry/core/service/storage initIPFamilyFields), for a single-stack IPv4 cluster.
 * Allocating clusterIP/clusterIPs and node ports is the caller's job.
 */
import type { ObjectMeta } from "../../meta/object.js";

export interface ServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: string;
  ports?: ServicePort[];
  selector?: Record<string, string>;
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  externalName?: string;
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } } | null;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  loadBalancerClass?: string;
  publishNotReadyAddresses?: boolean;
  trafficDistribution?: string;
}

export interface Service {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: ServiceSpec;
  status?: Record<string, unknown>;
}

/** ClientIP affinity lasts three hours unless told otherwise. */
export const defaultClientIPServiceAffinitySeconds = 10800;

/** NodePort and LoadBalancer services, and ClusterIP services with external IPs, are reachable from outside. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === "LoadBalancer" || spec.type === "NodePort" ||
    (spec.type === "ClusterIP" && (spec.externalIPs?.length ?? 0) > 0);
}

export function defaultService(svc: Service): void {
  svc.spec ??= {};
  const spec = svc.spec;
  if (!spec.sessionAffinity) spec.sessionAffinity = "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && !spec.sessionAffinityConfig?.clientIP?.timeoutSeconds) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: defaultClientIPServiceAffinitySeconds } };
  }
  if (!spec.type) spec.type = "ClusterIP";
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = "Cluster";
  if (!spec.internalTrafficPolicy && ["NodePort", "LoadBalancer", "ClusterIP"].includes(spec.type)) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === undefined) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  // Clients may set only the singular clusterIP; the plural list follows it (strategy normalizeClusterIPs).
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
}

/**
 * IP family fields on create. Headless services without a selector default to
 * RequireDualStack upstream (their endpoints may be of any family); everything else to
 * SingleStack. The families are those of this single-stack IPv4 cluster.
 */
export function defaultServiceIPFamilies(svc: Service): void {
  const spec = (svc.spec ??= {});
  if (spec.type === "ExternalName") return;
  const headless = spec.clusterIP === "None" || spec.clusterIPs?.[0] === "None";
  const selectorless = Object.keys(spec.selector ?? {}).length === 0;
  if (!spec.ipFamilyPolicy) spec.ipFamilyPolicy = headless && selectorless ? "RequireDualStack" : "SingleStack";
  if (!spec.ipFamilies?.length) spec.ipFamilies = ["IPv4"];
}
