/**
 * Endpoints (pkg/apis/core/validation ValidateEndpoints, validateEndpointSubsets,
 * ValidateNonSpecialIP): every subset needs addresses, every address a routable IP.
 */
import { FieldPath, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { invalidIPMessage, isValidPortNum, parseIPFamily } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateDNS1123Label, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from "../../meta/object-meta-validation.js";
import { portProtocols } from "./container-validation.js";
import type { Endpoints } from "./core-defaults.js";

function ipv4Octets(ip: string): number[] | undefined {
  return parseIPFamily(ip) === 4 ? ip.split(".").map(Number) : undefined;
}

/** Unspecified, loopback and link-local addresses make no sense as endpoints or external IPs. */
export function validateNonSpecialIP(ip: string, path: FieldPath): FieldError[] {
  const family = parseIPFamily(ip);
  if (!family) return [invalid(path, ip, "must be a valid IP address")];
  const errs: FieldError[] = [];
  const v4 = ipv4Octets(ip);
  const lower = ip.toLowerCase();
  const unspecified = v4 ? v4.every((o) => o === 0) : /^[0:]+$/.test(lower);
  const loopback = v4 ? v4[0] === 127 : lower === "::1" || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(lower);
  const linkLocalUnicast = v4 ? v4[0] === 169 && v4[1] === 254 : /^fe[89ab][0-9a-f]?:/.test(lower);
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : /^ff[0-9a-f]2:/.test(lower);
  if (unspecified) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  if (linkLocalUnicast) errs.push(invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  if (linkLocalMulticast) errs.push(invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  return errs;
}

function validateAddress(a: Record<string, unknown>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ip = String(a["ip"] ?? "");
  if (!parseIPFamily(ip)) errs.push(invalid(path.child("ip"), ip, invalidIPMessage));
  const hostname = a["hostname"] as string | undefined;
  if (hostname) errs.push(...validateDNS1123Label(hostname, path.child("hostname")));
  const nodeName = a["nodeName"] as string | undefined;
  if (nodeName !== undefined && nodeName !== null) {
    for (const msg of nameIsDNSSubdomain(nodeName, false)) errs.push(invalid(path.child("nodeName"), nodeName, msg));
  }
  errs.push(...validateNonSpecialIP(ip, path.child("ip")));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const subsetsPath = FieldPath.root("subsets");
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = subsetsPath.index(i);
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) {
      errs.push(required(p, "must specify `addresses` or `notReadyAddresses`"));
    }
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, p.child("addresses").index(j))));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, p.child("notReadyAddresses").index(j))));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child("ports").index(j);
      if (ports.length > 1 && !port.name) errs.push(required(pp.child("name")));
      else if (port.name) errs.push(...validateDNS1123Label(port.name, pp.child("name")));
      for (const msg of isValidPortNum(port.port ?? 0)) errs.push(invalid(pp.child("port"), port.port ?? 0, msg));
      if (!port.protocol) errs.push(required(pp.child("protocol")));
      else if (!portProtocols.includes(port.protocol)) errs.push(notSupported(pp.child("protocol"), port.protocol, portProtocols));
      if (port.appProtocol !== undefined) errs.push(...validateQualifiedName(port.appProtocol, pp.child("appProtocol")));
    });
  });
  return errs;
}

export function validateEndpointsUpdate(newEp: Endpoints, oldEp: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(newEp.metadata, oldEp.metadata), ...validateEndpoints(newEp)];
}
