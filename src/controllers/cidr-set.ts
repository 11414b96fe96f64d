/**
 * A cluster CIDR cut into node ranges of one size, with the ranges in use: upstream's
 * nodeipam `cidrset`, IPv4 only. The lowest free range goes first, so the first node of a
 * cluster gets the first range (what `peapod server --disable-controller-manager` assumes).
 */
import { formatIpv4Cidr, parseIpv4Cidr, type Ipv4Cidr } from "../base/index.js";

/** The node range size the controller hands out (kube-controller-manager's --node-cidr-mask-size). */
export const defaultNodeCIDRMaskSize = 24;

/** Upstream ErrCIDRRangeNoCIDRsRemaining. */
export class CidrSetFullError extends Error {
  override name = "CidrSetFullError";
  constructor() {
    super("CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range");
  }
}

/** The node mask for a cluster range: /24, or the cluster's own size when that is already smaller. */
export function nodeMaskSizeFor(clusterCIDR: string, wanted = defaultNodeCIDRMaskSize): number {
  return Math.max(parseIpv4Cidr(clusterCIDR).prefixLength, wanted);
}

export class CidrSet {
  readonly clusterCIDR: string;
  readonly #cluster: Ipv4Cidr;
  readonly #nodeMaskSize: number;
  readonly #count: number;
  readonly #used = new Set<number>();

  constructor(clusterCIDR: string, nodeMaskSize: number) {
    this.#cluster = parseIpv4Cidr(clusterCIDR);
    this.clusterCIDR = formatIpv4Cidr(this.#cluster);
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < this.#cluster.prefixLength || nodeMaskSize > 32) {
      throw new Error(`the node mask size /${nodeMaskSize} does not fit the cluster CIDR ${this.clusterCIDR}`);
    }
    this.#nodeMaskSize = nodeMaskSize;
    this.#count = 2 ** (nodeMaskSize - this.#cluster.prefixLength);
  }

  /** How many node ranges are in use. */
  get used(): number {
    return this.#used.size;
  }

  /** The lowest free node range, now in use. */
  allocateNext(): string {
    for (let i = 0; i < this.#count; i++) {
      if (this.#used.has(i)) continue;
      this.#used.add(i);
      return formatIpv4Cidr({ network: this.#cluster.network + i * this.#nodeSize(), prefixLength: this.#nodeMaskSize });
    }
    throw new CidrSetFullError();
  }

  /** Marks every node range the CIDR overlaps as used (a range set by someone else included). */
  occupy(cidr: string): void {
    for (const i of this.#indices(cidr)) this.#used.add(i);
  }

  release(cidr: string): void {
    for (const i of this.#indices(cidr)) this.#used.delete(i);
  }

  #nodeSize(): number {
    return 2 ** (32 - this.#nodeMaskSize);
  }

  /** The node ranges a CIDR overlaps; one outside the cluster range is an error (upstream's text). */
  #indices(cidr: string): number[] {
    const c = parseIpv4Cidr(cidr);
    const clusterEnd = this.#cluster.network + 2 ** (32 - this.#cluster.prefixLength);
    const end = c.network + 2 ** (32 - c.prefixLength);
    if (c.network < this.#cluster.network || end > clusterEnd) throw new Error(`cidr ${cidr} is out the range of cluster cidr ${this.clusterCIDR}`);
    const first = Math.floor((c.network - this.#cluster.network) / this.#nodeSize());
    const last = Math.floor((end - 1 - this.#cluster.network) / this.#nodeSize());
    return Array.from({ length: last - first + 1 }, (_, k) => first + k);
  }
}
