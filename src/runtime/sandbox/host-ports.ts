/**
 * hostPort publishing and pod masquerading in our own nftables table. The CNI portmap
 * plugin is not used because it hooks the host's own nat chains; our table has base
 * chains of its own on the nat hooks, so the host's firewall is never touched and reset
 * removes everything with one `delete table`.
 *
 * The table is rendered whole from what is published and replaced in one `nft -f`
 * transaction, so the kernel never holds half an update and there are no rule handles to
 * track. Replacing it does not cut established connections: their NAT lives in conntrack.
 * Only IPv4 (family ip) for now; a hostIp that is IPv6 is not published.
 */
import { run } from "../command.js";
import { RuntimeError } from "../errors.js";
import { canonicalCidr } from "./pod-network.js";
import type { HostPortRule } from "./sandbox-meta.js";

export interface HostPortTableConfig {
  table: string;
  bridge: string;
  podCIDR: string;
}

/** A sandbox's chain: named from its id so that `nft list` shows whose rules are whose. */
export function sandboxChain(id: string): string {
  return `hp-${id.slice(0, 12)}`;
}

function isAnyAddress(hostIp: string | undefined): boolean {
  return !hostIp || hostIp === "0.0.0.0";
}

function renderRule(r: HostPortRule): string | undefined {
  if (!isAnyAddress(r.hostIp) && r.hostIp!.includes(":")) return undefined;
  const daddr = isAnyAddress(r.hostIp) ? "" : `ip daddr ${r.hostIp} `;
  return `${daddr}${r.protocol.toLowerCase()} dport ${r.hostPort} dnat to ${r.podIp}:${r.containerPort}`;
}

/** The nft script that replaces the whole table with one carrying exactly these sandboxes' ports. */
export function renderHostPortTable(c: HostPortTableConfig, published: ReadonlyMap<string, readonly HostPortRule[]>): string {
  const cidr = canonicalCidr(c.podCIDR);
  const chains: string[] = [];
  const jumps: string[] = [];
  for (const [id, rules] of [...published].sort(([a], [b]) => a.localeCompare(b))) {
    const lines = rules.map(renderRule).filter((l): l is string => l !== undefined);
    if (lines.length === 0) continue;
    chains.push(`  chain ${sandboxChain(id)} {\n${lines.map((l) => `    ${l}\n`).join("")}  }\n`);
    jumps.push(`    jump ${sandboxChain(id)}\n`);
  }
  return [
    `add table ip ${c.table}\n`,
    `delete table ip ${c.table}\n`,
    `table ip ${c.table} {\n`,
    ...chains,
    `  chain hostports {\n${jumps.join("")}  }\n`,
    "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n    fib daddr type local jump hostports\n  }\n",
    "  chain output {\n    type nat hook output priority -100; policy accept;\n    fib daddr type local jump hostports\n  }\n",
    "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n",
    // A hostPort reached on 127.0.0.1 leaves through the bridge with a loopback source the pod cannot answer.
    `    ip saddr 127.0.0.0/8 oifname "${c.bridge}" masquerade\n`,
    // Pods going beyond the node (only when the host forwards).
    `    ip saddr ${cidr} ip daddr != ${cidr} masquerade\n`,
    // A pod reaching a pod through a hostPort: the answer must come back the same way.
    `    ip saddr ${cidr} ip daddr ${cidr} ct status dnat masquerade\n`,
    "  }\n",
    "}\n",
  ].join("");
}

function overlaps(a: HostPortRule, b: HostPortRule): boolean {
  return a.protocol === b.protocol && a.hostPort === b.hostPort && (isAnyAddress(a.hostIp) || isAnyAddress(b.hostIp) || a.hostIp === b.hostIp);
}

export class HostPortTable {
  private readonly published = new Map<string, readonly HostPortRule[]>();
  private applying: Promise<void> = Promise.resolve();
  private ensured: Promise<void> | undefined;

  constructor(private readonly config: HostPortTableConfig) {}

  /** Rejects ports another sandbox already publishes, as the host's port space is one. */
  private checkFree(id: string, rules: readonly HostPortRule[]): void {
    for (const [other, theirs] of this.published) {
      if (other === id) continue;
      const taken = rules.find((r) => theirs.some((t) => overlaps(r, t)));
      if (taken) {
        throw new RuntimeError("InvalidArgument", `host port ${taken.hostPort}/${taken.protocol} is already published by sandbox ${other}`);
      }
    }
  }

  /** Remembers an adopted sandbox's ports without touching the kernel (the table is still there). */
  adopt(id: string, rules: readonly HostPortRule[]): void {
    if (rules.length > 0) this.published.set(id, rules);
  }

  /** Publishes a sandbox's ports (an empty list withdraws them) and waits until the kernel has them. */
  async publish(id: string, rules: readonly HostPortRule[]): Promise<void> {
    // Checked and claimed before the first await, so two sandboxes cannot both win a port.
    this.checkFree(id, rules);
    const had = this.published.has(id);
    if (rules.length > 0) this.published.set(id, rules);
    else this.published.delete(id);
    if (rules.length > 0 || had) await this.apply();
  }

  /** Creates the table once per process (at the first sandbox), keeping what is published. */
  ensure(): Promise<void> {
    this.ensured ??= this.apply().catch((e: unknown) => {
      this.ensured = undefined;
      throw e;
    });
    return this.ensured;
  }

  private apply(): Promise<void> {
    // One nft run at a time, each rendering the state current when it starts.
    const next = this.applying.then(async () => {
      await run("nft", ["-f", "-"], { input: renderHostPortTable(this.config, this.published) });
    });
    this.applying = next.catch(() => {});
    return next;
  }
}

/** Removes our table; absent is fine. */
export async function deleteTable(table: string): Promise<void> {
  try {
    await run("nft", ["delete", "table", "ip", table]);
  } catch (e) {
    if (!/No such file or directory/.test(String(e))) throw e;
  }
}
