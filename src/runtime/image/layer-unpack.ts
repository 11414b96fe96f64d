/**
 * Unpacks one image layer tar into a directory that overlayfs can use as a lower dir, and
 * computes the layer's diffID on the way. A layer comes from a registry, so it is hostile
 * input: nothing in it may create or change anything outside the target directory.
 *
 * Containment does not rely on the kernel walking paths we check first. Every file
 * system object below the target was made by this unpack (the target starts empty), so the
 * unpacker keeps its own table of what each path is and resolves every entry's parent
 * directory in that table, following symlinks planted by the layer the way securejoin and
 * containerd's fs.RootPath do: scoped to the layer root, `..` stopping at the root. The
 * path handed to the kernel therefore has only real directories as parents, and the last
 * component is always created with exclusive, no-follow calls. Entry names whose `..`
 * climbs above the root and hard links to anything this layer did not write are rejected.
 *
 * Whiteouts become overlayfs whiteouts (0:0 character devices), opaque markers the
 * `trusted.overlay.opaque` xattr. Node cannot mknod, so all whiteouts of a layer are hard
 * links to one device made by a single mknod(1) run, and all xattrs are set by a single
 * setfattr(1) run; both happen after the last entry, as do directory times, since writing
 * into a directory changes its mtime.
 *
 * Not created: device nodes and FIFOs (a container gets its /dev from the runtime, and no
 * image needs a FIFO from its layer). Xattrs kept: `user.*` and `security.capability` from
 * PAX `SCHILY.xattr.*` records, when tar-stream decoded their value losslessly (it decodes
 * PAX values as UTF-8, so binary values with bytes >= 0x80 are skipped).
 */
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  linkSync,
  lchownSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable, Transform, pipeline } from "node:stream";
import * as zlib from "node:zlib";
import * as tar from "tar-stream";
import { run } from "../command.js";
import { RuntimeError } from "../errors.js";

export interface UnpackedLayer {
  /** "sha256:<hex>" of the uncompressed tar. */
  diffId: string;
  /** Uncompressed bytes. */
  size: number;
}

const layerMediaTypes = new Set([
  "",
  "application/vnd.oci.image.layer.v1.tar",
  "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd",
  "application/vnd.oci.image.layer.nondistributable.v1.tar",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  "application/vnd.docker.image.rootfs.diff.tar",
  "application/vnd.docker.image.rootfs.diff.tar.gzip",
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
]);

const gzipMagic = Buffer.from([0x1f, 0x8b]);
const zstdMagic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** Thrown for a bad entry; unpackLayer adds the layer's path. */
class LayerError extends Error {}

/** Unpacks one image layer (a tar, gzip'd or not) into targetDir, which must be empty or absent. */
export async function unpackLayer(
  source: NodeJS.ReadableStream | Readable,
  mediaType: string,
  targetDir: string,
): Promise<UnpackedLayer> {
  const root = resolve(targetDir);
  const input = source instanceof Readable ? source : new Readable().wrap(source);
  const fail = (why: string, cause?: unknown): RuntimeError =>
    new RuntimeError("InvalidArgument", `layer ${root}: ${why}`, cause === undefined ? undefined : { cause });
  if (!layerMediaTypes.has(mediaType)) {
    input.destroy();
    throw fail(`media type ${JSON.stringify(mediaType)} is not an image layer`);
  }
  if (mediaType.endsWith("zstd") && !zstdDecompressor()) {
    input.destroy();
    throw fail(zstdUnsupported);
  }
  try {
    prepareTarget(root);
  } catch (e) {
    input.destroy();
    throw fail(e instanceof Error ? e.message : String(e), e);
  }
  try {
    const writer = new LayerWriter(root);
    const result = await extract(input, writer);
    await writer.finish();
    return result;
  } catch (e) {
    input.destroy();
    await rm(root, { recursive: true, force: true });
    if (e instanceof RuntimeError) throw e;
    throw fail(e instanceof Error ? e.message : String(e), e);
  }
}

/** The target must be ours alone: a fresh directory, never an existing tree or a symlink. */
function prepareTarget(root: string): void {
  let isDir: boolean;
  try {
    isDir = lstatSync(root).isDirectory();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    mkdirSync(root, { recursive: true, mode: 0o755 });
    return;
  }
  if (!isDir) throw new Error("target exists and is not a directory");
  if (readdirSync(root).length > 0) throw new Error("target directory is not empty");
}

const zstdUnsupported = `zstd layers are not supported on Node <22 (this is ${process.version})`;

function zstdDecompressor(): (() => Transform) | undefined {
  const z = zlib as unknown as { createZstdDecompress?: () => Transform };
  return typeof z.createZstdDecompress === "function" ? () => z.createZstdDecompress!() : undefined;
}

/** Streams source through the decompressor its magic bytes call for, the hash and the tar parser. */
async function extract(input: Readable, writer: LayerWriter): Promise<UnpackedLayer> {
  const { head, ended } = await readHead(input, 4);
  const body = ended ? Readable.from([head], { objectMode: false }) : input;
  const stages: NodeJS.ReadWriteStream[] = [];
  if (head.subarray(0, 2).equals(gzipMagic)) {
    stages.push(zlib.createGunzip({ chunkSize: 256 * 1024 }));
  } else if (head.subarray(0, 4).equals(zstdMagic)) {
    const create = zstdDecompressor();
    if (!create) throw new LayerError(zstdUnsupported);
    stages.push(create());
  }
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const parser = tar.extract();
  // tar-stream's parser is a streamx stream, which Node's pipeline does not finish
  // reliably; it is fed by pipe and told of upstream failures by hand.
  pipeline([body, ...stages, tap], (err) => {
    if (!err) return;
    const zlibError = (err as NodeJS.ErrnoException).code?.startsWith("Z_") ?? false;
    parser.destroy(zlibError ? new LayerError(`corrupt compressed data: ${err.message}`) : err);
  });
  tap.pipe(parser);
  try {
    for await (const entry of parser) await writer.write(entry);
  } catch (e) {
    body.destroy();
    throw e;
  }
  return { diffId: `sha256:${hash.digest("hex")}`, size };
}

/** Reads the first n bytes to sniff the compression, then puts them back. */
function readHead(input: Readable, n: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    const cleanup = (): void => {
      input.off("readable", onReadable);
      input.off("end", onEnd);
      input.off("error", onError);
    };
    const done = (ended: boolean): void => {
      cleanup();
      const head = Buffer.concat(chunks);
      if (!ended && head.length > 0) input.unshift(head);
      resolvePromise({ head, ended });
    };
    const onReadable = (): void => {
      while (have < n) {
        const c: unknown = input.read();
        if (c === null) return;
        const b = typeof c === "string" ? Buffer.from(c) : (c as Buffer);
        chunks.push(b);
        have += b.length;
      }
      done(false);
    };
    const onEnd = (): void => done(true);
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    input.on("readable", onReadable);
    input.on("end", onEnd);
    input.on("error", onError);
  });
}

type Node =
  /** mtime is unset for directories no entry named, only implied by their children. */
  | { kind: "dir"; opaque: boolean; mtime?: number; xattrs?: Xattr[] }
  | { kind: "file"; xattrs?: Xattr[] }
  | { kind: "symlink"; target: string }
  /** A whiteout not yet made: mknod happens in one batch at the end. */
  | { kind: "whiteout" };

type Xattr = [name: string, value: Buffer];

/** tar-stream hands PAX records over as decoded strings. */
type PaxHeaders = Omit<tar.Header, "pax"> & { pax?: Record<string, string> | null };
type TarEntry = AsyncIterable<unknown> & { header: tar.Header };

const whiteoutPrefix = ".wh.";
const aufsPrefix = ".wh..wh.";
const opaqueMarker = ".wh..wh..opq";
/** Reserved by the whiteout prefix, so no layer entry can have this name. */
const whiteoutTemplate = ".wh..wh..peapod-whiteout";
const maxSymlinkHops = 255;

/**
 * Applies tar entries to the layer directory. Keys are paths relative to the root with no
 * symlink among their parents; "" is the root.
 */
class LayerWriter {
  private readonly nodes = new Map<string, Node>([["", { kind: "dir", opaque: false }]]);
  /** Resolved parent keys by the entry's parent path: the layer's `mkdir -p` cache. */
  private readonly parents = new Map<string, string>();

  constructor(private readonly root: string) {}

  async write(entry: TarEntry): Promise<void> {
    const header = entry.header as PaxHeaders;
    const name = header.name;
    try {
      // Only a file's data is read by apply; anything else an entry carries (a link with a
      // size, say) must still be read, or the parser waits for it forever.
      if (header.type !== "file" && header.type !== "contiguous-file") await drain(entry);
      await this.apply(header, entry);
    } catch (e) {
      const why = e instanceof LayerError ? e.message : `${(e as Error).message}`;
      throw new LayerError(`entry ${JSON.stringify(name)}: ${why}`, { cause: e });
    }
  }

  private async apply(header: PaxHeaders, entry: TarEntry): Promise<void> {
    const parts = cleanName(header.name);
    if (parts.some((p) => p.startsWith(aufsPrefix) && p !== opaqueMarker)) {
      // AUFS metadata (".wh..wh.plnk" and the like), which the OCI spec says to ignore.
      await drain(entry);
      return;
    }
    const base = parts.pop();
    if (base === undefined) {
      // "./" or "/": the layer root itself.
      if (header.type !== "directory") throw new LayerError("only a directory may name the layer root");
      this.updateDir("", header);
      return;
    }
    if (parts.some((p) => p.startsWith(whiteoutPrefix))) throw new LayerError("a whiteout name is used as a directory");
    const parent = this.resolveDir(parts, true)!;
    const key = parent === "" ? base : `${parent}/${base}`;

    if (base.startsWith(whiteoutPrefix)) {
      await drain(entry);
      if (base === opaqueMarker) {
        const dir = this.nodes.get(parent);
        if (dir?.kind === "dir") dir.opaque = true;
      } else {
        const hidden = base.slice(whiteoutPrefix.length);
        if (hidden === "" || hidden === "." || hidden === "..") throw new LayerError("whiteout names nothing");
        const hiddenKey = parent === "" ? hidden : `${parent}/${hidden}`;
        // A whiteout hides the layers below only: what this layer itself wrote stays.
        if (!this.nodes.has(hiddenKey)) this.nodes.set(hiddenKey, { kind: "whiteout" });
      }
      return;
    }

    switch (header.type) {
      case "directory":
        this.updateDir(key, header);
        return;
      case "file":
      case "contiguous-file":
        this.replace(key);
        await this.writeFile(key, header, entry);
        return;
      case "symlink": {
        const target = header.linkname ?? "";
        if (target === "") throw new LayerError("symlink has no target");
        this.replace(key);
        const path = this.abs(key);
        symlinkSync(target, path);
        lchownSync(path, ownerOf(header, "uid"), ownerOf(header, "gid"));
        const t = mtimeOf(header);
        lutimesSync(path, t, t);
        this.nodes.set(key, { kind: "symlink", target });
        return;
      }
      case "link":
        this.hardlink(key, header.linkname ?? "");
        return;
      case "character-device":
      case "block-device":
      case "fifo":
        // Not created; see the module comment.
        return;
      default:
        // Dropping an entry silently would leave a broken image (GNU sparse files land here).
        throw new LayerError(`unsupported tar entry type ${header.type ?? "(unknown)"}`);
    }
  }

  private async writeFile(key: string, header: PaxHeaders, entry: TarEntry): Promise<void> {
    const fd = openSync(
      this.abs(key),
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    this.nodes.set(key, { kind: "file", ...xattrsOf(header) });
    try {
      for await (const chunk of entry) {
        const b = chunk as Buffer;
        let off = 0;
        while (off < b.length) off += writeSync(fd, b, off, b.length - off);
      }
      // chown clears setuid and setgid, so the mode comes after it.
      fchownSync(fd, ownerOf(header, "uid"), ownerOf(header, "gid"));
      fchmodSync(fd, modeOf(header));
      const t = mtimeOf(header);
      futimesSync(fd, t, t);
    } finally {
      closeSync(fd);
    }
  }

  private updateDir(key: string, header: PaxHeaders): void {
    const existing = this.nodes.get(key);
    let dir: Extract<Node, { kind: "dir" }>;
    if (existing?.kind === "dir") {
      dir = existing;
    } else {
      // A directory over a whiteout of the same layer replaces what was below: opaque.
      const opaque = existing?.kind === "whiteout";
      this.replace(key);
      mkdirSync(this.abs(key), 0o700);
      dir = { kind: "dir", opaque };
      this.nodes.set(key, dir);
    }
    const path = this.abs(key);
    lchownSync(path, ownerOf(header, "uid"), ownerOf(header, "gid"));
    chmodSync(path, modeOf(header));
    dir.mtime = mtimeOf(header);
    const x = xattrsOf(header);
    if (x.xattrs) dir.xattrs = x.xattrs;
  }

  private hardlink(key: string, linkname: string): void {
    const parts = cleanName(linkname);
    const base = parts.pop();
    const parent = base === undefined ? undefined : this.resolveDir(parts, false);
    const targetKey = parent === undefined ? undefined : parent === "" ? base! : `${parent}/${base}`;
    const target = targetKey === undefined ? undefined : this.nodes.get(targetKey);
    if (target?.kind !== "file" && target?.kind !== "symlink") {
      throw new LayerError(`hard link target ${JSON.stringify(linkname)} is not a file written earlier in this layer`);
    }
    if (targetKey === key) return;
    this.replace(key);
    // link(2) never follows a symlink target on Linux: this links the symlink itself.
    linkSync(this.abs(targetKey!), this.abs(key));
    this.nodes.set(key, target.kind === "symlink" ? { kind: "symlink", target: target.target } : { kind: "file" });
  }

  /** Removes what an earlier entry put at key, so a later entry with the same path wins. */
  private replace(key: string): void {
    const existing = this.nodes.get(key);
    if (existing === undefined) return;
    this.nodes.delete(key);
    if (existing.kind === "whiteout") return;
    if (existing.kind === "dir") {
      rmSync(this.abs(key), { recursive: true });
      const prefix = `${key}/`;
      for (const k of this.nodes.keys()) if (k.startsWith(prefix)) this.nodes.delete(k);
    } else {
      unlinkSync(this.abs(key));
    }
    // Cached parent resolutions may run through what was removed.
    if (existing.kind !== "file") this.parents.clear();
  }

  /**
   * The key of the real directory that parts name, following the layer's own symlinks
   * scoped to the root. With create, missing directories are made (0755, root-owned, as
   * other runtimes do); without, a missing one gives undefined.
   */
  private resolveDir(parts: string[], create: boolean): string | undefined {
    const raw = parts.join("/");
    const cached = this.parents.get(raw);
    if (cached !== undefined) return cached;
    const stack: string[] = [];
    const work = [...parts];
    let hops = 0;
    let key = "";
    while (work.length > 0) {
      const c = work.shift()!;
      if (c === "" || c === ".") continue;
      if (c === "..") {
        stack.pop();
        key = stack.join("/");
        continue;
      }
      const next = key === "" ? c : `${key}/${c}`;
      const node = this.nodes.get(next);
      if (node?.kind === "symlink") {
        if (++hops > maxSymlinkHops) throw new LayerError("too many levels of symbolic links");
        if (node.target.startsWith("/")) {
          stack.length = 0;
          key = "";
        }
        work.unshift(...node.target.split("/"));
        continue;
      }
      if (node === undefined || node.kind === "whiteout") {
        if (!create) return undefined;
        mkdirSync(this.abs(next), 0o755);
        chmodSync(this.abs(next), 0o755);
        this.nodes.set(next, { kind: "dir", opaque: node !== undefined });
      } else if (node.kind !== "dir") {
        throw new LayerError(`${JSON.stringify(next)} is not a directory`);
      }
      stack.push(c);
      key = next;
    }
    if (create) this.parents.set(raw, key);
    return key;
  }

  private abs(key: string): string {
    return key === "" ? this.root : `${this.root}/${key}`;
  }

  /** Whiteouts, xattrs, then directory times: the steps that must follow the last entry. */
  async finish(): Promise<void> {
    const whiteouts: string[] = [];
    const restore: string[] = [];
    const dirTimes: [string, number][] = [];
    for (const [key, node] of this.nodes) {
      if (node.kind === "whiteout") whiteouts.push(key);
      if (node.kind === "dir" || node.kind === "file") {
        const attrs: Xattr[] = [...(node.xattrs ?? [])];
        if (node.kind === "dir" && node.opaque) attrs.push(["trusted.overlay.opaque", Buffer.from("y")]);
        if (attrs.length > 0) {
          restore.push(`# file: ${quote(this.abs(key))}`);
          for (const [n, v] of attrs) restore.push(`${quote(n)}=0x${v.toString("hex")}`);
          restore.push("");
        }
      }
      if (node.kind === "dir" && node.mtime !== undefined) dirTimes.push([key, node.mtime]);
    }
    if (whiteouts.length > 0) {
      const template = join(this.root, whiteoutTemplate);
      const mknod = (): Promise<unknown> => run("mknod", ["-m", "000", template, "c", "0", "0"]);
      await mknod();
      try {
        for (const key of whiteouts) {
          try {
            linkSync(template, this.abs(key));
          } catch (e) {
            // The file system's hard link limit (65000 on ext4): start a fresh device.
            if ((e as NodeJS.ErrnoException).code !== "EMLINK") throw e;
            unlinkSync(template);
            await mknod();
            linkSync(template, this.abs(key));
          }
        }
      } finally {
        unlinkSync(template);
      }
    }
    if (restore.length > 0) await run("setfattr", ["-h", `--restore=-`], { input: restore.join("\n") + "\n" });
    // Children before parents, so setting a child's time cannot disturb its parent's.
    dirTimes.sort((a, b) => depth(b[0]) - depth(a[0]));
    for (const [key, t] of dirTimes) lutimesSync(this.abs(key), t, t);
  }
}

/**
 * The components of an entry name relative to the layer root: leading slashes dropped (an
 * absolute name is relative to the root), "." dropped, ".." applied lexically. A name whose
 * ".." climbs above the root is hostile and rejected, as Docker and containerd do.
 */
function cleanName(name: string): string[] {
  const out: string[] = [];
  for (const p of name.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (out.length === 0) throw new LayerError("path climbs out of the layer root");
      out.pop();
    } else {
      out.push(p);
    }
  }
  return out;
}

function depth(key: string): number {
  let n = 0;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 0x2f) n++;
  return key === "" ? -1 : n;
}

function ownerOf(header: PaxHeaders, field: "uid" | "gid"): number {
  const pax = header.pax?.[field];
  const id = pax !== undefined ? Number.parseInt(pax, 10) : header[field];
  return id !== undefined && Number.isSafeInteger(id) && id >= 0 ? id : 0;
}

function modeOf(header: PaxHeaders): number {
  return (header.mode ?? 0o644) & 0o7777;
}

/** Seconds since the epoch; PAX keeps sub-second precision the ustar field cannot. */
function mtimeOf(header: PaxHeaders): number {
  const pax = header.pax?.mtime;
  if (pax !== undefined) {
    const t = Number.parseFloat(pax);
    if (Number.isFinite(t)) return t;
  }
  return header.mtime ? header.mtime.getTime() / 1000 : 0;
}

function xattrsOf(header: PaxHeaders): { xattrs?: Xattr[] } {
  const pax = header.pax;
  if (!pax) return {};
  const out: Xattr[] = [];
  for (const [k, v] of Object.entries(pax)) {
    if (!k.startsWith("SCHILY.xattr.")) continue;
    const name = k.slice("SCHILY.xattr.".length);
    // Only attributes an image may carry; trusted.* (overlayfs' own) must never come from a layer.
    if (name !== "security.capability" && !name.startsWith("user.")) continue;
    if (v.includes("\uFFFD")) continue;
    out.push([name, Buffer.from(v, "utf8")]);
  }
  return out.length > 0 ? { xattrs: out } : {};
}

/** setfattr --restore's quoting: octal escapes for anything but printable ASCII. */
function quote(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    out += byte > 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x3d
      ? String.fromCharCode(byte)
      : `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return out;
}

async function drain(entry: TarEntry): Promise<void> {
  if (entry.header.size === 0 || entry.header.type === "directory") return;
  for await (const _ of entry) void _;
}
