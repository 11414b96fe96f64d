import { test } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod, PodSecurityContext } from "../api/index.js";
import { effectiveSecurityContext, imageUser, runtimeSecurityContext, verifyRunAsNonRoot } from "./security-context.js";

const podWith = (sc: PodSecurityContext | undefined, c: Container): Pod => ({
  metadata: { name: "web", namespace: "prod", uid: "u-1" },
  spec: { containers: [c], ...(sc ? { securityContext: sc } : {}) },
});

test("imageUser reads the image config's User as containerd does", () => {
  const cases: [string | undefined, object][] = [
    [undefined, { uid: 0 }], ["", { uid: 0 }], ["0", { uid: 0 }], ["1000", { uid: 1000 }], ["1000:1000", { uid: 1000 }],
    ["nobody", { username: "nobody" }], ["www-data:www-data", { username: "www-data" }], ["65534:nogroup", { uid: 65534 }],
  ];
  for (const [user, want] of cases) assert.deepEqual(imageUser(user), want, String(user));
});

test("effectiveSecurityContext lays the container's fields over the pod's", () => {
  const c: Container = { name: "c", securityContext: { runAsUser: 2000, readOnlyRootFilesystem: true } };
  assert.deepEqual(effectiveSecurityContext(podWith({ runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true, fsGroup: 5 }, c), c), {
    runAsUser: 2000, runAsGroup: 3000, runAsNonRoot: true, readOnlyRootFilesystem: true,
  });
  assert.deepEqual(effectiveSecurityContext(podWith(undefined, { name: "c" }), { name: "c" }), {});
});

test("verifyRunAsNonRoot refuses what cannot be shown to be non-root (security_context_others_test)", () => {
  const where = `(pod: "web_prod(u-1)", container: c)`;
  const cases: [string, PodSecurityContext | undefined, Container["securityContext"], string | undefined, string | undefined][] = [
    ["not asked", undefined, undefined, "", undefined],
    ["asked false", { runAsNonRoot: false }, undefined, "", undefined],
    ["pod runAsUser 0", { runAsNonRoot: true, runAsUser: 0 }, undefined, "1000", `container's runAsUser breaks non-root policy ${where}`],
    ["container runAsUser 0", undefined, { runAsNonRoot: true, runAsUser: 0 }, "1000", `container's runAsUser breaks non-root policy ${where}`],
    ["runAsUser non-zero wins over image root", { runAsNonRoot: true }, { runAsUser: 1000 }, "", undefined],
    ["runAsUser non-zero wins over image name", { runAsNonRoot: true, runAsUser: 5 }, undefined, "nobody", undefined],
    ["image root", { runAsNonRoot: true }, undefined, "0", `container has runAsNonRoot and image will run as root ${where}`],
    ["image without user", undefined, { runAsNonRoot: true }, undefined, `container has runAsNonRoot and image will run as root ${where}`],
    ["image named user", { runAsNonRoot: true }, undefined, "nobody", `container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root ${where}`],
    ["image numeric user", { runAsNonRoot: true }, undefined, "1000:1000", undefined],
    ["container turns it off", { runAsNonRoot: true }, { runAsNonRoot: false }, "0", undefined],
  ];
  for (const [name, podSc, cSc, user, want] of cases) {
    const c: Container = { name: "c", ...(cSc ? { securityContext: cSc } : {}) };
    assert.equal(verifyRunAsNonRoot(podWith(podSc, c), c, imageUser(user)), want, name);
  }
});

test("runtimeSecurityContext is what the kubelet hands the CRI", () => {
  const cases: [string, PodSecurityContext | undefined, Container["securityContext"], string | undefined, object][] = [
    ["nothing set, image root", undefined, undefined, undefined, { runAsUser: 0, noNewPrivs: false }],
    ["image uid", undefined, undefined, "1000:50", { runAsUser: 1000, noNewPrivs: false }],
    ["image name", undefined, undefined, "nobody", { runAsUsername: "nobody", noNewPrivs: false }],
    ["pod user and groups", { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 5000] }, undefined, "nobody", { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [2000, 4000, 5000], noNewPrivs: false }],
    ["container over pod", { runAsUser: 1000, runAsGroup: 3000 }, { runAsUser: 2000, runAsGroup: 4000 }, undefined, { runAsUser: 2000, runAsGroup: 4000, noNewPrivs: false }],
    ["capabilities, privileged, read-only root", undefined, { capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] }, privileged: true, readOnlyRootFilesystem: true }, "0", { capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] }, privileged: true, runAsUser: 0, readonlyRootfs: true, noNewPrivs: false }],
    ["capabilities add only", undefined, { capabilities: { add: ["SYS_TIME"] } }, "0", { capabilities: { add: ["SYS_TIME"], drop: [] }, runAsUser: 0, noNewPrivs: false }],
    ["allowPrivilegeEscalation false", undefined, { allowPrivilegeEscalation: false }, "0", { runAsUser: 0, noNewPrivs: true }],
    ["allowPrivilegeEscalation true", undefined, { allowPrivilegeEscalation: true }, "0", { runAsUser: 0, noNewPrivs: false }],
    ["procMount Unmasked", undefined, { procMount: "Unmasked" }, "0", { runAsUser: 0, noNewPrivs: false, maskedPaths: [], readonlyPaths: [] }],
    ["procMount Default", undefined, { procMount: "Default" }, "0", { runAsUser: 0, noNewPrivs: false }],
  ];
  for (const [name, podSc, cSc, user, want] of cases) {
    const c: Container = { name: "c", ...(cSc ? { securityContext: cSc } : {}) };
    assert.deepEqual(runtimeSecurityContext(podWith(podSc, c), c, imageUser(user)), want, name);
  }
});
