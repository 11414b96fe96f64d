import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ConfigMap, Pod, Secret } from "../../api/index.js";
import { isMountPoint, mountsUnder, unmountAll } from "../../runtime/index.js";
import { PodVolumesError, VolumeManager, terminationLogHostPath, type VolumeSources } from "./volume-manager.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** fstype and super options of the mount at path, from /proc/self/mountinfo. */
function mountInfo(path: string): { fstype: string; superOptions: string } | undefined {
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [left, right] = line.split(" - ");
    if (left?.split(" ")[4] === path && right) {
      const [fstype, , superOptions] = right.split(" ");
      return { fstype: fstype!, superOptions: superOptions ?? "" };
    }
  }
  return undefined;
}

class FakeCluster implements VolumeSources {
  configMaps = new Map<string, ConfigMap>();
  secrets = new Map<string, Secret>();
  async configMap(ns: string, name: string) {
    return this.configMaps.get(`${ns}/${name}`);
  }
  async secret(ns: string, name: string) {
    return this.secrets.get(`${ns}/${name}`);
  }
}

function makePod(uid: string, volumes: NonNullable<Pod["spec"]>["volumes"], containers: NonNullable<Pod["spec"]>["containers"] = []): Pod {
  return {
    metadata: { name: "web", namespace: "shop", uid, labels: { app: "web" }, annotations: { a: "1" } },
    spec: { volumes, containers: containers.length ? containers : [{ name: "app", resources: { limits: { memory: "64Mi" } } }] },
  };
}

describe("VolumeManager (real tmpfs, bind mounts and files)", () => {
  let root: string;
  let podsDir: string;
  let manager: VolumeManager;
  const cluster = new FakeCluster();
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "peapod-volumes-"));
    podsDir = join(root, "pods");
    await mkdir(join(root, "host/data"), { recursive: true });
    manager = new VolumeManager({ podsDir, nodeAllocatable: { cpu: "2", memory: "1Gi" } });
    cluster.configMaps.set("shop/cfg", { data: { "app.conf": "v=1" }, binaryData: { "logo.bin": b64("\u0001\u0002") } });
    cluster.secrets.set("shop/creds", { data: { password: b64("hunter2") } });
  });
  after(async () => {
    await unmountAll(root);
    await rm(root, { recursive: true, force: true });
  });

  const allVolumesPod = (uid: string) =>
    makePod(uid, [
      { name: "scratch", emptyDir: { sizeLimit: "1Mi" } },
      { name: "mem", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
      { name: "nosource" },
      { name: "host", hostPath: { path: join(root, "host/data"), type: "Directory" } },
      { name: "cfg", configMap: { name: "cfg", defaultMode: 0o640 } },
      { name: "creds", secret: { secretName: "creds", items: [{ key: "password", path: "db/password", mode: 0o400 }] } },
      { name: "podinfo", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }, { path: "mem", resourceFieldRef: { containerName: "app", resource: "limits.memory", divisor: "1Mi" } }] } },
      {
        name: "all",
        projected: {
          sources: [
            { configMap: { name: "cfg", items: [{ key: "app.conf", path: "cfg/app.conf" }] } },
            { secret: { name: "creds" } },
            { downwardAPI: { items: [{ path: "name", fieldRef: { fieldPath: "metadata.name" } }] } },
            { secret: { name: "absent", optional: true } },
          ],
        },
      },
    ]);

  test("sets up every volume type where the kubelet would, with its contents", async () => {
    const uid = "uid-all";
    const volumes = await manager.setUp(allVolumesPod(uid), cluster);
    const dir = (plugin: string, name: string) => join(podsDir, uid, "volumes", plugin, name);
    assert.deepEqual(Object.fromEntries([...volumes].map(([k, v]) => [k, v.hostPath])), {
      scratch: dir("kubernetes.io~empty-dir", "scratch"),
      mem: dir("kubernetes.io~empty-dir", "mem"),
      nosource: dir("kubernetes.io~empty-dir", "nosource"),
      host: join(root, "host/data"),
      cfg: dir("kubernetes.io~configmap", "cfg"),
      creds: dir("kubernetes.io~secret", "creds"),
      podinfo: dir("kubernetes.io~downward-api", "podinfo"),
      all: dir("kubernetes.io~projected", "all"),
    });
    assert.equal(volumes.get("scratch")!.sizeLimit, "1Mi");
    assert.equal(volumes.get("cfg")!.readOnly, true);
    assert.equal(volumes.get("scratch")!.readOnly, false);

    // emptyDir on disk: a plain 0777 directory; medium Memory: a tmpfs of sizeLimit.
    assert.equal((await stat(dir("kubernetes.io~empty-dir", "scratch"))).mode & 0o777, 0o777);
    assert.equal(isMountPoint(dir("kubernetes.io~empty-dir", "scratch")), false);
    const mem = mountInfo(dir("kubernetes.io~empty-dir", "mem"));
    assert.equal(mem?.fstype, "tmpfs");
    assert.match(mem!.superOptions, /size=65536k/);
    assert.equal((await stat(dir("kubernetes.io~empty-dir", "mem"))).mode & 0o7777, 0o1777);

    // configMap on disk, data and binaryData, defaultMode.
    const cfg = dir("kubernetes.io~configmap", "cfg");
    assert.equal(isMountPoint(cfg), false);
    assert.equal(await readFile(join(cfg, "app.conf"), "utf8"), "v=1");
    assert.deepEqual([...(await readFile(join(cfg, "logo.bin")))], [1, 2]);
    assert.equal((await stat(join(cfg, "app.conf"))).mode & 0o777, 0o640);

    // secret on tmpfs, decoded, item path and mode.
    const creds = dir("kubernetes.io~secret", "creds");
    assert.equal(mountInfo(creds)?.fstype, "tmpfs");
    assert.equal(await readFile(join(creds, "db/password"), "utf8"), "hunter2");
    assert.equal((await stat(join(creds, "db/password"))).mode & 0o777, 0o400);

    const podinfo = dir("kubernetes.io~downward-api", "podinfo");
    assert.equal(mountInfo(podinfo)?.fstype, "tmpfs");
    assert.equal(await readFile(join(podinfo, "labels"), "utf8"), 'app="web"');
    assert.equal(await readFile(join(podinfo, "mem"), "utf8"), "64");

    const all = dir("kubernetes.io~projected", "all");
    assert.equal(mountInfo(all)?.fstype, "tmpfs");
    assert.deepEqual((await readdir(all)).filter((e) => !e.startsWith("..")).sort(), ["cfg", "name", "password"]);
    assert.equal(await readFile(join(all, "cfg/app.conf"), "utf8"), "v=1");
    assert.equal(await readFile(join(all, "password"), "utf8"), "hunter2");
    assert.equal(await readFile(join(all, "name"), "utf8"), "web");

    // Setting up again changes nothing and stacks no mounts.
    const before = mountsUnder(join(podsDir, uid)).length;
    const dataLink = await readFile(join(creds, "db/password"), "utf8");
    await manager.setUp(allVolumesPod(uid), cluster);
    assert.equal(mountsUnder(join(podsDir, uid)).length, before);
    assert.equal(await readFile(join(creds, "db/password"), "utf8"), dataLink);

    await manager.tearDown(uid);
    assert.deepEqual(mountsUnder(podsDir), []);
    await assert.rejects(lstat(join(podsDir, uid)), { code: "ENOENT" });
    await manager.tearDown(uid); // idempotent
  });

  test("update re-renders changed configMaps, secrets and pod metadata, and nothing else", async () => {
    const uid = "uid-update";
    const local = new FakeCluster();
    local.configMaps.set("shop/cfg", { data: { "app.conf": "v=1" } });
    local.secrets.set("shop/creds", { data: { password: b64("one") } });
    const pod = makePod(uid, [
      { name: "cfg", configMap: { name: "cfg" } },
      { name: "creds", secret: { secretName: "creds" } },
      { name: "podinfo", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
      { name: "scratch", emptyDir: {} },
    ]);
    try {
      await manager.setUp(pod, local);
      const cfgFile = join(podsDir, uid, "volumes/kubernetes.io~configmap/cfg/app.conf");
      assert.deepEqual(await manager.update(pod, local), []);

      local.configMaps.set("shop/cfg", { data: { "app.conf": "v=2", extra: "e" } });
      local.secrets.set("shop/creds", { data: { password: b64("two") } });
      pod.metadata!.labels = { app: "web", tier: "front" };
      assert.deepEqual((await manager.update(pod, local)).sort(), ["cfg", "creds", "podinfo"]);
      assert.equal(await readFile(cfgFile, "utf8"), "v=2");
      assert.equal(await readFile(join(podsDir, uid, "volumes/kubernetes.io~configmap/cfg/extra"), "utf8"), "e");
      assert.equal(await readFile(join(podsDir, uid, "volumes/kubernetes.io~secret/creds/password"), "utf8"), "two");
      assert.equal(await readFile(join(podsDir, uid, "volumes/kubernetes.io~downward-api/podinfo/labels"), "utf8"), 'app="web"\ntier="front"');

      // A configMap that disappears is an error for a non-optional volume; the files stay.
      local.configMaps.delete("shop/cfg");
      await assert.rejects(manager.update(pod, local), (error: unknown) => {
        assert.ok(error instanceof PodVolumesError);
        assert.deepEqual(error.failures.map((f) => f.message), ['MountVolume.SetUp failed for volume "cfg" : configmap "cfg" not found']);
        return true;
      });
      assert.equal(await readFile(cfgFile, "utf8"), "v=2");
    } finally {
      await manager.tearDown(uid);
    }
  });

  test("failures carry the kubelet's FailedMount messages, one per volume; optional sources may be missing", async () => {
    const uid = "uid-errors";
    const pod = makePod(uid, [
      { name: "cfg", configMap: { name: "nope" } },
      { name: "creds", secret: { secretName: "nope" } },
      { name: "maybe", secret: { secretName: "nope", optional: true } },
      { name: "maybe-cm", configMap: { name: "nope", optional: true, items: [{ key: "k", path: "k" }] } },
      { name: "host", hostPath: { path: join(root, "host/data"), type: "File" } },
      { name: "nfs", nfs: { server: "x", path: "/" } },
      { name: "missing-key", configMap: { name: "cfg", items: [{ key: "nokey", path: "p" }] } },
      { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
      { name: "odd", emptyDir: { medium: "Tape" } },
    ]);
    try {
      await assert.rejects(manager.setUp(pod, cluster), (error: unknown) => {
        assert.ok(error instanceof PodVolumesError);
        assert.deepEqual(
          error.failures.map((f) => [f.volumeName, f.message]),
          [
            ["cfg", 'MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found'],
            ["creds", 'MountVolume.SetUp failed for volume "creds" : secret "nope" not found'],
            ["host", `MountVolume.SetUp failed for volume "host" : hostPath type check failed: ${join(root, "host/data")} is not a file`],
            ["nfs", 'MountVolume.SetUp failed for volume "nfs" : no volume plugin matched'],
            ["missing-key", 'MountVolume.SetUp failed for volume "missing-key" : configmap references non-existent config key: nokey'],
            ["token", 'MountVolume.SetUp failed for volume "token" : serviceAccountToken projections are not supported by this node agent yet'],
            ["odd", 'MountVolume.SetUp failed for volume "odd" : unknown storage medium "Tape"'],
          ],
        );
        return true;
      });
      // The optional ones were set up, empty.
      const maybe = join(podsDir, uid, "volumes/kubernetes.io~secret/maybe");
      assert.deepEqual((await readdir(maybe)).filter((e) => !e.startsWith("..")), []);
      assert.equal(mountInfo(maybe)?.fstype, "tmpfs");
    } finally {
      await manager.tearDown(uid);
    }
    assert.deepEqual(mountsUnder(podsDir), []);
  });

  test("mountsFor: volumeMounts in order, readOnly, propagation, and a fresh termination log", async () => {
    const uid = "uid-mounts";
    const container = {
      name: "app",
      terminationMessagePath: "/dev/termination-log",
      volumeMounts: [
        { name: "scratch", mountPath: "/scratch" },
        { name: "scratch", mountPath: "/ro", readOnly: true },
        { name: "cfg", mountPath: "/etc/app" },
        { name: "host", mountPath: "/host", mountPropagation: "HostToContainer" },
      ],
    };
    const pod = makePod(
      uid,
      [
        { name: "scratch", emptyDir: {} },
        { name: "cfg", configMap: { name: "cfg" } },
        { name: "host", hostPath: { path: join(root, "host/data") } },
      ],
      [container],
    );
    try {
      const volumes = await manager.setUp(pod, cluster);
      const mounts = await manager.mountsFor(pod, container, volumes);
      const log = terminationLogHostPath(container, mounts)!;
      assert.deepEqual(mounts, [
        { containerPath: "/scratch", hostPath: volumes.get("scratch")!.hostPath, readonly: false, propagation: "private" },
        { containerPath: "/ro", hostPath: volumes.get("scratch")!.hostPath, readonly: true, propagation: "private" },
        { containerPath: "/etc/app", hostPath: volumes.get("cfg")!.hostPath, readonly: true, propagation: "private" },
        { containerPath: "/host", hostPath: join(root, "host/data"), readonly: false, propagation: "rslave" },
        { containerPath: "/dev/termination-log", hostPath: log, readonly: false },
      ]);
      assert.match(log, new RegExp(`^${join(podsDir, uid, "containers/app")}/[0-9a-f]{8}$`));
      const info = await stat(log);
      assert.equal(info.size, 0);
      assert.equal(info.mode & 0o777, 0o666);
      // Each new instance of the container gets its own file.
      const again = await manager.mountsFor(pod, container, volumes);
      assert.notEqual(terminationLogHostPath(container, again), log);

      await assert.rejects(manager.mountsFor(pod, { name: "other", volumeMounts: [{ name: "ghost", mountPath: "/g" }] }, volumes), {
        message: 'cannot find volume "ghost" to mount into container "other"',
      });
    } finally {
      await manager.tearDown(uid);
    }
  });

  test("subPath: a bind of the checked file or dir; escapes through '..' or symlinks are refused", async () => {
    const uid = "uid-subpath";
    const pod = makePod(uid, [
      { name: "scratch", emptyDir: {} },
      { name: "cfg", configMap: { name: "cfg" } },
    ]);
    try {
      const volumes = await manager.setUp(pod, cluster);
      const scratch = volumes.get("scratch")!.hostPath;
      await writeFile(join(scratch, "index.html"), "hello");
      await symlink("/etc", join(scratch, "evil"));
      await symlink("index.html", join(scratch, "inside"));
      const container = {
        name: "app",
        volumeMounts: [
          { name: "scratch", mountPath: "/usr/share/index.html", subPath: "index.html" },
          { name: "scratch", mountPath: "/data", subPath: "made/on/demand" },
          { name: "cfg", mountPath: "/etc/app.conf", subPath: "app.conf", readOnly: false },
          { name: "scratch", mountPath: "/inside", subPath: "inside" },
        ],
      };
      const mounts = await manager.mountsFor(pod, container, volumes);
      const subpaths = join(podsDir, uid, "volume-subpaths");
      assert.deepEqual(
        mounts.map((m) => [m.containerPath, m.hostPath, m.readonly]),
        [
          ["/usr/share/index.html", join(subpaths, "scratch/app/0"), false],
          ["/data", join(subpaths, "scratch/app/1"), false],
          ["/etc/app.conf", join(subpaths, "cfg/app/2"), true],
          ["/inside", join(subpaths, "scratch/app/3"), false],
        ],
      );
      for (const m of mounts) assert.ok(isMountPoint(m.hostPath), `${m.hostPath} is a bind mount`);
      assert.equal(await readFile(mounts[0]!.hostPath, "utf8"), "hello");
      assert.equal(await readFile(mounts[2]!.hostPath, "utf8"), "v=1");
      assert.equal(await readFile(mounts[3]!.hostPath, "utf8"), "hello");
      assert.ok((await stat(join(scratch, "made/on/demand"))).isDirectory());
      await writeFile(join(mounts[1]!.hostPath, "x"), "through the bind");
      assert.equal(await readFile(join(scratch, "made/on/demand/x"), "utf8"), "through the bind");
      // Preparing the same mounts again (a restarted container) rebinds without stacking.
      const count = mountsUnder(subpaths).length;
      await manager.mountsFor(pod, container, volumes);
      assert.equal(mountsUnder(subpaths).length, count);

      const refused: [subPath: string, message: string][] = [
        ["evil", 'failed to prepare subPath for volumeMount "scratch" of container "bad"'],
        ["evil/passwd", 'failed to prepare subPath for volumeMount "scratch" of container "bad"'],
        ["evil/new-dir", 'failed to create subPath directory for volumeMount "scratch" of container "bad"'],
        ["../../..", "unable to provision SubPath `../../..`: must not contain '..'"],
        ["/etc", "error SubPath `/etc` must not be an absolute path"],
      ];
      for (const [subPath, message] of refused) {
        await assert.rejects(manager.mountsFor(pod, { name: "bad", volumeMounts: [{ name: "scratch", mountPath: "/x", subPath }] }, volumes), { message }, subPath);
      }
      await assert.rejects(lstat("/etc/new-dir"), { code: "ENOENT" });
    } finally {
      await manager.tearDown(uid);
    }
    assert.deepEqual(mountsUnder(podsDir), []);
    // The volume's own files were removed with the pod; the symlink's target was not touched.
    assert.ok((await stat("/etc/passwd")).isFile());
  });

  test("orphans lists pod directories no active pod owns", async () => {
    await manager.setUp(makePod("uid-a", [{ name: "s", emptyDir: {} }]), cluster);
    await manager.setUp(makePod("uid-b", [{ name: "s", emptyDir: { medium: "Memory" } }]), cluster);
    try {
      assert.deepEqual(await manager.orphans(["uid-a"]), ["uid-b"]);
      assert.deepEqual(await manager.orphans(["uid-a", "uid-b"]), []);
      for (const uid of await manager.orphans([])) await manager.tearDown(uid);
      assert.deepEqual(await manager.orphans([]), []);
      assert.deepEqual(mountsUnder(podsDir), []);
    } finally {
      await manager.tearDown("uid-a");
      await manager.tearDown("uid-b");
    }
    assert.deepEqual(await new VolumeManager({ podsDir: join(root, "never-made") }).orphans([]), []);
  });
});
