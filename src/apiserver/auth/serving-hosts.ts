/**
 * The names a client may use to reach the API server, as they go into the serving
 * certificate's subjectAltName: IP addresses and DNS names, in one canonical form so
 * that "the names changed" is a plain comparison.
 */
import { isIP } from "node:net";

/** Always in the serving certificate: what a local kubectl and the local node use. */
export const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];

export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * The subjectAltNames for a server reachable as `hosts` (IPs or DNS names) and on the
 * loopback names. Sorted and without duplicates. The unspecified addresses (0.0.0.0, ::)
 * are dropped: they are what a server binds to, never an address a client dials.
 */
export function subjectAltNamesFor(hosts: readonly string[]): SubjectAltNames {
  const dnsNames = new Set<string>();
  const ipAddresses = new Set<string>();
  for (const host of [...LOOPBACK_HOSTS, ...hosts]) {
    const ip = canonicalIp(host);
    if (ip !== undefined) {
      if (ip !== "0.0.0.0" && ip !== "::") ipAddresses.add(ip);
    } else if (isDnsName(host)) {
      // DNS names compare case-insensitively (RFC 4343); store them lower-case.
      dnsNames.add(host.toLowerCase());
    } else {
      throw new Error(`invalid host ${JSON.stringify(host)} for the serving certificate: not an IP address or DNS name`);
    }
  }
  return { dnsNames: [...dnsNames].sort(), ipAddresses: [...ipAddresses].sort() };
}

/**
 * Reads the names back from Node's rendering of a certificate's subjectAltName
 * (`X509Certificate.subjectAltName`: "DNS:localhost, IP Address:127.0.0.1, ..."). Returns
 * undefined for anything it does not understand, which callers treat as "changed".
 */
export function parseSubjectAltNames(rendered: string | undefined): SubjectAltNames | undefined {
  const dnsNames = new Set<string>();
  const ipAddresses = new Set<string>();
  for (const entry of (rendered ?? "").split(", ")) {
    if (entry === "") continue;
    if (entry.startsWith("DNS:") && isDnsName(entry.slice("DNS:".length))) {
      dnsNames.add(entry.slice("DNS:".length).toLowerCase());
      continue;
    }
    const ip = entry.startsWith("IP Address:") ? canonicalIp(entry.slice("IP Address:".length)) : undefined;
    if (ip === undefined) return undefined;
    ipAddresses.add(ip);
  }
  return { dnsNames: [...dnsNames].sort(), ipAddresses: [...ipAddresses].sort() };
}

export function sameSubjectAltNames(a: SubjectAltNames, b: SubjectAltNames): boolean {
  return sameList(a.dnsNames, b.dnsNames) && sameList(a.ipAddresses, b.ipAddresses);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** The WHATWG URL parser prints IPv6 in RFC 5952 form ("0:0:0:0:0:0:0:1" becomes "::1"). */
function canonicalIp(text: string): string | undefined {
  switch (isIP(text)) {
    case 4:
      return new URL(`http://${text}/`).hostname;
    case 6:
      return new URL(`http://[${text}]/`).hostname.slice(1, -1);
    default:
      return undefined;
  }
}

// Letters, digits, hyphens and dots; underscores too, since real hostnames carry them
// and Go's verifier accepts them.
function isDnsName(text: string): boolean {
  return text.length > 0 && text.length <= 253 && /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/.test(text);
}
