/**
 * The node's pod network: one Linux bridge, pod addresses from host-local IPAM in this
 * node's pod CIDR, and a veth per pod, all made by the standard CNI plugins. The bridge
 * plugin runs with isGateway and ipMasq off because both change host-wide state (the
 * ip_forward sysctl, the host's own iptables chains); the gateway address is put on our
 * bridge here instead, and masquerading lives in our nftables table (host-ports.ts).
 *
 * Pods reach each other and the host reaches pods. Pods reach beyond the node only when the
 * host already forwards IPv4 (net.ipv4.ip_forward=1); Peapod never turns that on.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { formatIpv4, formatIpv4Cidr, parseIpv4Cidr, writeFileAtomically, type Ipv4Cidr } from "../../base/index.js";
import { run } from "../command.js";
import { RuntimeError } from "../errors.js";
import { execPlugin, cniVersion, type CniNetworkConfig, type CniResult } from "./cni.js";

export interface PodNetworkConfig {
  /** Name of the Linux bridge, at most 15 bytes. */
  bridge: string;
  /** This node's range of pod addresses, e.g. 10.42.0.0/24. */
  podCIDR: string;
  /** Our nftables table (family ip) for hostPorts and masquerading. */
  nftTable: string;
  /** Where the CNI plugin binaries are, e.g. /usr/lib/cni. */
  cniBinDir: string;
  mtu?: number;
}

/** What network.json records, so reset can undo the network with no flags. */
export interface NetworkState extends PodNetworkConfig {
  /** host-local IPAM's dataDir. */
  ipamDir: string;
}

export const networkName = "peapod";
export const podInterface = "eth0";

/** A pod range the runtime can serve: IPv4 from /8 (host-local's limit) to /30 (room for pods). */
export function parsePodCidr(cidr: string): Ipv4Cidr {
  let c: Ipv4Cidr | undefined;
  try {
    c = parseIpv4Cidr(cidr);
  } catch {
    c = undefined;
  }
  if (!c || c.prefixLength < 8 || c.prefixLength > 30) {
    throw new RuntimeError("InvalidArgument", `pod CIDR ${JSON.stringify(cidr)} is not an IPv4 range from /8 to /30`);
  }
  return c;
}

/** The canonical form of a CIDR (host bits cleared), as nft and ip print it. */
export function canonicalCidr(cidr: string): string {
  return formatIpv4Cidr(parsePodCidr(cidr));
}

/** The first address of the range: the pods' gateway, carried by our bridge. */
export function gatewayOf(cidr: string): string {
  return formatIpv4(parsePodCidr(cidr).network + 1);
}

export function validateNetworkConfig(c: PodNetworkConfig): void {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(c.bridge)) {
    throw new RuntimeError("InvalidArgument", `bridge name ${JSON.stringify(c.bridge)} must be 1 to 15 letters, digits, '.', '_' or '-'`);
  }
  if (!/^[A-Za-z0-9_]{1,64}$/.test(c.nftTable)) {
    throw new RuntimeError("InvalidArgument", `nftables table name ${JSON.stringify(c.nftTable)} must be letters, digits and '_'`);
  }
  parsePodCidr(c.podCIDR);
}

export function readNetworkState(path: string): NetworkState | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as NetworkState;
  } catch {
    return undefined;
  }
}

export function writeNetworkState(path: string, state: NetworkState): Promise<void> {
  return writeFileAtomically(path, JSON.stringify(state, null, 2) + "\n");
}

export class PodNetwork {
  private bridgeReady: Promise<void> | undefined;

  constructor(readonly state: NetworkState) {}

  /** The bridge plugin's configuration; DEL must see the same one ADD saw. */
  private bridgeConfig(): CniNetworkConfig {
    const { bridge, podCIDR, mtu, ipamDir } = this.state;
    return {
      cniVersion,
      name: networkName,
      type: "bridge",
      bridge,
      isGateway: false,
      ipMasq: false,
      hairpinMode: true,
      ...(mtu ? { mtu } : {}),
      ipam: {
        type: "host-local",
        ranges: [[{ subnet: canonicalCidr(podCIDR), gateway: gatewayOf(podCIDR) }]],
        routes: [{ dst: "0.0.0.0/0" }],
        dataDir: ipamDir,
      },
    };
  }

  /**
   * Puts the pod's netns on the network; resolves with the bridge plugin's result. The
   * loopback is not the CNI loopback plugin's: createNamespaces brings lo up in the same
   * process that makes the namespace, one spawn fewer on the way up and on the way down.
   */
  async attach(id: string, netns: string, args: Record<string, string>): Promise<CniResult> {
    const result = await execPlugin(this.state.cniBinDir, this.bridgeConfig(), { command: "ADD", containerId: id, netns, ifName: podInterface, args });
    await this.ensureBridge();
    return result!;
  }

  /**
   * Takes the pod off the network: its veth goes and its address is released. netns is ""
   * when the namespace no longer exists (never made, or gone with a reboot): the plugins
   * then only release what IPAM holds, which is what a half-set-up sandbox needs.
   */
  async detach(id: string, netns: string, prevResult?: CniResult): Promise<void> {
    await execPlugin(this.state.cniBinDir, this.bridgeConfig(), { command: "DEL", containerId: id, netns, ifName: podInterface, ...(prevResult ? { prevResult } : {}) });
  }

  /**
   * The bridge exists once the first ADD made it. Give it the gateway address (pods route
   * through it) and route_localnet (a hostPort reached on 127.0.0.1 is DNATed to a pod and
   * leaves through the bridge with a loopback source, which the kernel otherwise drops).
   */
  private ensureBridge(): Promise<void> {
    this.bridgeReady ??= this.configureBridge().catch((e: unknown) => {
      this.bridgeReady = undefined;
      throw e;
    });
    return this.bridgeReady;
  }

  private async configureBridge(): Promise<void> {
    const { bridge, podCIDR } = this.state;
    const address = `${gatewayOf(podCIDR)}/${parsePodCidr(podCIDR).prefixLength}`;
    const { stdout } = await run("ip", ["-4", "-o", "addr", "show", "dev", bridge]);
    if (!stdout.includes(` ${address} `)) {
      try {
        await run("ip", ["addr", "add", address, "dev", bridge]);
      } catch (e) {
        // Another sandbox's ADD got there first.
        if (!/File exists/.test(String(e))) throw e;
      }
    }
    writeFileSync(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, "1");
  }
}

/** Deletes our bridge; its absence is fine (never created, or reset twice). Only ever a bridge. */
export async function removeBridge(name: string): Promise<void> {
  if (!existsSync(`/sys/class/net/${name}/bridge`)) return;
  try {
    await run("ip", ["link", "del", name]);
  } catch (e) {
    if (existsSync(`/sys/class/net/${name}`)) throw e;
  }
}
