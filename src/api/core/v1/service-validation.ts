/**
 * Services (pkg/apis/core/validation ValidateService, validateServicePort,
 * ValidateServiceClusterIPsRelatedFields, ValidateServiceUpdate). Names are DNS-1035 labels.
 */
import { duplicate, FieldPath, forbidden, goSyntaxValue, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { isValidPortNum, invalidIPMessage, parseIPFamily } from "../../meta/name-validation.js";
import {
  nameIsDNS1035Label, validateDNS1123Label, validateDNS1123Subdomain, validateLabels, validateObjectMeta,
  validateObjectMetaUpdate, validateQualifiedName,
} from "../../meta/object-meta-validation.js";
import { portProtocols } from "./container-validation.js";
import { validateNonSpecialIP } from "./endpoints-validation.js";
import { validatePortNumOrName } from "./probe-validation.js";
import { externallyAccessible, type Service, type ServicePort, type ServiceSpec } from "./service-defaults.js";

const serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const spec = FieldPath.root("spec");

function isHeadless(s: ServiceSpec): boolean {
  return s.clusterIPs?.length === 1 && s.clusterIPs[0] === "None";
}

function goList(list: readonly string[] | undefined): ReturnType<typeof goSyntaxValue> {
  return goSyntaxValue(list ? `[]string{${list.map((s) => JSON.stringify(s)).join(", ")}}` : "[]string(nil)");
}

function validateServicePort(p: ServicePort, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) {
    errs.push(required(path.child("name")));
  } else if (p.name) {
    errs.push(...validateDNS1123Label(p.name, path.child("name")));
    if (names.has(p.name)) errs.push(duplicate(path.child("name"), p.name));
    else names.add(p.name);
  }
  for (const msg of isValidPortNum(p.port ?? 0)) errs.push(invalid(path.child("port"), p.port ?? 0, msg));
  if (!p.protocol) errs.push(required(path.child("protocol")));
  else if (!portProtocols.includes(p.protocol)) errs.push(notSupported(path.child("protocol"), p.protocol, portProtocols));
  errs.push(...validatePortNumOrName(p.targetPort, path.child("targetPort")));
  if (p.appProtocol !== undefined) errs.push(...validateQualifiedName(p.appProtocol, path.child("appProtocol")));
  return errs;
}

function validateClusterIPs(s: ServiceSpec): FieldError[] {
  if (s.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ipsPath = spec.child("clusterIPs");
  const ips = s.clusterIPs ?? [];
  if (s.clusterIP) {
    if (!ips.length) errs.push(required(ipsPath));
    else if (ips[0] !== s.clusterIP) errs.push(invalid(ipsPath, goList(ips), "first value must match `clusterIP`"));
  } else if (ips.length) {
    errs.push(invalid(ipsPath, goList(ips), "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  (s.ipFamilies ?? []).forEach((f, i) => {
    if (f !== "IPv4" && f !== "IPv6") errs.push(notSupported(spec.child("ipFamilies").index(i), f, ["IPv4", "IPv6"]));
    if (seen.has(f)) errs.push(duplicate(spec.child("ipFamilies").index(i), f));
    seen.add(f);
  });
  const policies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
  if (s.ipFamilyPolicy !== undefined && !policies.includes(s.ipFamilyPolicy)) {
    errs.push(notSupported(spec.child("ipFamilyPolicy"), s.ipFamilyPolicy, policies));
  }
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalid(ipsPath, goList(ips), "'None' must be the first and only value"));
      }
      return;
    }
    if (!parseIPFamily(ip)) {
      bad = true;
      errs.push(invalid(ipsPath.index(i), ip, invalidIPMessage));
    }
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, goList(ips), "may only hold up to 2 values"));
  if (bad) return errs;
  if (ips.length > 1 && parseIPFamily(ips[0]!) === parseIPFamily(ips[1]!)) {
    errs.push(invalid(ipsPath, goList(ips), "may specify no more than one IP for each IP family"));
  }
  if (!isHeadless(s)) {
    ips.forEach((ip, i) => {
      const family = s.ipFamilies?.[i];
      if (family === "IPv4" && parseIPFamily(ip) === 6) {
        errs.push(invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (family === "IPv6" && parseIPFamily(ip) !== 6) {
        errs.push(invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

/** Go's %#v of the (protocol, port) key upstream uses to find duplicate ports. */
function goServicePortKey(p: ServicePort): ReturnType<typeof goSyntaxValue> {
  return goSyntaxValue(`core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? "")}, AppProtocol:(*string)(nil), ` +
    `Port:${p.port ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`);
}

export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label });
  const s = svc.spec ?? {};
  const ports = s.ports ?? [];
  if (!ports.length && !isHeadless(s) && s.type !== "ExternalName") errs.push(required(spec.child("ports")));
  if ((s.type === "LoadBalancer" || s.type === "NodePort") && isHeadless(s)) {
    errs.push(invalid(spec.child("clusterIPs").index(0), "None", `may not be set to 'None' for ${s.type} services`));
  }
  if (s.type === "ExternalName") {
    if (s.clusterIPs?.length) errs.push(forbidden(spec.child("clusterIPs"), "may not be set for ExternalName services"));
    if (s.ipFamilies?.length) errs.push(forbidden(spec.child("ipFamilies"), "may not be set for ExternalName services"));
    if (s.ipFamilyPolicy) errs.push(forbidden(spec.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
    const cname = (s.externalName ?? "").replace(/\.$/, "");
    if (cname) errs.push(...validateDNS1123Subdomain(cname, spec.child("externalName")));
    else errs.push(required(spec.child("externalName")));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, spec.child("ports").index(i))));
  if (s.selector) errs.push(...validateLabels(s.selector, spec.child("selector")));
  if (!s.sessionAffinity) errs.push(required(spec.child("sessionAffinity")));
  else if (s.sessionAffinity !== "ClientIP" && s.sessionAffinity !== "None") {
    errs.push(notSupported(spec.child("sessionAffinity"), s.sessionAffinity, ["ClientIP", "None"]));
  }
  if (s.sessionAffinity === "ClientIP") {
    const t = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    const cfgPath = spec.child("sessionAffinityConfig");
    if (!s.sessionAffinityConfig) errs.push(required(cfgPath, "when session affinity type is ClientIP"));
    else if (!s.sessionAffinityConfig.clientIP) errs.push(required(cfgPath.child("clientIP"), "when session affinity type is ClientIP"));
    else if (t === undefined) errs.push(required(cfgPath.child("clientIP").child("timeoutSeconds"), "when session affinity type is ClientIP"));
    else if (t <= 0 || t > 86400) errs.push(invalid(cfgPath.child("clientIP").child("timeoutSeconds"), t, "must be greater than 0 and less than 86400"));
  } else if (s.sessionAffinity === "None" && s.sessionAffinityConfig) {
    errs.push(forbidden(spec.child("sessionAffinityConfig"), "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPs(s));
  (s.externalIPs ?? []).forEach((ip, i) => {
    const p = spec.child("externalIPs").index(i);
    if (!parseIPFamily(ip)) errs.push(invalid(p, ip, invalidIPMessage));
    else errs.push(...validateNonSpecialIP(ip, p));
  });
  if (!s.type) errs.push(required(spec.child("type")));
  else if (!serviceTypes.includes(s.type)) errs.push(notSupported(spec.child("type"), s.type, serviceTypes));
  if (s.type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(spec.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const pp = spec.child("ports").index(i);
    if (p.nodePort) {
      const k = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(k)) errs.push(duplicate(pp.child("nodePort"), p.nodePort));
      nodePorts.add(k);
    }
    const k = `${p.protocol}/${p.port}`;
    if (keys.has(k)) errs.push(duplicate(pp, goServicePortKey(p)));
    keys.add(k);
  });
  if (s.loadBalancerSourceRanges?.length && s.type !== "LoadBalancer") {
    errs.push(forbidden(spec.child("LoadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (s.allocateLoadBalancerNodePorts !== undefined && s.type !== "LoadBalancer") {
    errs.push(forbidden(spec.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (s.type === "LoadBalancer" && s.allocateLoadBalancerNodePorts === undefined) errs.push(required(FieldPath.root("allocateLoadBalancerNodePorts")));
  if (!externallyAccessible(s)) {
    if (s.externalTrafficPolicy) {
      errs.push(invalid(spec.child("externalTrafficPolicy"), s.externalTrafficPolicy, "may only be set for externally-accessible services"));
    }
  } else if (!s.externalTrafficPolicy) {
    errs.push(required(spec.child("externalTrafficPolicy")));
  } else if (s.externalTrafficPolicy !== "Cluster" && s.externalTrafficPolicy !== "Local") {
    errs.push(notSupported(spec.child("externalTrafficPolicy"), s.externalTrafficPolicy, ["Cluster", "Local"]));
  }
  if (!s.internalTrafficPolicy && ["NodePort", "LoadBalancer", "ClusterIP"].includes(s.type ?? "")) {
    errs.push(required(spec.child("internalTrafficPolicy")));
  }
  if (s.internalTrafficPolicy && s.internalTrafficPolicy !== "Cluster" && s.internalTrafficPolicy !== "Local") {
    errs.push(notSupported(spec.child("internalTrafficPolicy"), s.internalTrafficPolicy, ["Cluster", "Local"]));
  }
  if (s.trafficDistribution !== undefined && s.trafficDistribution !== "PreferClose") {
    errs.push(notSupported(spec.child("trafficDistribution"), s.trafficDistribution, ["PreferClose"]));
  }
  return errs;
}

/** Cluster IPs, once allocated, stay (a secondary one may be added or released). */
function validateClusterIPsUpdate(o: ServiceSpec, n: ServiceSpec): FieldError[] {
  if (n.type === "ExternalName" || o.type === "ExternalName") return [];
  if (isHeadless(o) && isHeadless(n)) return [];
  const errs: FieldError[] = [];
  const oldIPs = o.clusterIPs ?? [];
  const newIPs = n.clusterIPs ?? [];
  const path = spec.child("clusterIPs");
  if (oldIPs.length === newIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== newIPs[i]) errs.push(invalid(path.index(i), goList(newIPs), "may not change once set"));
    });
  } else if (oldIPs.length > newIPs.length) {
    if (!newIPs.length) errs.push(invalid(path.index(0), goList(newIPs), "primary clusterIP can not be unset"));
    if (oldIPs.length && newIPs.length && newIPs[0] !== oldIPs[0]) errs.push(invalid(path.index(0), goList(newIPs), "may not change once set"));
    if (newIPs.length === 1 && n.ipFamilyPolicy !== "SingleStack") {
      errs.push(invalid(spec.child("ipFamilyPolicy"), n.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length && newIPs[0] !== oldIPs[0]) {
    errs.push(invalid(path.index(0), goList(newIPs), "may not change once set"));
  }
  return errs;
}

export function validateServiceUpdate(newSvc: Service, oldSvc: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(newSvc.metadata, oldSvc.metadata);
  errs.push(...validateClusterIPsUpdate(oldSvc.spec ?? {}, newSvc.spec ?? {}));
  errs.push(...validateService(newSvc));
  return errs;
}
