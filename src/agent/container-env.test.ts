import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Container, Pod, Secret } from "../api/index.js";
import { expandVariables, podFieldRefValue, resourceFieldRefValue, resolveEnv, type EnvSources } from "./container-env.js";

// The cases of upstream third_party/forked/golang/expansion/expand_test.go TestMapReference/TestMapping.
test("expandVariables follows upstream expansion rules", () => {
  const vars = new Map([["VAR_A", "A"], ["VAR_B", "B"], ["VAR_C", "C"], ["VAR_REF", "$(VAR_A)"], ["VAR_EMPTY", ""]]);
  const cases: [string, string][] = [
    ["$(VAR_A)", "A"],
    ["___$(VAR_B)___", "___B___"],
    ["$(VAR_C)$(VAR_A)", "CA"],
    ["$(VAR_A)-$(VAR_A)", "A-A"],
    ["$(VAR_A)-1", "A-1"],
    ["$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"],
    ["$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"],
    ["$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"],
    ["f000-$$VAR_A", "f000-$VAR_A"],
    ["foo\\$(VAR_C)bar", "foo\\Cbar"],
    ["foo\\\\$(VAR_C)bar", "foo\\\\Cbar"],
    ["foo\\\\\\\\$(VAR_A)bar", "foo\\\\\\\\Abar"],
    ["$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"],
    ["$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"],
    ["$(VAR_REF)", "$(VAR_A)"],
    ["foo$$$$$$(BAR)", "foo$$$(BAR)"],
    ["foo$$$$$(BAR)", "foo$$$(BAR)"],
    ["$(VAR_EMPTY)", ""],
    ["$(UNKNOWN)", "$(UNKNOWN)"],
    ["$()", "$()"],
    ["$(", "$("],
    ["$", "$"],
    ["$$", "$"],
    ["$$$", "$$"],
    ["$$$$", "$$"],
    ["$$$(VAR_A)", "$A"],
    ["$VAR_A", "$VAR_A"],
    ["$(VAR_A)$", "A$"],
    ["$(VAR_A", "$(VAR_A"],
    ["$(VAR_A)$(VAR_B", "A$(VAR_B"],
    ["--$(VAR_A)=x", "--A=x"],
    ["", ""],
    ["plain", "plain"],
  ];
  for (const [input, want] of cases) assert.equal(expandVariables(input, (n) => vars.get(n)), want, input);
});

const pod: Pod = {
  metadata: { name: "web", namespace: "prod", uid: "u-1", labels: { app: "web", "example.com/tier": "front" }, annotations: { note: "hi", "Key.Upper": "x" } },
  spec: {
    nodeName: "node-a",
    serviceAccountName: "robot",
    containers: [
      { name: "app", resources: { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "1500m", memory: "128Mi" } } },
      { name: "side", resources: { requests: { cpu: "100m" } } },
    ],
    initContainers: [{ name: "init", resources: { limits: { memory: "1Gi" } } }],
  },
};
const facts = { podIPs: ["10.42.0.5", "fd00::5"], hostIPs: ["192.168.1.10", "fd00::10"] };

test("podFieldRefValue resolves env fieldRefs", () => {
  const cases: [string, { value?: string; error?: string }][] = [
    ["metadata.name", { value: "web" }],
    ["metadata.namespace", { value: "prod" }],
    ["metadata.uid", { value: "u-1" }],
    ["metadata.labels['app']", { value: "web" }],
    ["metadata.labels['example.com/tier']", { value: "front" }],
    ["metadata.labels['missing']", { value: "" }],
    ["metadata.annotations['note']", { value: "hi" }],
    ["metadata.annotations['Key.Upper']", { value: "x" }],
    ["spec.nodeName", { value: "node-a" }],
    ["spec.serviceAccountName", { value: "robot" }],
    ["status.hostIP", { value: "192.168.1.10" }],
    ["status.hostIPs", { value: "192.168.1.10,fd00::10" }],
    ["status.podIP", { value: "10.42.0.5" }],
    ["status.podIPs", { value: "10.42.0.5,fd00::5" }],
    ["metadata.name['x']", { error: `fieldPath "metadata.name['x']" does not support subscript` }],
    ["spec.restartPolicy", { error: "unsupported fieldPath: spec.restartPolicy" }],
  ];
  for (const [fieldPath, want] of cases) assert.deepEqual(podFieldRefValue(pod, { fieldPath }, facts), want, fieldPath);
});

test("resourceFieldRefValue divides and rounds up, limits default to allocatable", () => {
  const allocatable = { cpu: "4", memory: "8Gi", "ephemeral-storage": "100Gi" };
  const app = pod.spec!.containers![0]!;
  const side = pod.spec!.containers![1]!;
  const cases: [typeof app, string, string | undefined, string][] = [
    [app, "limits.cpu", undefined, "2"],
    [app, "limits.cpu", "1m", "1500"],
    [app, "limits.cpu", "1", "2"],
    [app, "requests.cpu", "1m", "250"],
    [app, "requests.cpu", undefined, "1"],
    [app, "limits.memory", undefined, "134217728"],
    [app, "limits.memory", "1Mi", "128"],
    [app, "limits.memory", "1Gi", "1"],
    [app, "requests.memory", "1Mi", "64"],
    [app, "requests.memory", "1M", "68"],
    [side, "limits.cpu", "1m", "4000"],
    [side, "limits.memory", "1Gi", "8"],
    [side, "requests.memory", undefined, "0"],
    [side, "limits.ephemeral-storage", "1Gi", "100"],
    [side, "requests.cpu", "0", "1"],
  ];
  for (const [c, resource, divisor, want] of cases) {
    const sel = divisor === undefined ? { resource } : { resource, divisor };
    assert.deepEqual(resourceFieldRefValue(pod, c, sel, allocatable), { value: want }, `${c.name} ${resource} / ${divisor}`);
  }
  assert.deepEqual(resourceFieldRefValue(pod, app, { resource: "limits.gpu" }, {}), { error: "unsupported container resource : limits.gpu" });
  assert.deepEqual(resourceFieldRefValue(pod, app, { resource: "limits.cpu", containerName: "ghost" }, {}), { error: "container ghost not found" });
});

const b64 = (s: string): string => Buffer.from(s).toString("base64");
const cm = (data: Record<string, string>): ConfigMap => ({ metadata: { name: "x" }, data });
const secret = (data: Record<string, string>): Secret => ({ metadata: { name: "s" }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });

function sources(over: Partial<EnvSources> = {}): EnvSources {
  return {
    configMaps: new Map([["cfg", cm({ A: "from-cm", B: "b", "bad=key": "no", "1NUM": "ok" })], ["other", cm({ C: "c" })]]),
    secrets: new Map([["sec", secret({ PASSWORD: "hunter2", A: "from-secret" })]]),
    allocatable: { cpu: "4", memory: "8Gi" },
    ...facts,
    ...over,
  };
}

test("resolveEnv builds the environment as makeEnvironmentVariables", () => {
  const cases: { name: string; container: Container; src?: Partial<EnvSources>; want: [string, string][] | string; warnings?: string[] }[] = [
    { name: "plain values", container: { env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] }, want: [["X", "1"], ["Y", "2"]] },
    { name: "expansion from earlier vars", container: { env: [{ name: "X", value: "1" }, { name: "Y", value: "$(X)-$(Z)-$$(X)" }, { name: "Z", value: "z" }] }, want: [["X", "1"], ["Y", "1-$(Z)-$(X)"], ["Z", "z"]] },
    { name: "empty value stays empty", container: { env: [{ name: "E", value: "" }] }, want: [["E", ""]] },
    { name: "envFrom then env overrides in place", container: { envFrom: [{ configMapRef: { name: "other" } }], env: [{ name: "C", value: "env" }, { name: "D", value: "$(C)" }] }, want: [["C", "env"], ["D", "env"]] },
    { name: "envFrom prefix and later source wins", container: { envFrom: [{ configMapRef: { name: "other" }, prefix: "P_" }, { secretRef: { name: "sec" } }, { configMapRef: { name: "other" }, prefix: "P_" }] }, want: [["P_C", "c"], ["A", "from-secret"], ["PASSWORD", "hunter2"]] },
    { name: "envFrom skips invalid keys with a warning", container: { envFrom: [{ configMapRef: { name: "cfg" } }] }, want: [["1NUM", "ok"], ["A", "from-cm"], ["B", "b"]], warnings: ["Keys [bad=key] from the EnvFrom configMap prod/cfg were skipped since they are considered invalid environment variable names."] },
    { name: "envFrom references expand", container: { envFrom: [{ configMapRef: { name: "cfg" } }], env: [{ name: "AB", value: "$(A)$(B)" }] }, want: [["1NUM", "ok"], ["A", "from-cm"], ["B", "b"], ["AB", "from-cmb"]], warnings: ["Keys [bad=key] from the EnvFrom configMap prod/cfg were skipped since they are considered invalid environment variable names."] },
    { name: "configMapKeyRef", container: { env: [{ name: "V", valueFrom: { configMapKeyRef: { name: "cfg", key: "A" } } }] }, want: [["V", "from-cm"]] },
    { name: "configMapKeyRef value is not expanded", container: { env: [{ name: "X", value: "1" }, { name: "V", valueFrom: { configMapKeyRef: { name: "c2", key: "k" } } }] }, src: { configMaps: new Map([["c2", cm({ k: "$(X)" })]]) }, want: [["X", "1"], ["V", "$(X)"]] },
    { name: "secretKeyRef decodes base64", container: { env: [{ name: "PW", valueFrom: { secretKeyRef: { name: "sec", key: "PASSWORD" } } }] }, want: [["PW", "hunter2"]] },
    { name: "missing configmap", container: { env: [{ name: "V", valueFrom: { configMapKeyRef: { name: "nope", key: "A" } } }] }, want: `configmap "nope" not found` },
    { name: "missing configmap key", container: { env: [{ name: "V", valueFrom: { configMapKeyRef: { name: "cfg", key: "Q" } } }] }, want: "couldn't find key Q in ConfigMap prod/cfg" },
    { name: "missing secret", container: { env: [{ name: "V", valueFrom: { secretKeyRef: { name: "nope", key: "A" } } }] }, want: `secret "nope" not found` },
    { name: "missing secret key", container: { env: [{ name: "V", valueFrom: { secretKeyRef: { name: "sec", key: "Q" } } }] }, want: "couldn't find key Q in Secret prod/sec" },
    { name: "missing envFrom configmap", container: { envFrom: [{ configMapRef: { name: "nope" } }] }, want: `configmap "nope" not found` },
    { name: "missing envFrom secret", container: { envFrom: [{ secretRef: { name: "nope" } }] }, want: `secret "nope" not found` },
    { name: "a known-missing source counts as not found", container: { envFrom: [{ secretRef: { name: "gone" } }] }, src: { secrets: new Map([["gone", undefined]]) }, want: `secret "gone" not found` },
    {
      name: "optional refs are skipped",
      container: {
        envFrom: [{ configMapRef: { name: "nope", optional: true } }, { secretRef: { name: "nope", optional: true } }],
        env: [
          { name: "V1", valueFrom: { configMapKeyRef: { name: "nope", key: "A", optional: true } } },
          { name: "V2", valueFrom: { configMapKeyRef: { name: "cfg", key: "Q", optional: true } } },
          { name: "V3", valueFrom: { secretKeyRef: { name: "nope", key: "A", optional: true } } },
          { name: "V4", valueFrom: { secretKeyRef: { name: "sec", key: "Q", optional: true } } },
          { name: "V5", value: "$(V1)" },
        ],
      },
      want: [["V5", "$(V1)"]],
    },
    { name: "fieldRef", container: { env: [{ name: "NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }, { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }, { name: "URL", value: "http://$(IP):80/$(NAME)" }] }, want: [["NAME", "web"], ["IP", "10.42.0.5"], ["URL", "http://10.42.0.5:80/web"]] },
    { name: "resourceFieldRef of this container", container: { name: "side", env: [{ name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } }, { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } }, { name: "REQ", valueFrom: { resourceFieldRef: { resource: "requests.cpu", divisor: "1m" } } }] }, want: [["MEM", "8192"], ["CPU", "4"], ["REQ", "100"]] },
    { name: "resourceFieldRef of another container", container: { env: [{ name: "CPU", valueFrom: { resourceFieldRef: { containerName: "app", resource: "limits.cpu", divisor: "1m" } } }, { name: "INIT", valueFrom: { resourceFieldRef: { containerName: "init", resource: "limits.memory", divisor: "1Mi" } } }] }, want: [["CPU", "1500"], ["INIT", "1024"]] },
    { name: "resourceFieldRef of an unknown container", container: { env: [{ name: "CPU", valueFrom: { resourceFieldRef: { containerName: "ghost", resource: "limits.cpu" } } }] }, want: "container ghost not found" },
    { name: "service env is expandable and appended", container: { env: [{ name: "U", value: "$(SVC_HOST)" }, { name: "SVC_PORT", value: "mine" }] }, src: { serviceEnv: new Map([["SVC_HOST", "10.0.0.1"], ["SVC_PORT", "80"]]) }, want: [["U", "10.0.0.1"], ["SVC_PORT", "mine"], ["SVC_HOST", "10.0.0.1"]] },
  ];
  for (const c of cases) {
    const got = resolveEnv(pod, c.container, sources(c.src));
    if (typeof c.want === "string") {
      assert.deepEqual(got, { error: { reason: "CreateContainerConfigError", message: c.want } }, c.name);
    } else {
      assert.ok("env" in got, c.name);
      assert.deepEqual(got.env.map((e) => [e.key, e.value]), c.want, c.name);
      assert.deepEqual(got.warnings.map((w) => w.message), c.warnings ?? [], c.name);
    }
  }
});
