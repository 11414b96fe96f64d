/**
 * `peapod image pull|ls|rm|inspect|import|prune`: the image store of a data dir, for
 * machines where images are prepared ahead of pods (or have no registry at all). The
 * output follows crictl's, which is what Kubernetes node operators already read.
 */
import { resolve } from "node:path";
import {
  ImageStore, LocalRuntime, runtimeLayout, type Image, type ImageService, type LayerProgress, type RegistryAuth,
} from "../runtime/index.js";
import { parseCommandLine, usage, UsageError, type FlagSpec } from "./flags.js";
import { defaultDataDir, runtimeRootOf } from "./data-dir.js";

const commonFlags: FlagSpec[] = [
  { name: "data-dir", kind: "string", help: "the data directory whose images to use", default: defaultDataDir },
  { name: "help", kind: "boolean", help: "show this help" },
];

const pullFlags: FlagSpec[] = [
  { name: "username", kind: "string", help: "registry user name (basic auth)" },
  { name: "password", kind: "string", help: "registry password (basic auth)" },
  ...commonFlags,
];

interface Subcommand {
  summary: string;
  args: string;
  flags: FlagSpec[];
  run(images: () => Promise<ImageService>, positional: string[], flags: Map<string, string | boolean>, dataDir: string): Promise<number>;
}

const subcommands: Record<string, Subcommand> = {
  pull: {
    summary: "pull an image from a registry",
    args: "REFERENCE",
    flags: pullFlags,
    async run(images, positional, flags) {
      const ref = one(positional, "an image reference");
      const auth: RegistryAuth = {};
      if (flags.get("username")) auth.username = String(flags.get("username"));
      if (flags.get("password")) auth.password = String(flags.get("password"));
      const progress = process.stdout.isTTY ? new ProgressBars(process.stdout) : undefined;
      const image = await (await images()).pullImage(ref, {
        ...(auth.username ? { auth } : {}),
        ...(progress ? { onProgress: (layers: readonly LayerProgress[]) => progress.draw(layers) } : {}),
      });
      progress?.finish();
      process.stdout.write(`Image is up to date for ${image.id}\n`);
      return 0;
    },
  },
  ls: {
    summary: "list stored images",
    args: "",
    flags: commonFlags,
    async run(images, positional) {
      none(positional);
      process.stdout.write(imageTable(await (await images()).listImages()));
      return 0;
    },
  },
  rm: {
    summary: "remove images by reference or id (content goes at the next prune)",
    args: "REFERENCE...",
    flags: commonFlags,
    async run(images, positional) {
      if (positional.length === 0) throw new UsageError("give at least one image reference or id");
      const store = await images();
      let failed = 0;
      for (const ref of positional) {
        const found = await store.imageStatus(ref);
        if (!found) {
          process.stderr.write(`no such image: ${ref}\n`);
          failed++;
          continue;
        }
        await store.removeImage(ref);
        process.stdout.write(`Deleted: ${ref}\n`);
      }
      return failed ? 1 : 0;
    },
  },
  inspect: {
    summary: "print an image's details as JSON",
    args: "REFERENCE",
    flags: commonFlags,
    async run(images, positional) {
      const ref = one(positional, "an image reference or id");
      const image = await (await images()).imageStatus(ref);
      if (!image) {
        process.stderr.write(`no such image: ${ref}\n`);
        return 1;
      }
      process.stdout.write(`${JSON.stringify(image, null, 2)}\n`);
      return 0;
    },
  },
  import: {
    summary: "load images from a `docker save` tarball or an OCI archive",
    args: "FILE",
    flags: commonFlags,
    async run(images, positional) {
      const file = resolve(one(positional, "an archive file"));
      const loaded = await (await images()).importImages(file);
      for (const image of loaded) {
        for (const tag of image.repoTags.length ? image.repoTags : [image.id]) process.stdout.write(`Loaded image: ${tag}\n`);
      }
      return 0;
    },
  },
  prune: {
    summary: "remove blobs and layers no image or container uses",
    args: "",
    flags: commonFlags,
    async run(_images, positional, _flags, dataDir) {
      none(positional);
      // Containers pin their images, so GC runs with the whole runtime's view of them.
      const runtime = await LocalRuntime.open({ root: runtimeRootOf(dataDir) });
      try {
        const r = await runtime.images.garbageCollect();
        process.stdout.write(`Removed ${r.removedBlobs} blobs and ${r.removedLayers} layers, freed ${humanSize(r.freedBytes)}\n`);
      } finally {
        await runtime.close();
      }
      return 0;
    },
  },
};

export const imageCommand = {
  summary: "manage images: pull, ls, rm, inspect, import, prune",
  async run(args: string[]): Promise<number> {
    const [name, ...rest] = args;
    const sub = name ? subcommands[name] : undefined;
    if (!sub) {
      const rows = Object.entries(subcommands).map(([n, s]) => `  ${n.padEnd(10)} ${s.summary}`);
      const text = `Usage: peapod image <command> [flags]\n\nCommands:\n${rows.join("\n")}\n`;
      if (!name || name === "--help" || name === "-h") {
        process.stdout.write(text);
        return name ? 0 : 2;
      }
      throw new UsageError(`unknown image command ${JSON.stringify(name)}\n\n${text}`);
    }
    const { flags, positional } = parseCommandLine(rest, sub.flags);
    if (flags.get("help")) {
      process.stdout.write(usage(`image ${name} ${sub.args}`.trimEnd(), sub.summary, sub.flags));
      return 0;
    }
    const dataDir = resolve(String(flags.get("data-dir")));
    const images = () => ImageStore.open({ layout: runtimeLayout(runtimeRootOf(dataDir)) });
    return sub.run(images, positional, flags, dataDir);
  },
};

function one(positional: string[], what: string): string {
  if (positional.length !== 1) throw new UsageError(`give exactly one argument: ${what}`);
  return positional[0]!;
}

function none(positional: string[]): void {
  if (positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
}

/** crictl's `images` table: one row per tag, untagged images by digest. */
export function imageTable(images: readonly Image[]): string {
  const rows: string[][] = [["IMAGE", "TAG", "IMAGE ID", "SIZE"]];
  for (const image of images) {
    const shortId = image.id.replace(/^sha256:/, "").slice(0, 13);
    const size = humanSize(image.size);
    const tags = image.repoTags.map(splitTag);
    if (tags.length === 0) {
      const digested = image.repoDigests[0]?.split("@")[0] ?? "<none>";
      tags.push([digested, "<none>"]);
    }
    for (const [repo, tag] of tags) rows.push([repo, tag, shortId, size]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join("")).join("\n") + "\n";
}

function splitTag(ref: string): [string, string] {
  const at = ref.lastIndexOf(":");
  return at > ref.lastIndexOf("/") ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, "<none>"];
}

/** Decimal units with four significant digits, as Docker's go-units HumanSize prints. */
export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${Number(value.toPrecision(4))}${units[i]}`;
}

/** One line per layer, redrawn in place on a terminal. */
class ProgressBars {
  private lines = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(layers: readonly LayerProgress[]): void {
    const width = 30;
    const text = layers.map((l) => {
      const id = l.digest.replace(/^sha256:/, "").slice(0, 12);
      const fraction = l.total > 0 ? Math.min(1, l.done / l.total) : l.state === "done" || l.state === "exists" ? 1 : 0;
      const filled = Math.round(fraction * width);
      const bar = `[${"=".repeat(filled)}${filled < width ? ">" : ""}${" ".repeat(Math.max(0, width - filled - 1))}]`;
      const state = l.state === "exists" ? "already exists" : l.state;
      return `${id}: ${bar} ${humanSize(l.done).padStart(8)}/${humanSize(l.total).padEnd(8)} ${state}`;
    });
    if (this.lines) this.out.write(`\x1b[${this.lines}A`);
    this.out.write(text.map((t) => `\x1b[2K${t}\n`).join(""));
    this.lines = text.length;
  }

  finish(): void {
    this.lines = 0;
  }
}
