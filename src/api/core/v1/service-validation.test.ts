import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { defaultService, defaultServiceIPFamilies, type Service } from "./service-defaults.js";
import { validateService, validateServiceUpdate } from "./service-validation.js";

function svc(spec: Service["spec"], name = "web"): Service {
  const s: Service = { metadata: { name, namespace: "default" }, spec };
  defaultService(s);
  defaultServiceIPFamilies(s);
  return s;
}
const errors = (s: Service) => validateService(s).map(fieldErrorText);

describe("service defaults", () => {
  it("fills what kubectl get svc -o yaml shows for a ClusterIP service", () => {
    assert.deepEqual(svc({ selector: { app: "web" }, ports: [{ port: 80 }] }).spec, {
      selector: { app: "web" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      sessionAffinity: "None",
      type: "ClusterIP",
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
  });
  it("gives NodePort services an external traffic policy and keeps named target ports", () => {
    const s = svc({ type: "NodePort", ports: [{ port: 80, targetPort: "http" }] }).spec!;
    assert.equal(s.externalTrafficPolicy, "Cluster");
    assert.equal(s.ports![0]!.targetPort, "http");
  });
  it("gives ClientIP affinity its three-hour timeout and LoadBalancers node ports", () => {
    const s = svc({ type: "LoadBalancer", sessionAffinity: "ClientIP", ports: [{ port: 443 }] }).spec!;
    assert.deepEqual(s.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
    assert.equal(s.allocateLoadBalancerNodePorts, true);
  });
  it("leaves ExternalName services without IP families and makes selectorless headless services dual-stack", () => {
    assert.equal(svc({ type: "ExternalName", externalName: "example.com" }).spec!.ipFamilyPolicy, undefined);
    assert.equal(svc({ clusterIP: "None" }).spec!.ipFamilyPolicy, "RequireDualStack");
    assert.deepEqual(svc({ clusterIP: "None" }).spec!.clusterIPs, ["None"]);
  });
});

describe("service validation", () => {
  const cases: [string, Service, string[]][] = [
    ["a plain ClusterIP service passes", svc({ selector: { app: "web" }, ports: [{ port: 80 }] }), []],
    ["a ClusterIP service needs ports", svc({ selector: { app: "web" } }), ["spec.ports: Required value"]],
    ["a headless service may have no ports", svc({ clusterIP: "None" }), []],
    ["a dotted name is no DNS-1035 label", svc({ ports: [{ port: 80 }] }, "web.v1"),
      ["metadata.name: Invalid value: \"web.v1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
    ["several ports need names", svc({ ports: [{ port: 80 }, { port: 443, name: "https" }] }), ["spec.ports[0].name: Required value"]],
    ["port range and protocol", svc({ ports: [{ port: 0, protocol: "HTTP" }] }), [
      "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
      "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
    ]],
    ["an unknown type", svc({ type: "Internal", ports: [{ port: 80 }] }),
      ["spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]],
    ["a node port on a ClusterIP service", svc({ ports: [{ port: 80, nodePort: 30080 }] }),
      ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ["the same port twice", svc({ ports: [{ name: "a", port: 80 }, { name: "b", port: 80 }] }),
      ["spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"]],
    ["an ExternalName service needs a name", svc({ type: "ExternalName" }), ["spec.externalName: Required value"]],
  ];
  for (const [title, s, want] of cases) it(title, () => assert.deepEqual(errors(s), want));

  it("keeps allocated cluster IPs on update", () => {
    const old = svc({ ports: [{ port: 80 }], clusterIP: "10.96.0.10" });
    old.metadata!.resourceVersion = "1";
    const next = structuredClone(old);
    next.spec!.clusterIP = "10.96.0.11";
    next.spec!.clusterIPs = ["10.96.0.11"];
    assert.deepEqual(validateServiceUpdate(next, old).map(fieldErrorText),
      ["spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set"]);
  });
});
