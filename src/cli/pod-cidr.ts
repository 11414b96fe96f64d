/**
 * The local node's pod range out of the cluster's when no node IPAM controller runs
 * (`--disable-controller-manager`): the range the controller would hand out first, its
 * first /24. A range already /24 or smaller is the node's own.
 */
import { parseIpv4Cidr } from "../base/index.js";
import { CidrSet, nodeMaskSizeFor } from "../controllers/index.js";
import { UsageError } from "./flags.js";

export function firstNodeRange(clusterCIDR: string): string {
  return new CidrSet(validClusterCIDR(clusterCIDR), nodeMaskSizeFor(clusterCIDR)).allocateNext();
}

/** --pod-cidr: an IPv4 range from /8 to /30 (what the runtime's bridge network accepts). */
export function validClusterCIDR(clusterCIDR: string): string {
  let bits = -1;
  try {
    bits = parseIpv4Cidr(clusterCIDR).prefixLength;
  } catch {
    // reported below
  }
  if (bits < 8 || bits > 30) throw new UsageError(`--pod-cidr must be an IPv4 CIDR between /8 and /30, not ${JSON.stringify(clusterCIDR)}`);
  return clusterCIDR;
}
