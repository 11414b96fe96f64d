import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod } from "../api/index.js";
import type { Mount } from "../runtime/index.js";
import { containerAnnotations, containerConfig, containerLabels, containerLogPath, expandCommandAndArgs } from "./container-config.js";
import { containerHash } from "./container-state.js";

test("expandCommandAndArgs expands $(VAR) from the container's environment (ExpandContainerCommandAndArgs)", () => {
  const env = [{ key: "GREETING", value: "hello" }, { key: "NAME", value: "pod" }, { key: "EMPTY", value: "" }];
  const cases: [Container, { command: string[]; args: string[] }][] = [
    [{}, { command: [], args: [] }],
    [{ command: ["sh", "-c", "echo $(GREETING) $(NAME)"] }, { command: ["sh", "-c", "echo hello pod"], args: [] }],
    [{ args: ["$(GREETING)", "$$(GREETING)", "$(MISSING)", "x$(EMPTY)y", "$HOME"] }, { command: [], args: ["hello", "$(GREETING)", "$(MISSING)", "xy", "$HOME"] }],
    [{ command: ["/bin/$(NAME)"], args: ["--name=$(NAME)"] }, { command: ["/bin/pod"], args: ["--name=pod"] }],
  ];
  for (const [c, want] of cases) assert.deepEqual(expandCommandAndArgs(c, env), want, JSON.stringify(c));
});

test("containerLogPath is name/attempt.log", () => {
  assert.equal(containerLogPath("web", 0), "web/0.log");
  assert.equal(containerLogPath("web", 12), "web/12.log");
});

const pod: Pod = {
  metadata: { name: "web", namespace: "prod", uid: "u-1", labels: { app: "web" } },
  spec: {
    terminationGracePeriodSeconds: 30,
    containers: [{
      name: "app",
      image: "busybox:1.36",
      command: ["httpd", "-f", "-p", "$(PORT)"],
      args: ["-h", "$(ROOT)"],
      workingDir: "/srv",
      ports: [{ containerPort: 80, protocol: "TCP" }],
      lifecycle: { preStop: { exec: { command: ["sleep", "1"] } } },
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      stdin: true,
      tty: true,
    }],
  },
};

test("containerLabels and containerAnnotations (kuberuntime labels.go)", () => {
  const c = pod.spec!.containers![0]!;
  assert.deepEqual(containerLabels(pod, c), {
    "io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "prod", "io.kubernetes.pod.uid": "u-1", "io.kubernetes.container.name": "app",
  });
  assert.deepEqual(containerAnnotations(pod, c, 3), {
    "io.kubernetes.container.hash": containerHash(c),
    "io.kubernetes.container.restartCount": "3",
    "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
    "io.kubernetes.container.terminationMessagePolicy": "File",
    "io.kubernetes.pod.terminationGracePeriod": "30",
    "io.kubernetes.container.preStopHandler": `{"exec":{"command":["sleep","1"]}}`,
    "io.kubernetes.container.ports": `[{"containerPort":80,"protocol":"TCP"}]`,
  });
  const deleting: Pod = { ...pod, metadata: { ...pod.metadata, deletionGracePeriodSeconds: 5 } };
  assert.equal(containerAnnotations(deleting, { name: "x" }, 0)["io.kubernetes.pod.deletionGracePeriod"], "5");
  assert.equal(containerAnnotations(deleting, { name: "x" }, 0)["io.kubernetes.container.ports"], undefined);
});

test("containerConfig assembles the runtime's ContainerConfig", () => {
  const c = pod.spec!.containers![0]!;
  const mounts: Mount[] = [{ containerPath: "/srv", hostPath: "/var/lib/x/srv", readonly: false }];
  const env = [{ key: "PORT", value: "80" }, { key: "ROOT", value: "/srv" }];
  const got = containerConfig(pod, c, { attempt: 2, env, mounts, imageRef: "sha256:abc", imageUser: "nobody", memoryCapacity: 8_000_000_000 });
  assert.deepEqual(got, {
    metadata: { name: "app", attempt: 2 },
    image: "sha256:abc",
    command: ["httpd", "-f", "-p", "80"],
    args: ["-h", "/srv"],
    workingDir: "/srv",
    envs: env,
    mounts,
    labels: containerLabels(pod, c),
    annotations: containerAnnotations(pod, c, 2),
    logPath: "app/2.log",
    stdin: true,
    stdinOnce: false,
    tty: true,
    resources: { cpuShares: 102, cpuPeriod: 100000, cpuQuota: 50000, memoryLimitInBytes: 134217728, oomScoreAdj: 992 },
    securityContext: { runAsUsername: "nobody", readonlyRootfs: true, noNewPrivs: true },
  });
  assert.notEqual(got.mounts, mounts, "the config owns its mounts list");

  const bare = containerConfig({ metadata: { name: "p", namespace: "d", uid: "u" }, spec: { containers: [{ name: "c" }] } }, { name: "c" }, { attempt: 0, env: [], mounts: [], imageRef: "busybox", memoryCapacity: 1 });
  assert.equal(bare.workingDir, undefined);
  assert.deepEqual([bare.command, bare.args, bare.logPath, bare.resources?.oomScoreAdj, bare.securityContext], [[], [], "c/0.log", 1000, { runAsUser: 0, noNewPrivs: false }]);
});
