/**
 * Registry credentials from Kubernetes image pull secrets (`.dockerconfigjson` and the
 * older `.dockercfg`), matched to an image the way the kubelet's credential keyring does:
 * keys may carry a scheme, a `/v1/` or `/v2/` suffix, a path prefix and `*` globs per host
 * label; `https://index.docker.io/v1/` serves docker.io. Every matching credential is
 * returned, most specific first and secrets in the order given, for the caller to try in turn.
 */
import type { RegistryAuth } from "../runtime.js";
import { parseImageReference } from "./reference.js";

/** The entry for Docker Hub in a docker config, and the host the kubelet files it under. */
const defaultRegistryKey = "index.docker.io";

export type DockerConfig = Record<string, RegistryAuth>;

interface KeyringEntry {
  key: string;
  auth: RegistryAuth;
}

/** Parses the bytes of a pull secret: `{"auths": {...}}` (.dockerconfigjson) or the bare map (.dockercfg). */
export function parseDockerConfig(data: Uint8Array | string): DockerConfig {
  const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("docker config is not valid JSON");
  }
  if (!isObject(doc)) throw new Error("docker config is not a JSON object");
  const auths = isObject(doc.auths) ? doc.auths : doc;
  const out: DockerConfig = {};
  for (const [registry, raw] of Object.entries(auths)) {
    if (!isObject(raw)) continue;
    out[registry] = configEntry(raw);
  }
  return out;
}

function configEntry(raw: Record<string, unknown>): RegistryAuth {
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const auth: RegistryAuth = {};
  const username = str(raw.username);
  const password = str(raw.password);
  if (username !== undefined) auth.username = username;
  if (password !== undefined) auth.password = password;
  const encoded = str(raw.auth);
  if (encoded !== undefined) {
    // "auth" wins over username/password, as the kubelet decodes it.
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new Error("docker config: auth is not base64(username:password)");
    auth.username = decoded.slice(0, colon);
    auth.password = decoded.slice(colon + 1);
    auth.auth = encoded;
  }
  const identityToken = str(raw.identitytoken);
  if (identityToken !== undefined) auth.identityToken = identityToken;
  const registryToken = str(raw.registrytoken);
  if (registryToken !== undefined) auth.registryToken = registryToken;
  return auth;
}

/** Credentials from one or more docker configs (one per pull secret, in the pod's order). */
export class DockerKeyring {
  private readonly configs: KeyringEntry[][] = [];

  add(config: DockerConfig): this {
    const entries: KeyringEntry[] = [];
    for (const [location, auth] of Object.entries(config)) {
      const key = keyringKey(location);
      if (key !== undefined) entries.push({ key, auth });
    }
    // Longer keys sort after their prefixes; reversed, the most specific is tried first.
    entries.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    this.configs.push(entries);
    return this;
  }

  addSecret(data: Uint8Array | string): this {
    return this.add(parseDockerConfig(data));
  }

  /** The credentials for an image reference, best match first; empty when none apply. */
  lookup(image: string): RegistryAuth[] {
    const repository = parseImageReference(image).name;
    const out: RegistryAuth[] = [];
    for (const entries of this.configs) {
      const matched = entries.filter((e) => urlMatches(e.key, repository)).map((e) => e.auth);
      if (matched.length === 0 && isDefaultRegistry(repository)) {
        matched.push(...entries.filter((e) => e.key === defaultRegistryKey).map((e) => e.auth));
      }
      out.push(...matched);
    }
    return out;
  }
}

/** Credentials for an image from the bytes of the pod's pull secrets. */
export function credentialsForImage(secrets: ReadonlyArray<Uint8Array | string>, image: string): RegistryAuth[] {
  const keyring = new DockerKeyring();
  for (const s of secrets) keyring.addSecret(s);
  return keyring.lookup(image);
}

interface SchemelessUrl {
  hostname: string;
  port: string;
  path: string;
}

function parseSchemeless(location: string): SchemelessUrl | undefined {
  const rest = location.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "");
  const slash = rest.indexOf("/");
  const hostPort = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  if (hostPort === "") return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (bracketed) return { hostname: bracketed[1]!.toLowerCase(), port: bracketed[2] ?? "", path };
  const colon = hostPort.lastIndexOf(":");
  if (colon >= 0 && /^\d*$/.test(hostPort.slice(colon + 1))) {
    return { hostname: hostPort.slice(0, colon).toLowerCase(), port: hostPort.slice(colon + 1), path };
  }
  return { hostname: hostPort.toLowerCase(), port: "", path };
}

/** host[:port][path] with the scheme and a /v1/ or /v2/ API prefix dropped. */
function keyringKey(location: string): string | undefined {
  const url = parseSchemeless(location);
  if (!url) return undefined;
  let path = url.path;
  if (path.startsWith("/v1/") || path.startsWith("/v2/")) path = path.slice(3);
  const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  return path !== "" && path !== "/" ? host + path : host;
}

function urlMatches(globKey: string, target: string): boolean {
  const glob = parseSchemeless(globKey);
  const url = parseSchemeless(target);
  if (!glob || !url || glob.port !== url.port) return false;
  const globParts = glob.hostname.split(".");
  const targetParts = url.hostname.split(".");
  if (globParts.length !== targetParts.length) return false;
  if (!globParts.every((g, i) => globMatch(g, targetParts[i]!))) return false;
  return url.path.startsWith(glob.path);
}

/** Shell-style matching of one host label: `*`, `?` and `[...]` classes. */
function globMatch(pattern: string, text: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) return false;
      let cls = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
      if (cls.startsWith("^") || cls.startsWith("!")) cls = `^${cls.slice(1)}`;
      source += `[${cls}]`;
      i = end;
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`).test(text);
}

/** Whether a repository lives on Docker Hub (no host component, or docker.io). */
function isDefaultRegistry(repository: string): boolean {
  const first = repository.split("/", 1)[0]!;
  if (first === "") return false;
  if (!repository.includes("/")) return true;
  if (first === "docker.io" || first === "index.docker.io") return true;
  return !/[.:]/.test(first);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
