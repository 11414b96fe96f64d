/**
 * The host's own address, as other machines reach it: the IPv4 address of the interface
 * that carries the default route (what the kubelet's ChooseHostInterface picks), so that
 * pod bridges and veths never stand in for the host whatever order the kernel lists them.
 */
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";

/** The interface of the IPv4 default route in /proc/net/route's text, if there is one. */
export function defaultRouteInterface(procNetRoute: string): string | undefined {
  for (const line of procNetRoute.split("\n").slice(1)) {
    const [iface, destination, , flags, , , metric, mask] = line.trim().split(/\s+/);
    // RTF_UP (0x1) and a zero destination and mask: the default route.
    if (iface && destination === "00000000" && mask === "00000000" && (Number.parseInt(flags ?? "0", 16) & 1) === 1 && metric !== undefined) return iface;
  }
  return undefined;
}

/** The host's IPv4 address; 127.0.0.1 on a host with no default route and no other address. */
export function hostIPv4Address(): string {
  const interfaces = networkInterfaces();
  let route = "";
  try {
    route = readFileSync("/proc/net/route", "utf8");
  } catch {
    // Not Linux, or /proc hidden: fall back to the first external address.
  }
  const name = defaultRouteInterface(route);
  const onRoute = name === undefined ? undefined : interfaces[name]?.find((a) => a.family === "IPv4" && !a.internal);
  if (onRoute) return onRoute.address;
  for (const addresses of Object.values(interfaces)) {
    const v4 = addresses?.find((a) => a.family === "IPv4" && !a.internal);
    if (v4) return v4.address;
  }
  return "127.0.0.1";
}
