/**
 * A real image registry for pull tests: Debian's docker-registry (distribution 2.8) on a free
 * loopback port with filesystem storage in a temporary dir, optionally behind htpasswd basic
 * auth, and skopeo to push the test images into it. Every process and dir is recorded in the
 * caller's Cleanup as soon as it exists; a process-exit hook kills registries a test forgot.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { run } from "../../src/runtime/command.js";
import type { Cleanup } from "./cleanup.js";
import { testImages, testImageSet, type TestImageName } from "./test-images.js";
import { waitFor } from "./wait-for.js";
import { freePort } from "./ports.js";

export const registryBinary = "/usr/bin/docker-registry";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface StartRegistryOptions {
  /** Require basic auth with these credentials. */
  htpasswd?: RegistryCredentials;
}

/** An OCI layout and the ref name of an image in it. */
export interface LayoutImage {
  layout: string;
  tag: string;
}

export interface PushedImage {
  /** Digest of the manifest (or index) the registry stores for the tag. */
  digest: string;
  /** `HOST/NAME:TAG` as a client pulls it. */
  reference: string;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly pid: number;
  /** The registry's storage root (filesystem driver `rootdirectory`). */
  readonly storageDir: string;
  /** The credentials it was started with, if any. */
  readonly credentials: RegistryCredentials | undefined;
  /** What the registry has logged so far (its access log included). */
  logs(): string;
  /**
   * Copies a test image (or any layout image) into the registry, as `ref` (`NAME:TAG`; default
   * the test image's own reference, or the layout tag). Index images are copied whole.
   */
  push(image: TestImageName | LayoutImage, ref?: string): Promise<PushedImage>;
  /** The file holding a blob in the storage dir, to corrupt or delete it. */
  blobPath(digest: string): string;
}

/** Registries not cleaned up yet, for the exit-time safety net. */
const running = new Map<ChildProcess, string>();
process.once("exit", () => {
  for (const [child, dir] of running) {
    try {
      if (child.pid) process.kill(child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

export async function startRegistry(cleanup: Cleanup, options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "peapod-registry-"));
  cleanup.add(`remove registry dir ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const storageDir = join(dir, "storage");
  const logFile = join(dir, "registry.log");
  const logs = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  if (options.htpasswd) {
    const { username, password } = options.htpasswd;
    // The lowest cost bcrypt allows: the registry checks it on every request of a test.
    writeFileSync(join(dir, "htpasswd"), `${username}:${bcrypt.hashSync(password, 4)}\n`);
  }
  // A port free a moment ago may be taken before the registry binds it: try again then.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, "config.yml"), registryConfig(port, storageDir, options.htpasswd ? join(dir, "htpasswd") : undefined));
    const log = openSync(logFile, "a");
    const child = spawn(registryBinary, ["serve", join(dir, "config.yml")], { stdio: ["ignore", log, log] });
    closeSync(log);
    const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
    if (child.pid === undefined) throw new Error(`cannot start ${registryBinary} (apt-get install docker-registry): ${(await spawnError).message}`);
    const pid = child.pid;
    running.set(child, dir);
    cleanup.add(`kill registry pid ${pid}`, () => stopProcess(child).then(() => void running.delete(child)));
    const host = `127.0.0.1:${port}`;
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code, signal) => reject(new Error(`registry exited (${code ?? signal}) while starting`))),
    );
    exited.catch(() => undefined);
    try {
      await Promise.race([
        exited,
        waitFor(
          async () => {
            const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) });
            await res.body?.cancel();
            return res.status === 200 || res.status === 401;
          },
          { what: `registry at ${host} answering /v2/`, timeoutMs: 15_000 },
        ),
      ]);
    } catch (e) {
      await stopProcess(child);
      running.delete(child);
      if (attempt < 3 && /address already in use/.test(logs())) continue;
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nregistry log:\n${logs().split("\n").slice(-20).join("\n")}`);
    }
    const registry: TestRegistry = {
      host,
      pid,
      storageDir,
      credentials: options.htpasswd,
      logs,
      push: (image, ref) => push(registry, image, ref),
      blobPath: (digest) => blobPath(storageDir, digest),
    };
    return registry;
  }
}

function registryConfig(port: number, storageDir: string, htpasswdFile: string | undefined): string {
  // JSON is YAML; it spares us quoting rules.
  return JSON.stringify({
    version: 0.1,
    log: { level: "info", formatter: "text" },
    storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}` },
    ...(htpasswdFile ? { auth: { htpasswd: { realm: "peapod-test", path: htpasswdFile } } } : {}),
  });
}

/** Where distribution's filesystem driver keeps a blob's bytes. */
export function blobPath(storageDir: string, digest: string): string {
  const [algorithm, hex] = digest.split(":");
  if (algorithm !== "sha256" || !hex || !/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a sha256 digest: ${digest}`);
  return join(storageDir, "docker", "registry", "v2", "blobs", "sha256", hex.slice(0, 2), hex, "data");
}

/** `oci:LAYOUT:REF` for a test image name or a layout image. */
async function ociSource(image: TestImageName | LayoutImage): Promise<{ source: string; defaultRef: string }> {
  if (typeof image === "string") {
    const set = await testImageSet();
    return { source: set.ociRef(image), defaultRef: testImages[image] };
  }
  return { source: `oci:${image.layout}:${image.tag}`, defaultRef: image.tag };
}

async function push(registry: TestRegistry, image: TestImageName | LayoutImage, ref?: string): Promise<PushedImage> {
  const { source, defaultRef } = await ociSource(image);
  const reference = `${registry.host}/${ref ?? defaultRef}`;
  const digestDir = mkdtempSync(join(tmpdir(), "peapod-push-"));
  try {
    const digestFile = join(digestDir, "digest");
    const creds = registry.credentials ? ["--dest-creds", `${registry.credentials.username}:${registry.credentials.password}`] : [];
    await run("skopeo", [
      "copy",
      "--insecure-policy",
      "--all",
      // Else skopeo gzips the plain tar layers on the way, and the digests change.
      "--preserve-digests",
      "--dest-tls-verify=false",
      ...creds,
      "--digestfile",
      digestFile,
      source,
      `docker://${reference}`,
    ]);
    return { digest: (await readFile(digestFile, "utf8")).trim(), reference };
  } finally {
    rmSync(digestDir, { recursive: true, force: true });
  }
}

/** Pushes every test image under its own reference. */
export async function pushAll(registry: TestRegistry): Promise<Record<TestImageName, PushedImage>> {
  const names = Object.keys(testImages) as TestImageName[];
  // Built once before the pushes run side by side, so they do not each start a build.
  await testImageSet();
  const pushed = await Promise.all(names.map((name) => registry.push(name)));
  return Object.fromEntries(names.map((name, i) => [name, pushed[i]!])) as Record<TestImageName, PushedImage>;
}

/**
 * Writes a test image as a `docker save` style archive (`docker-archive:FILE:NAME:TAG`). An
 * index contributes the host's platform only: the format has no room for more.
 */
export async function dockerArchive(image: TestImageName, file: string): Promise<void> {
  const set = await testImageSet();
  await run("skopeo", ["copy", "--insecure-policy", set.ociRef(image), `docker-archive:${file}:${testImages[image]}`]);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Its storage is thrown away, so there is nothing to shut down cleanly.
  child.kill("SIGKILL");
  await exited;
}

