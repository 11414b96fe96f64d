/**
 * IPv4 ranges as numbers, for the node IPAM controller (cutting the cluster range into
 * node ranges) and the runtime (the bridge's gateway, canonical forms for nft and ip).
 * IPv6 is not parsed: Peapod's pod networks are IPv4 only.
 */

export interface Ipv4Cidr {
  /** The network address (host bits cleared) as an unsigned 32-bit number. */
  readonly network: number;
  readonly prefixLength: number;
}

/** Throws Go's net.ParseCIDR text, which upstream's messages carry. */
export function parseIpv4Cidr(cidr: string): Ipv4Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefixLength = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || prefixLength > 32) throw new Error(`invalid CIDR address: ${cidr}`);
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefixLength);
  return { network: address - (address % size), prefixLength };
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** The canonical form (host bits cleared), as nft and ip print it. */
export function formatIpv4Cidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.network)}/${c.prefixLength}`;
}
