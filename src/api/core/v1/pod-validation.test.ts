import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { InvalidError } from "../../meta/status-errors.js";
import { admitPodOnCreate } from "./pod-admission-defaults.js";
import { defaultPod } from "./pod-defaults.js";
import type { Pod, PodSpec } from "./pod-types.js";
import { validatePodCreate } from "./pod-validation.js";
import { podWarningsOnCreate } from "./pod-warnings.js";

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** A pod as the API server would see it: the user's spec plus defaults and admission. */
function pod(spec: Partial<PodSpec>, name = "p"): Pod {
  const p: Pod = { metadata: { name, namespace: "default" }, spec: { containers: [{ name: "app", image: "busybox:1.36" }], ...spec } };
  defaultPod(p);
  admitPodOnCreate(p);
  return p;
}
const errors = (p: Pod) => validatePodCreate(p).map(fieldErrorText);

describe("pod create validation (pod-semantics K1-K5)", () => {
  it("accepts a minimal defaulted pod", () => assert.deepEqual(errors(pod({})), []));

  const cases: [string, Pod, string[]][] = [
    ["K1: a missing name", (() => { const p = pod({}); delete p.metadata!.name; return p; })(),
      ["metadata.name: Required value: name or generateName is required"]],
    ["K2: no containers", pod({ containers: [] }), ["spec.containers: Required value"]],
    ["K2: a nameless container", pod({ containers: [{ image: "x:1" }] }), ["spec.containers[0].name: Required value"]],
    ["K2: an upper-case container name", pod({ containers: [{ name: "Foo", image: "x:1" }] }),
      [`spec.containers[0].name: Invalid value: "Foo": ${labelMsg}`]],
    ["K2: a missing image", pod({ containers: [{ name: "app" }] }), ["spec.containers[0].image: Required value"]],
    ["K2: an image with whitespace", pod({ containers: [{ name: "app", image: " x" }] }),
      ["spec.containers[0].image: Invalid value: \" x\": must not have leading or trailing whitespace"]],
    ["K2/N13: two containers named app", pod({ containers: [{ name: "app", image: "x:1" }, { name: "app", image: "y:1" }] }),
      ["spec.containers[1].name: Duplicate value: \"app\""]],
    ["E5: an init container reusing an app name", pod({ initContainers: [{ name: "app", image: "x:1" }] }),
      ["spec.initContainers[0].name: Duplicate value: \"app\""]],
    ["K3: a port out of range and a lower-case protocol",
      pod({ containers: [{ name: "app", image: "x:1", ports: [{ containerPort: 70000, protocol: "tcp" }] }] }),
      [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
      ]],
    ["K3: a missing container port", pod({ containers: [{ name: "app", image: "x:1", ports: [{ name: "http" }] }] }),
      ["spec.containers[0].ports[0].containerPort: Required value"]],
    ["K3: duplicate port names", pod({ containers: [{ name: "app", image: "x:1", ports: [{ name: "http", containerPort: 80 }, { name: "http", containerPort: 81 }] }] }),
      ["spec.containers[0].ports[1].name: Duplicate value: \"http\""]],
    ["K3: the same host port twice", pod({
      containers: [
        { name: "a", image: "x:1", ports: [{ containerPort: 80, hostPort: 8080 }] },
        { name: "b", image: "x:1", ports: [{ containerPort: 81, hostPort: 8080 }] },
      ],
    }), ["spec.containers[1].ports[0].hostPort: Duplicate value: \"TCP//8080\""]],
    ["K4: restartPolicy, dnsPolicy and pull policy enums", pod({
      restartPolicy: "Sometimes", dnsPolicy: "Cluster",
      containers: [{ name: "app", image: "x:1", imagePullPolicy: "Maybe", terminationMessagePolicy: "Log" }],
    }), [
      "spec.containers[0].terminationMessagePolicy: Unsupported value: \"Log\": supported values: \"File\", \"FallbackToLogsOnError\"",
      "spec.containers[0].imagePullPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
      "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
      "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
    ]],
    ["K5: activeDeadlineSeconds below 1", pod({ activeDeadlineSeconds: 0 }),
      ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]],
    ["K5: hostname and subdomain must be labels", pod({ hostname: "a.b", subdomain: "Sub" }), [
      "spec.hostname: Invalid value: \"a.b\": must not contain dots",
      `spec.subdomain: Invalid value: "Sub": ${labelMsg}`,
    ]],
    ["K5: ephemeral containers cannot come with the create", pod({ ephemeralContainers: [{ name: "debug", image: "busybox:1.36" }] }),
      ["spec.ephemeralContainers: Forbidden: cannot be set on create"]],
    ["K5: nodeName with scheduling gates", pod({ nodeName: "n1", schedulingGates: [{ name: "example.com/wait" }] }),
      ["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"]],
    ["F1: a sidecar restart policy other than Always", pod({ initContainers: [{ name: "side", image: "x:1", restartPolicy: "Never" }] }),
      ["spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]],
    ["F1: restartPolicy on an app container", pod({ containers: [{ name: "app", image: "x:1", restartPolicy: "Always" }] }),
      ["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"]],
    ["E4: probes on a regular init container", pod({ initContainers: [{ name: "init", image: "x:1", readinessProbe: { exec: { command: ["true"] } } }] }),
      ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.deepEqual(errors(p), want));

  it("K7/K9: the Invalid status carries the message and one cause per error", () => {
    const e = new InvalidError("", "Pod", "x", validatePodCreate(pod({ containers: [{ name: "app" }] }, "x")));
    assert.equal(e.message, "Pod \"x\" is invalid: spec.containers[0].image: Required value");
    assert.deepEqual(e.details?.causes, [{ reason: "FieldValueRequired", message: "Required value", field: "spec.containers[0].image" }]);
  });
});

describe("probes and lifecycle hooks (H1, H3, I3)", () => {
  const c = (extra: object) => pod({ containers: [{ name: "app", image: "x:1", ...extra }] });
  const cases: [string, Pod, string[]][] = [
    ["a probe without a handler", c({ livenessProbe: {} }), ["spec.containers[0].livenessProbe: Required value: must specify a handler type"]],
    ["a probe with two handlers", c({ readinessProbe: { exec: { command: ["true"] }, tcpSocket: { port: 80 } } }),
      ["spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]],
    ["a liveness probe needing two successes", c({ livenessProbe: { exec: { command: ["true"] }, successThreshold: 2 } }),
      ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]],
    ["a readiness probe with a grace period", c({ readinessProbe: { exec: { command: ["true"] }, terminationGracePeriodSeconds: 5 } }),
      ["spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes"]],
    ["an exec probe without a command", c({ startupProbe: { exec: {} } }), ["spec.containers[0].startupProbe.exec.command: Required value"]],
    ["a sleep hook longer than the grace period", c({ lifecycle: { preStop: { sleep: { seconds: 60 } } } }),
      ["spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."]],
    ["an http probe on a bad port name", c({ livenessProbe: { httpGet: { port: "HTTP" } } }), [
      "spec.containers[0].livenessProbe.httpGet.port: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
      "spec.containers[0].livenessProbe.httpGet.port: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
    ]],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.deepEqual(errors(p), want));
});

describe("volumes and mounts (J8)", () => {
  const cases: [string, Partial<PodSpec>, string[]][] = [
    ["a mount of an unknown volume", { containers: [{ name: "app", image: "x:1", volumeMounts: [{ name: "x", mountPath: "/x" }] }] },
      ["spec.containers[0].volumeMounts[0].name: Not found: \"x\""]],
    ["a mount without a path and a repeated path", {
      volumes: [{ name: "v" }],
      containers: [{ name: "app", image: "x:1", volumeMounts: [{ name: "v", mountPath: "/a" }, { name: "v", mountPath: "/a" }, { name: "v" }] }],
    }, [
      "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/a\": must be unique",
      "spec.containers[0].volumeMounts[2].mountPath: Required value",
    ]],
    ["sub-paths must stay inside the volume", {
      volumes: [{ name: "v" }],
      containers: [{ name: "app", image: "x:1", volumeMounts: [{ name: "v", mountPath: "/a", subPath: "../etc" }, { name: "v", mountPath: "/b", subPath: "/etc" }] }],
    }, [
      "spec.containers[0].volumeMounts.subPath: Invalid value: \"../etc\": must not contain '..'",
      "spec.containers[0].volumeMounts.subPath: Invalid value: \"/etc\": must be a relative path",
    ]],
    ["two sources in one volume", { volumes: [{ name: "v", emptyDir: {}, hostPath: { path: "/tmp" } }] },
      ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"]],
    ["a duplicate volume name", { volumes: [{ name: "v" }, { name: "v" }] }, ["spec.volumes[1].name: Duplicate value: \"v\""]],
    ["a hostPath without a path and an unknown type", { volumes: [{ name: "a", hostPath: {} }, { name: "b", hostPath: { path: "/x", type: "Dir" } }] }, [
      "spec.volumes[0].hostPath.path: Required value",
      "spec.volumes[1].hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
    ]],
    ["configMap items need keys and relative paths", { volumes: [{ name: "c", configMap: { name: "cm", items: [{ path: "/abs" }] } }] }, [
      "spec.volumes[0].configMap.items[0].key: Required value",
      "spec.volumes[0].configMap.items[0].path: Invalid value: \"/abs\": must be a relative path",
    ]],
    ["a secret volume without a name and a bad mode", { volumes: [{ name: "s", secret: { defaultMode: 1000 } }] }, [
      "spec.volumes[0].secret.secretName: Required value",
      "spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive",
    ]],
    ["a downward API volume reading an env-only field", { volumes: [{ name: "d", downwardAPI: { items: [{ path: "n", fieldRef: { fieldPath: "spec.nodeName" } }] } }] },
      ["spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: \"spec.nodeName\": supported values: \"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\""]],
    ["a token projection shorter than ten minutes", { volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 60 } }] } }] },
      ["spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"]],
    ["a negative emptyDir size", { volumes: [{ name: "e", emptyDir: { sizeLimit: "-1Gi" } }] },
      ["spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity"]],
  ];
  for (const [title, spec, want] of cases) it(title, () => assert.deepEqual(errors(pod(spec)), want));
});

describe("environment (J9, J10)", () => {
  const env = (vars: object[]) => pod({ containers: [{ name: "app", image: "x:1", env: vars as never }] });
  const cases: [string, Pod, string[]][] = [
    ["a nameless variable", env([{ value: "x" }]), ["spec.containers[0].env[0].name: Required value"]],
    ["valueFrom with no source", env([{ name: "A", valueFrom: {} }]),
      ["spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"]],
    ["value and valueFrom together", env([{ name: "A", value: "x", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]),
      ["spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"]],
    ["a field the downward API does not offer", env([{ name: "A", valueFrom: { fieldRef: { fieldPath: "status.phase" } } }]),
      ["spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"status.phase\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""]],
    ["a field the downward API does not know", env([{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.foo" } } }]),
      ["spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: spec.foo"]],
    ["a label subscript is fine", env([{ name: "A", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }]), []],
    ["a secret key ref without a key", env([{ name: "A", valueFrom: { secretKeyRef: { name: "s" } } }]),
      ["spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value"]],
    ["a CPU divisor other than 1 or 1m", env([{ name: "A", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "2" } } }]),
      ["spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: \"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu resource"]],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.deepEqual(errors(p), want));
});

describe("resources", () => {
  const res = (resources: object) => pod({ containers: [{ name: "app", image: "x:1", resources: resources as never }] });
  const cases: [string, Pod, string[]][] = [
    ["a request above its limit", res({ requests: { cpu: "2" }, limits: { cpu: "1" } }),
      ["spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"]],
    ["a negative quantity", res({ requests: { memory: "-1" } }),
      ["spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0"]],
    // Requests default to limits before validation, so the request is reported too.
    ["an unknown unprefixed resource", res({ limits: { gpu: "1" } }), [
      "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
      "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
      "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
      "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
    ]],
    ["a fractional extended resource", res({ limits: { "example.com/gpu": "500m" } }), [
      "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer",
      "spec.containers[0].resources.requests[example.com/gpu]: Invalid value: \"500m\": must be an integer",
    ]],
    ["an extended resource without a limit", res({ requests: { "example.com/gpu": "1" }, limits: {} }),
      ["spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"]],
  ];
  for (const [title, p, want] of cases) it(title, () => assert.deepEqual(errors(p), want));
});

describe("pod-level fields", () => {
  const cases: [string, Partial<PodSpec>, string[]][] = [
    ["a toleration with an empty key must use Exists", { tolerations: [{ operator: "Equal", value: "x" }] },
      ["spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""]],
    ["tolerationSeconds needs NoExecute", { tolerations: [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5 }] },
      ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    ["an unknown toleration operator and effect", { tolerations: [{ key: "k", operator: "In", effect: "Never" }] }, [
      "spec.tolerations[0].operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\"",
      "spec.tolerations[0].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
    ]],
    ["a host alias without an IP", { hostAliases: [{ ip: "nope", hostnames: ["a"] }] },
      ["spec.hostAliases[0].ip: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]],
    ["dnsPolicy None without nameservers", { dnsPolicy: "None" }, ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]],
    ["a node selector with a bad value", { nodeSelector: { disk: "ssd!" } },
      ["spec.nodeSelector: Invalid value: \"ssd!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ["hostNetwork with a different host port", { hostNetwork: true, containers: [{ name: "app", image: "x:1", ports: [{ containerPort: 80, hostPort: 8080 }] }] },
      ["spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"]],
    ["a negative run-as user", { securityContext: { runAsUser: -1 } },
      ["spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"]],
  ];
  for (const [title, spec, want] of cases) it(title, () => assert.deepEqual(errors(pod(spec)), want));

  it("without defaults, a missing grace period and policies are reported as required", () => {
    const raw: Pod = { metadata: { name: "p", namespace: "d" }, spec: { containers: [{ name: "app", image: "x:1" }] } };
    assert.deepEqual(errors(raw), [
      "spec.terminationGracePeriodSeconds: Required value",
      "spec.containers[0].terminationMessagePolicy: Required value",
      "spec.containers[0].imagePullPolicy: Required value",
      "spec.restartPolicy: Required value",
      "spec.dnsPolicy: Required value",
    ]);
  });
});

describe("pod warnings on create (K1)", () => {
  it("warn about a name that is no DNS label", () => {
    assert.deepEqual(podWarningsOnCreate(pod({}, "web.v1")),
      ["metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"]);
    assert.deepEqual(podWarningsOnCreate(pod({}, "web")), []);
  });
  it("J1: warn about two containers declaring one port", () => {
    const p = pod({ containers: [{ name: "a", image: "x:1", ports: [{ containerPort: 80 }] }, { name: "b", image: "x:1", ports: [{ containerPort: 80 }] }] });
    assert.deepEqual(podWarningsOnCreate(p), ["spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]"]);
  });
});
