import { test } from "node:test";
import assert from "node:assert/strict";
import { hostNetworkHostsFile, podHostsFile, resolvConfFile } from "./pod-files.js";

const localhost =
  "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

test("a pod's hosts file names the pod on each of its IPs, as the kubelet writes it", () => {
  assert.equal(
    podHostsFile({ hostname: "web", hostAliases: [] }, ["10.42.0.5"]),
    `# Kubernetes-managed hosts file.\n${localhost}10.42.0.5\tweb\n`,
  );
  assert.equal(
    podHostsFile({ hostname: "web-0", fqdn: "web-0.web.ns.svc.cluster.local", hostAliases: [{ ip: "1.2.3.4", hostnames: ["a", "b"] }] }, ["10.42.0.5"]),
    `# Kubernetes-managed hosts file.\n${localhost}10.42.0.5\tweb-0.web.ns.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n`,
  );
});

test("a host-network pod's hosts file is the node's, with its aliases", () => {
  assert.equal(hostNetworkHostsFile("127.0.0.1 localhost\n", []), "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n");
  assert.equal(
    hostNetworkHostsFile("127.0.0.1 localhost\n", [{ ip: "1.2.3.4", hostnames: ["a"] }]),
    "# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n# Entries added by HostAliases.\n1.2.3.4\ta\n",
  );
});

test("resolv.conf carries search, nameserver and options lines", () => {
  assert.equal(
    resolvConfFile({ servers: ["10.96.0.10", "10.96.0.11"], searches: ["ns.svc.cluster.local", "svc.cluster.local"], options: ["ndots:5", "edns0"] }),
    "search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:5 edns0\n",
  );
  assert.equal(resolvConfFile({ servers: ["1.1.1.1"], searches: [], options: [] }), "nameserver 1.1.1.1\n");
});
