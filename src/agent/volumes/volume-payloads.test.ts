import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Pod } from "../../api/index.js";
import { validatePayloadPath, type Payload } from "./atomic-writer.js";
import { configMapPayload, secretPayload } from "./config-payload.js";
import { downwardAPIPayload, extractFieldPath, formatMap } from "./downward-api.js";
import { emptyDirMemorySize } from "./empty-dir.js";
import { extractResourceValue } from "./resource-field-ref.js";
import { checkSubPath } from "./subpath.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const files = (p: Payload) => Object.fromEntries([...p].map(([k, v]) => [k, [v.data.toString(), v.mode.toString(8)]]));

const pod: Pod = {
  metadata: {
    name: "web",
    namespace: "shop",
    uid: "1234-abcd",
    labels: { zone: "us-east", app: "web", quote: 'say "hi"\n' },
    annotations: { "build/ref": "abc" },
  },
  spec: {
    containers: [
      { name: "app", resources: { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "1500m", memory: "128Mi" } } },
      { name: "nolimits", resources: {} },
    ],
    initContainers: [{ name: "init", resources: { limits: { "ephemeral-storage": "1Gi" } } }],
  },
};
const allocatable = { cpu: "4", memory: "8Gi", "ephemeral-storage": "100Gi", "hugepages-2Mi": "0" };

type PayloadCase = { name: string; items?: { key: string; path: string; mode?: number }[]; optional?: boolean; want?: Record<string, [string, string]>; error?: string };
const cm = { data: { "a.conf": "A", b: "B" }, binaryData: { bin: b64("\u0000\u0001") } };
const secret = { data: { user: b64("admin"), pass: b64("s3cr3t\n") } };
const payloadTables: [string, (items: PayloadCase["items"], optional: boolean) => Payload, PayloadCase[]][] = [
  [
    "configMapPayload",
    (items, optional) => configMapPayload(items, cm, 0o600, optional),
    [
      { name: "every key, data and binaryData, at defaultMode", want: { "a.conf": ["A", "600"], b: ["B", "600"], bin: ["\u0000\u0001", "600"] } },
      { name: "items map keys to paths with their own mode", items: [{ key: "b", path: "dir/b.txt", mode: 0o400 }, { key: "bin", path: "x" }], want: { "dir/b.txt": ["B", "400"], x: ["\u0000\u0001", "600"] } },
      { name: "a missing key fails", items: [{ key: "nope", path: "n" }], error: "configmap references non-existent config key: nope" },
      { name: "a missing key of an optional volume is skipped", items: [{ key: "nope", path: "n" }, { key: "b", path: "b" }], optional: true, want: { b: ["B", "600"] } },
    ],
  ],
  [
    "secretPayload",
    (items, optional) => secretPayload(items, secret, 0o644, optional),
    [
      { name: "every key, decoded from base64", want: { user: ["admin", "644"], pass: ["s3cr3t\n", "644"] } },
      { name: "items with a mode", items: [{ key: "pass", path: "p/pass", mode: 0o400 }], want: { "p/pass": ["s3cr3t\n", "400"] } },
      { name: "a missing key fails", items: [{ key: "token", path: "t" }], error: "references non-existent secret key: token" },
      { name: "a missing key of an optional secret is skipped", items: [{ key: "token", path: "t" }], optional: true, want: {} },
    ],
  ],
];
for (const [suite, make, cases] of payloadTables) {
  describe(suite, () => {
    for (const c of cases) {
      test(c.name, () => {
        const run = () => make(c.items, c.optional ?? false);
        if (c.error) assert.throws(run, { message: c.error });
        else assert.deepEqual(files(run()), c.want);
      });
    }
  });
}

describe("downward API", () => {
  test("formatMap: sorted key=\"value\" lines, Go-quoted, no trailing newline", () => {
    assert.equal(formatMap(pod.metadata!.labels), 'app="web"\nquote="say \\"hi\\"\\n"\nzone="us-east"');
    assert.equal(formatMap({}), "");
    assert.equal(formatMap(undefined), "");
  });

  const fieldCases: [string, string | Error][] = [
    ["metadata.name", "web"],
    ["metadata.namespace", "shop"],
    ["metadata.uid", "1234-abcd"],
    ["metadata.labels", 'app="web"\nquote="say \\"hi\\"\\n"\nzone="us-east"'],
    ["metadata.annotations", 'build/ref="abc"'],
    ["metadata.labels['zone']", "us-east"],
    ["metadata.labels['missing']", ""],
    ["metadata.annotations['build/ref']", "abc"],
    ["spec.nodeName", new Error("unsupported fieldPath: spec.nodeName")],
    ["metadata.name['x']", new Error('fieldPath "metadata.name[\'x\']" does not support subscript')],
  ];
  for (const [path, want] of fieldCases) {
    test(`extractFieldPath ${path}`, () => {
      if (want instanceof Error) assert.throws(() => extractFieldPath(pod, path), { message: want.message });
      else assert.equal(extractFieldPath(pod, path), want);
    });
  }

  test("downwardAPIPayload: items at their paths and modes", () => {
    const payload = downwardAPIPayload(
      [
        { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
        { path: "meta/name", fieldRef: { fieldPath: "metadata.name" }, mode: 0o400 },
        { path: "cpu_limit", resourceFieldRef: { containerName: "app", resource: "limits.cpu", divisor: "1m" } },
      ],
      pod,
      0o644,
      allocatable,
    );
    assert.deepEqual(files(payload), {
      labels: ['app="web"\nquote="say \\"hi\\"\\n"\nzone="us-east"', "644"],
      "meta/name": ["web", "400"],
      cpu_limit: ["1500", "644"],
    });
  });

  test("downwardAPIPayload: errors of several items are aggregated as Go does", () => {
    assert.throws(
      () =>
        downwardAPIPayload(
          [
            { path: "a", fieldRef: { fieldPath: "spec.nodeName" } },
            { path: "b", resourceFieldRef: { containerName: "ghost", resource: "limits.cpu" } },
          ],
          pod,
          0o644,
          allocatable,
        ),
      { message: "[unsupported fieldPath: spec.nodeName, container ghost not found]" },
    );
  });
});

describe("extractResourceValue", () => {
  const cases: [container: string, resource: string, divisor: string | undefined, want: string][] = [
    ["app", "limits.cpu", undefined, "2"], // 1.5 cores rounded up
    ["app", "limits.cpu", "1m", "1500"],
    ["app", "requests.cpu", "1m", "250"],
    ["app", "requests.cpu", undefined, "1"],
    ["app", "limits.memory", undefined, "134217728"],
    ["app", "limits.memory", "1Mi", "128"],
    ["app", "requests.memory", "1Mi", "64"],
    ["app", "requests.memory", "1G", "1"],
    ["nolimits", "limits.cpu", undefined, "4"], // node allocatable
    ["nolimits", "limits.memory", "1Gi", "8"],
    ["nolimits", "requests.cpu", "1m", "0"],
    ["nolimits", "limits.ephemeral-storage", "1Gi", "100"],
    ["init", "limits.ephemeral-storage", "1Mi", "1024"],
    ["app", "limits.hugepages-2Mi", undefined, "0"],
  ];
  for (const [container, resource, divisor, want] of cases) {
    test(`${container} ${resource} / ${divisor ?? "1"} = ${want}`, () => {
      const selector = divisor === undefined ? { resource } : { resource, divisor };
      assert.equal(extractResourceValue(selector, pod, container, allocatable), want);
    });
  }
  test("an unknown resource and an unknown container fail with the kubelet's messages", () => {
    assert.throws(() => extractResourceValue({ resource: "limits.gpu" }, pod, "app", allocatable), { message: "unsupported container resource : limits.gpu" });
    assert.throws(() => extractResourceValue({ resource: "limits.cpu" }, pod, "x", allocatable), { message: "container x not found" });
  });
});

describe("emptyDirMemorySize", () => {
  const cases: [sizeLimit: string | undefined, allocatable: Record<string, string>, want: bigint | undefined][] = [
    [undefined, { memory: "1Gi" }, 1073741824n],
    ["64Mi", { memory: "1Gi" }, 67108864n],
    ["2Gi", { memory: "1Gi" }, 1073741824n], // never more than the node can give
    ["0", { memory: "1Gi" }, 1073741824n],
    ["64Mi", {}, 67108864n],
    [undefined, {}, undefined],
  ];
  for (const [limit, alloc, want] of cases) {
    test(`sizeLimit ${limit ?? "unset"}, allocatable ${alloc["memory"] ?? "unknown"}`, () => {
      assert.equal(emptyDirMemorySize(limit, alloc), want);
    });
  }
});

describe("path checks", () => {
  const payloadPaths: [string, string | undefined][] = [
    ["a", undefined],
    ["dir/file", undefined],
    ["..a", "invalid path: must not start with '..': ..a"],
    ["a/../b", "invalid path: must not contain '..': a/../b"],
    ["/abs", "invalid path: must be relative path: /abs"],
    ["", 'invalid path: must not be empty: ""'],
    ["x".repeat(256), "invalid path: filenames must be less than or equal to 255 characters"],
  ];
  for (const [path, want] of payloadPaths) {
    test(`payload path ${JSON.stringify(path.slice(0, 20))}`, () => assert.equal(validatePayloadPath(path), want));
  }
  const subPaths: [string, string | undefined][] = [
    ["a/b", undefined],
    ["../etc", "unable to provision SubPath `../etc`: must not contain '..'"],
    ["a/../../b", "unable to provision SubPath `a/../../b`: must not contain '..'"],
    ["/etc", "error SubPath `/etc` must not be an absolute path"],
  ];
  for (const [path, want] of subPaths) {
    test(`subPath ${path}`, () => {
      if (want) assert.throws(() => checkSubPath(path), { message: want });
      else assert.doesNotThrow(() => checkSubPath(path));
    });
  }
});
