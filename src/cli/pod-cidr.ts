/**
 * The local node's pod range out of the cluster's: its first /24, as the node IPAM
 * controller hands out ranges in order. A range already /24 or smaller is the node's own.
 */
import { UsageError } from "./flags.js";

export function firstNodeRange(clusterCIDR: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(clusterCIDR);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits < 8 || bits > 30) {
    throw new UsageError(`--pod-cidr must be an IPv4 CIDR between /8 and /30, not ${JSON.stringify(clusterCIDR)}`);
  }
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = Math.max(bits, 24);
  // The cluster range's network address, then its first subrange of the node's size.
  const network = (address & ((0xffffffff << (32 - bits)) >>> 0)) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (network >>> s) & 255).join(".")}/${size}`;
}
