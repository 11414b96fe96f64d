/**
 * The Endpoints row: NAME, ENDPOINTS, AGE. ENDPOINTS lists at most three `ip:port`
 * entries and then ` + N more...` (upstream `printEndpoints`, `formatEndpoints`).
 */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { integerAt, metadataOf, objectsAt, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const endpointsColumns = columns(
  nameColumn,
  column(
    "Endpoints",
    "string",
    "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.",
  ),
  ageColumn,
);

const maxListed = 3;

/** Go's net.JoinHostPort: IPv6 addresses are bracketed. */
function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function formatEndpoints(endpoints: JsonObject): string {
  const subsets = objectsAt(endpoints, "subsets");
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (entry: string) => {
    if (list.length === maxListed) {
      more = true;
      return false;
    }
    list.push(entry);
    return true;
  };
  for (const subset of subsets) {
    // Only ready addresses show; notReadyAddresses are left out, as upstream.
    const addresses = objectsAt(subset, "addresses").map((a) => stringAt(a, "ip"));
    const ports = objectsAt(subset, "ports");
    if (ports.length === 0) {
      // A headless service without ports lists bare addresses.
      count += addresses.length;
      for (const ip of addresses) if (!add(ip)) break;
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) if (!add(joinHostPort(ip, integerAt(port, "port")))) break;
    }
  }
  const text = list.join(",");
  return more ? `${text} + ${count - maxListed} more...` : text;
}

function printEndpoints(endpoints: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(endpoints);
  return {
    cells: [
      stringAt(metadata, "name"),
      formatEndpoints(endpoints),
      translateTimestampSince(metadata["creationTimestamp"], now),
    ],
  };
}

export const endpointsPrinter: TablePrinter = Object.freeze({ columns: endpointsColumns, row: printEndpoints });
