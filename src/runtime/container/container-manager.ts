/**
 * Containers on conmon + runc, with the CRI's lifecycle: create (rootfs, spec, `runc create`
 * under conmon), start, stop (stop signal, grace period, SIGKILL), remove, status, list,
 * exec. Each container's record lives in <containers>/<id>/meta.json, written atomically at
 * every transition, so a new process adopts what an old one made: it reads the records,
 * reconciles them with exit files and `runc state`, and neither restarts nor duplicates
 * anything. Exits arrive as events from conmon's exit files.
 */
import { randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { KeyedMutex, systemClock, writeFileAtomically } from "../../base/index.js";
import { RuntimeError, notFound } from "../errors.js";
import { mountOverlay } from "../image/overlay.js";
import type { RuntimeLayout } from "../layout.js";
import { mountsUnder, unmountAll } from "../mount.js";
import type {
  AttachOptions,
  AttachSession,
  ContainerConfig,
  ContainerEvent,
  ContainerEventType,
  ContainerFilter,
  ContainerStatus,
  ExecOptions,
  ExecSession,
  ExecSyncResult,
  ImageRuntimeConfig,
} from "../runtime.js";
import type { SandboxContext } from "../sandbox-context.js";
import { detectCgroups, oomKillCount, removeCgroup, type CgroupHost } from "./cgroups.js";
import { attachThroughConmon } from "./attach.js";
import { createWithConmon } from "./conmon.js";
import { reopenConmonLog } from "./conmon-control.js";
import { execSync, startExec, type ExecTarget } from "./exec.js";
import { ExitWatcher, readExitFile, type ContainerExit } from "./exit-watcher.js";
import { readHostFacts } from "./host-facts.js";
import { resolveImageUser } from "./image-user.js";
import { buildSpec, processArgs, type HostFacts } from "./oci-spec.js";
import { Runc } from "./runc.js";

export interface ContainerImage {
  /** The config digest. */
  id: string;
  reference: string;
  config: ImageRuntimeConfig;
  /** Unpacked layer directories, base first. */
  layerDirs: string[];
}

export interface ContainerManagerOptions {
  layout: RuntimeLayout;
  /** Default: runc on PATH. */
  runcPath?: string;
  /** Default: conmon on PATH. */
  conmonPath?: string;
}

/** What meta.json holds: everything status() reports, plus what teardown needs. */
interface ContainerRecord extends Omit<ContainerStatus, "pid"> {
  /** Host pid of the container's init process once runc has created it. */
  initPid: number;
  stopSignal: string;
  cgroupsPath: string;
  /** False until conmon has reported the container: adoption removes such leftovers. */
  complete: boolean;
}

const idPattern = /^[0-9a-f]{64}$/;
/** How long to wait for an exit after SIGKILL before asking runc directly. */
const killWaitMs = 10_000;

export function findExecutable(name: string): string {
  if (name.includes("/")) return name;
  for (const dir of (process.env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new RuntimeError("Internal", `${name} not found on PATH`);
}

function conmonAlive(dir: string, id: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dir, "conmon.pid"), "utf8").trim(), 10);
    if (!(pid > 1)) return undefined;
    // The pid may have been reused since: it is our conmon only if its command line says so.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("conmon") && cmdline.includes(id) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function readRecord(dir: string): Promise<ContainerRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as ContainerRecord;
  } catch {
    return undefined;
  }
}

function matches(r: ContainerRecord, f: ContainerFilter | undefined): boolean {
  if (!f) return true;
  if (f.id && r.id !== f.id && !r.id.startsWith(f.id)) return false;
  if (f.sandboxId && r.sandboxId !== f.sandboxId) return false;
  if (f.state && r.state !== f.state) return false;
  for (const [k, v] of Object.entries(f.labelSelector ?? {})) if (r.labels[k] !== v) return false;
  return true;
}

interface ExitWaiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class ContainerManager {
  private readonly records = new Map<string, ContainerRecord>();
  private readonly mutex = new KeyedMutex();
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private readonly exitWaiters = new Map<string, Set<ExitWaiter>>();
  /** cgroupsPaths that runc is creating right now: their parents must not be pruned. */
  private readonly cgroupsInCreation = new Set<string>();
  private readonly watcher: ExitWatcher;
  private readonly hostFacts: HostFacts;
  private closed = false;

  private constructor(
    private readonly layout: RuntimeLayout,
    private readonly runc: Runc,
    private readonly conmonPath: string,
    private readonly cgroups: CgroupHost,
  ) {
    this.hostFacts = readHostFacts(cgroups.swapLimit);
    this.watcher = new ExitWatcher(layout.exits, (exit) => void this.recordExit(exit).catch(() => {}));
  }

  static async open(o: ContainerManagerOptions): Promise<ContainerManager> {
    const { layout } = o;
    for (const dir of [layout.containers, layout.exits, layout.conmonSockets, layout.runcRoot]) {
      await mkdir(dir, { recursive: true });
    }
    const runc = new Runc(findExecutable(o.runcPath ?? "runc"), layout.runcRoot);
    const m = new ContainerManager(layout, runc, findExecutable(o.conmonPath ?? "conmon"), detectCgroups());
    await m.adopt();
    return m;
  }

  // -------------------------------------------------------------------------------------------
  // Adoption

  private async adopt(): Promise<void> {
    for (const name of await readdir(this.layout.containers)) {
      const dir = join(this.layout.containers, name);
      const record = await readRecord(dir);
      if (record?.complete && record.id === name) this.records.set(name, record);
      else await this.destroy(name, record?.cgroupsPath);
    }
    // Watch before scanning, so an exit between the two is seen at least once.
    const pastExits = await this.watcher.start();
    for (const exit of pastExits) await this.recordExit(exit);
    for (const r of [...this.records.values()]) {
      if (r.state === "CONTAINER_CREATED" || r.state === "CONTAINER_RUNNING") await this.reconcile(r.id);
    }
  }

  /** Brings a record that claims to be alive in line with what runc says. */
  private async reconcile(id: string): Promise<void> {
    await this.mutex.run(id, async () => {
      const r = this.records.get(id);
      if (!r || r.state === "CONTAINER_EXITED") return;
      const exit = await readExitFile(this.layout.exits, id);
      if (exit) {
        await this.applyExit(r, exit);
        return;
      }
      const state = await this.runc.state(id);
      if (state?.status === "running" || state?.status === "paused") {
        if (r.state !== "CONTAINER_RUNNING") {
          // We died between `runc start` and writing the record.
          await this.commit(
            { ...r, state: "CONTAINER_RUNNING", startedAt: r.startedAt || Date.now(), initPid: state.pid },
            "CONTAINER_STARTED_EVENT",
          );
        }
        return;
      }
      if (state?.status === "created") return;
      // Stopped, but conmon may still be writing the exit file: the watcher will see it.
      if (conmonAlive(this.dir(id), id)) return;
      await this.applyExit(r, { id, exitCode: 255, finishedAt: Date.now() }, "conmon is gone and left no exit status");
    });
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  async create(sandbox: SandboxContext, config: ContainerConfig, image: ContainerImage): Promise<string> {
    this.assertOpen();
    processArgs(config, image.config); // fail on a bad config before touching the disk
    if (image.layerDirs.length === 0) throw new RuntimeError("InvalidArgument", `image ${image.reference} has no layers`);
    const id = randomBytes(32).toString("hex");
    const dir = this.dir(id);
    const rootfs = join(dir, "rootfs");
    const logPath = config.logPath ? join(sandbox.logDirectory, config.logPath) : "";
    const r: ContainerRecord = {
      id,
      sandboxId: sandbox.id,
      metadata: { ...config.metadata },
      image: image.reference,
      imageRef: image.id,
      labels: { ...config.labels },
      annotations: { ...config.annotations },
      logPath,
      state: "CONTAINER_CREATED",
      createdAt: Date.now(),
      startedAt: 0,
      finishedAt: 0,
      exitCode: 0,
      reason: "",
      message: "",
      initPid: 0,
      stopSignal: image.config.StopSignal || "SIGTERM",
      cgroupsPath: `${sandbox.cgroupParent.replace(/\/+$/, "")}/${id}`,
      complete: false,
    };
    await mkdir(dir, { recursive: true });
    try {
      await this.persist(r);
      await Promise.all(["rootfs", "upper", "work"].map((d) => mkdir(join(dir, d))));
      await mountOverlay({ lowerDirs: image.layerDirs, upperDir: join(dir, "upper"), workDir: join(dir, "work"), target: rootfs });
      const sc = config.securityContext ?? {};
      const user = await resolveImageUser(rootfs, {
        ...(sc.runAsUser !== undefined ? { runAsUser: sc.runAsUser } : {}),
        ...(sc.runAsUsername ? { runAsUsername: sc.runAsUsername } : {}),
        ...(sc.runAsGroup !== undefined ? { runAsGroup: sc.runAsGroup } : {}),
        ...(sc.supplementalGroups ? { supplementalGroups: sc.supplementalGroups } : {}),
        ...(image.config.User ? { imageUser: image.config.User } : {}),
      });
      const spec = buildSpec({ id, config, image: image.config, imageName: image.reference, sandbox, user, host: this.hostFacts });
      await writeFile(join(dir, "config.json"), JSON.stringify(spec));
      // As containerd does: a missing host path becomes an empty directory, not a failure.
      for (const m of config.mounts) if (!existsSync(m.hostPath)) await mkdir(m.hostPath, { recursive: true });
      const conmonLog = this.conmonLogPath(logPath, dir);
      await mkdir(dirname(conmonLog), { recursive: true });
      this.cgroupsInCreation.add(r.cgroupsPath);
      r.initPid = await createWithConmon({
        conmonPath: this.conmonPath,
        runcPath: this.runc.binary,
        runcRoot: this.runc.root,
        id,
        name: `${config.metadata.name}_${sandbox.id.slice(0, 12)}`,
        bundle: dir,
        logPath: conmonLog,
        exitDir: this.layout.exits,
        socketDir: this.layout.conmonSockets,
        terminal: config.tty,
        stdin: config.stdin,
        stdinOnce: config.stdinOnce,
      }).finally(() => this.cgroupsInCreation.delete(r.cgroupsPath));
      await this.commit({ ...r, complete: true }, "CONTAINER_CREATED_EVENT");
    } catch (e) {
      await this.destroy(id, r.cgroupsPath).catch(() => {});
      throw e;
    }
    return id;
  }

  async start(id: string): Promise<void> {
    this.assertOpen();
    await this.mutex.run(id, async () => {
      const r = this.get(id);
      if (r.state !== "CONTAINER_CREATED") {
        throw new RuntimeError("FailedPrecondition", `container ${id} is ${r.state}, not CONTAINER_CREATED`);
      }
      // Taken before `runc start`: a process that exits at once may be done before it returns.
      const startedAt = Date.now();
      await this.runc.start(id);
      await this.commit({ ...r, state: "CONTAINER_RUNNING", startedAt }, "CONTAINER_STARTED_EVENT");
    });
  }

  /**
   * The image's stop signal (or SIGTERM), up to timeoutSeconds for the container to exit,
   * then SIGKILL to all its processes. Returns once the exit is recorded.
   */
  async stop(id: string, timeoutSeconds: number): Promise<void> {
    this.assertOpen();
    const r = this.get(id);
    if (r.state === "CONTAINER_EXITED") return;
    const exited = this.waitForExit(id);
    if (timeoutSeconds > 0 && r.state === "CONTAINER_RUNNING") {
      await this.runc.kill(id, r.stopSignal);
      const grace = new AbortController();
      await Promise.race([exited.catch(() => {}), systemClock.sleep(timeoutSeconds * 1000, grace.signal).catch(() => {})]);
      grace.abort();
    }
    if (this.records.get(id)?.state !== "CONTAINER_EXITED") {
      await this.runc.kill(id, "SIGKILL", { all: true });
      const timer = new AbortController();
      const inTime = await Promise.race([
        exited.then(() => true),
        systemClock.sleep(killWaitMs, timer.signal).then(() => false, () => true),
      ]);
      timer.abort();
      if (!inTime) {
        // conmon died with the container unreported: take runc's word for it.
        await this.reconcile(id);
        if (this.records.get(id)?.state !== "CONTAINER_EXITED") {
          throw new RuntimeError("Internal", `container ${id} did not exit after SIGKILL`);
        }
      }
    }
    await exited;
  }

  /** Stops the container if needed, then deletes its runc state, mounts, cgroup and files. */
  async remove(id: string): Promise<void> {
    this.assertOpen();
    const r = this.records.get(id);
    if (!r) return;
    if (r.state !== "CONTAINER_EXITED") await this.stop(id, 0);
    await this.mutex.run(id, async () => {
      const current = this.records.get(id);
      if (!current) return;
      await this.destroy(id, current.cgroupsPath);
      this.records.delete(id);
      this.emit("CONTAINER_DELETED_EVENT", current);
    });
  }

  async status(id: string): Promise<ContainerStatus> {
    return this.toStatus(this.get(id));
  }

  async list(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    return [...this.records.values()].filter((r) => matches(r, filter)).map((r) => this.toStatus(r));
  }

  onEvent(listener: (e: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async exec(id: string, o: ExecOptions): Promise<ExecSession> {
    return startExec(this.execTarget(id), o);
  }

  async attach(id: string, o: AttachOptions): Promise<AttachSession> {
    return attachThroughConmon(this.execTarget(id).stateDir, o);
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return execSync(this.execTarget(id), cmd, timeoutSeconds);
  }

  /** CRI ReopenContainerLog: conmon starts a new log file at the log path (after a rotation). */
  async reopenLog(id: string): Promise<void> {
    const { stateDir } = this.execTarget(id);
    await reopenConmonLog(stateDir, this.conmonLogPath(this.get(id).logPath, stateDir));
  }

  imagesInUse(): Set<string> {
    return new Set([...this.records.values()].map((r) => r.imageRef));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher.close();
    for (const waiters of this.exitWaiters.values()) {
      for (const w of waiters) w.reject(new RuntimeError("FailedPrecondition", "container manager closed"));
    }
    this.exitWaiters.clear();
    this.listeners.clear();
  }

  // -------------------------------------------------------------------------------------------
  // Exits

  private async recordExit(exit: ContainerExit): Promise<void> {
    await this.mutex.run(exit.id, async () => {
      const r = this.records.get(exit.id);
      if (r && r.state !== "CONTAINER_EXITED") await this.applyExit(r, exit);
    });
  }

  /** Call with the container's mutex held. */
  private async applyExit(r: ContainerRecord, exit: ContainerExit, message = ""): Promise<void> {
    // conmon leaves an "oom" file in the bundle; the cgroup's counter covers a missed event.
    // Both are read before `runc delete` removes the cgroup.
    const oom = existsSync(join(this.dir(r.id), "oom")) || oomKillCount(this.cgroups, r.cgroupsPath) > 0;
    await this.commit(
      {
        ...r,
        state: "CONTAINER_EXITED",
        exitCode: exit.exitCode,
        // The exit file's mtime and our clock read differ in resolution; never finish before starting.
        finishedAt: Math.max(exit.finishedAt, r.startedAt),
        reason: oom ? "OOMKilled" : exit.exitCode === 0 ? "Completed" : "Error",
        message,
      },
      "CONTAINER_STOPPED_EVENT",
    );
    const waiters = this.exitWaiters.get(r.id);
    this.exitWaiters.delete(r.id);
    for (const w of waiters ?? []) w.resolve();
  }

  private waitForExit(id: string): Promise<void> {
    if (this.records.get(id)?.state === "CONTAINER_EXITED") return Promise.resolve();
    return new Promise((resolve, reject) => {
      let set = this.exitWaiters.get(id);
      if (!set) this.exitWaiters.set(id, (set = new Set()));
      set.add({ resolve, reject });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  private dir(id: string): string {
    return join(this.layout.containers, id);
  }

  private get(id: string): ContainerRecord {
    const r = this.records.get(id);
    if (!r) throw notFound(`container ${id}`);
    return r;
  }

  /** Where conmon writes the container's output: its CRI log, or a console.log in the bundle. */
  private conmonLogPath(logPath: string, dir: string): string {
    return logPath || join(dir, "console.log");
  }

  private assertOpen(): void {
    if (this.closed) throw new RuntimeError("FailedPrecondition", "container manager closed");
  }

  private execTarget(id: string): ExecTarget {
    this.assertOpen();
    const r = this.get(id);
    if (r.state !== "CONTAINER_RUNNING") {
      throw new RuntimeError("FailedPrecondition", `container ${id} is ${r.state}, not CONTAINER_RUNNING`);
    }
    return { runc: this.runc, containerId: id, stateDir: this.dir(id) };
  }

  /**
   * A transition: the record is on disk before anyone can see it, and readers see it
   * before its event fires, so a listener's status() call agrees with the event.
   */
  private async commit(r: ContainerRecord, event: ContainerEventType): Promise<void> {
    await this.persist(r);
    this.records.set(r.id, r);
    this.emit(event, r);
  }

  private persist(r: ContainerRecord): Promise<void> {
    // Not flushed: after a power loss the container is gone whatever its record says, and
    // adoption reconciles records with runc and conmon anyway (atomic-file.ts).
    return writeFileAtomically(join(this.dir(r.id), "meta.json"), JSON.stringify(r), { durable: false });
  }

  private emit(type: ContainerEventType, r: ContainerRecord): void {
    const event: ContainerEvent = { type, containerId: r.id, sandboxId: r.sandboxId, at: Date.now() };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  private toStatus(r: ContainerRecord): ContainerStatus {
    return {
      id: r.id,
      sandboxId: r.sandboxId,
      metadata: { ...r.metadata },
      state: r.state,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      exitCode: r.exitCode,
      reason: r.reason,
      message: r.message,
      image: r.image,
      imageRef: r.imageRef,
      labels: { ...r.labels },
      annotations: { ...r.annotations },
      logPath: r.logPath,
      pid: r.state === "CONTAINER_RUNNING" ? r.initPid : 0,
    };
  }

  private async destroy(id: string, cgroupsPath: string | undefined): Promise<void> {
    const busy = (parent: string): boolean => [...this.cgroupsInCreation].some((p) => p.startsWith(`${parent}/`));
    await destroyContainer(this.layout, this.runc, this.cgroups, id, cgroupsPath, busy);
  }
}

/**
 * Removes every trace of one container: runc's state (killing what still runs), its
 * conmon, the rootfs mount, the cgroup and its empty parents, the exit file and the
 * directory. Safe to repeat and to run on a half-created container.
 */
async function destroyContainer(
  layout: RuntimeLayout,
  runc: Runc,
  cgroups: CgroupHost,
  id: string,
  cgroupsPath: string | undefined,
  cgroupBusy?: (parent: string) => boolean,
): Promise<void> {
  const dir = join(layout.containers, id);
  await runc.delete(id, { force: true });
  const conmon = conmonAlive(dir, id);
  if (conmon) {
    try {
      process.kill(conmon, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  await unmountAll(dir);
  if (mountsUnder(dir).length > 0) throw new RuntimeError("Internal", `container ${id}: ${dir} is still mounted`);
  if (cgroupsPath) removeCgroup(cgroups, cgroupsPath, cgroupBusy);
  await rm(join(layout.exits, id), { force: true });
  await rm(join(layout.conmonSockets, id), { force: true, recursive: true });
  await rm(dir, { recursive: true, force: true });
}

/**
 * For `peapod reset`: kills and deletes every container of this runtime root, from what is
 * on disk alone (runc's state under --root and the container directories), so it works
 * with no ContainerManager running and after a crash.
 */
export async function resetContainers(layout: RuntimeLayout, runcPath?: string): Promise<void> {
  const runc = new Runc(findExecutable(runcPath ?? "runc"), layout.runcRoot);
  const cgroups = detectCgroups();
  const ids = new Set<string>();
  if (existsSync(layout.runcRoot)) for (const s of await runc.list()) ids.add(s.id);
  const cgroupPaths = new Map<string, string>();
  if (existsSync(layout.containers)) {
    for (const name of await readdir(layout.containers)) {
      ids.add(name);
      const record = await readRecord(join(layout.containers, name));
      if (record?.cgroupsPath) cgroupPaths.set(name, record.cgroupsPath);
    }
  }
  for (const id of ids) {
    await runc.kill(id, "SIGKILL", { all: true }).catch(() => {});
    await destroyContainer(layout, runc, cgroups, id, cgroupPaths.get(id));
  }
  if (existsSync(layout.exits)) for (const name of await readdir(layout.exits)) if (idPattern.test(name)) await rm(join(layout.exits, name), { force: true });
}
