/**
 * The Service row: NAME, TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE and, wide, SELECTOR
 * (upstream `printService`, `getServiceExternalIP`, `makePortString`).
 */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { formatLabels } from "./label-selector-text.js";
import {
  integerAt,
  metadataOf,
  objectAt,
  objectsAt,
  stringAt,
  stringMapAt,
  stringsAt,
  type JsonObject,
} from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const serviceColumns = columns(
  nameColumn,
  column(
    "Type",
    "string",
    'type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  ),
  column(
    "Cluster-IP",
    "string",
    'clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
  ),
  column(
    "External-IP",
    "string",
    "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.",
  ),
  column(
    "Port(s)",
    "string",
    "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
  ),
  ageColumn,
  column(
    "Selector",
    "string",
    "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/",
    { priority: 1 },
  ),
);

/**
 * The load balancer's ingress points, sorted and without duplicates. Upstream clips this
 * to 16 characters except in wide output; the server always prints wide, so it never clips.
 */
function loadBalancerIngress(service: JsonObject): string[] {
  const points = new Set<string>();
  for (const ingress of objectsAt(objectAt(objectAt(service, "status"), "loadBalancer"), "ingress")) {
    const point = stringAt(ingress, "ip") || stringAt(ingress, "hostname");
    if (point !== "") points.add(point);
  }
  return [...points].sort();
}

function externalIP(service: JsonObject): string {
  const spec = objectAt(service, "spec");
  const externalIPs = stringsAt(spec, "externalIPs");
  switch (stringAt(spec, "type")) {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const ingress = loadBalancerIngress(service);
      if (externalIPs.length > 0) return [...ingress, ...externalIPs].join(",");
      return ingress.length > 0 ? ingress.join(",") : "<pending>";
    }
    case "ExternalName":
      return stringAt(spec, "externalName");
    default:
      return "<unknown>";
  }
}

/** `80/TCP`, or `80:30080/TCP` when a node port is allocated. */
function portsText(spec: JsonObject): string {
  const pieces = objectsAt(spec, "ports").map((p) => {
    const port = integerAt(p, "port");
    const nodePort = integerAt(p, "nodePort");
    const protocol = stringAt(p, "protocol");
    return nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
  });
  return pieces.length > 0 ? pieces.join(",") : "<none>";
}

function printService(service: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(service);
  const spec = objectAt(service, "spec");
  // v1 -> internal conversion makes clusterIP authoritative over clusterIPs[0].
  const clusterIP = stringAt(spec, "clusterIP") || stringsAt(spec, "clusterIPs")[0] || "<none>";
  return {
    cells: [
      stringAt(metadata, "name"),
      stringAt(spec, "type"),
      clusterIP,
      externalIP(service),
      portsText(spec),
      translateTimestampSince(metadata["creationTimestamp"], now),
      formatLabels(stringMapAt(spec, "selector")),
    ],
  };
}

export const servicePrinter: TablePrinter = Object.freeze({ columns: serviceColumns, row: printService });
