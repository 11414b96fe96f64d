/**
 * Image references as Docker writes them (`nginx`, `host:5000/team/app:1.2`,
 * `app@sha256:…`) and their normalised form (`docker.io/library/nginx:latest`), which is the
 * name every other part of the image store uses. Parsing follows the grammar of the
 * distribution project's reference package; errors read as the kubelet reports them, since
 * they end up as a container's InvalidImageName message.
 */
import { RuntimeError } from "../errors.js";

export const defaultDomain = "docker.io";
const legacyDefaultDomain = "index.docker.io";
const officialRepoPrefix = "library/";
export const defaultTag = "latest";
const nameTotalLengthMax = 255;

export interface ImageReference {
  /** Registry host with optional port: docker.io, 127.0.0.1:5000, [::1]:5000. */
  domain: string;
  /** Repository path inside the registry: library/nginx. */
  path: string;
  /** domain/path: docker.io/library/nginx. */
  name: string;
  /** Absent when the reference is by digest. */
  tag?: string;
  /** sha256:… when the reference pins a manifest. */
  digest?: string;
  /** name@digest when pinned, else name:tag. */
  normalized: string;
}

// The pieces of the reference grammar, as regular-expression sources.
const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const ipv6Host = "\\[(?:[a-fA-F0-9:]+)\\]";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6Host})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPattern = "[\\w][\\w.-]{0,127}";
const digestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;

const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const identifierRegexp = /^[a-f0-9]{64}$/;
const sha256Regexp = /^sha256:[a-f0-9]{64}$/;

function invalid(input: string, detail: string): RuntimeError {
  return new RuntimeError(
    "InvalidImageName",
    `Failed to apply default image tag ${JSON.stringify(input)}: couldn't parse image name ${JSON.stringify(input)}: ${detail}`,
  );
}

/** Splits off the registry host the way Docker decides a first component is one. */
function splitDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf("/");
  let domain: string;
  let remainder: string;
  const first = slash === -1 ? "" : name.slice(0, slash);
  if (slash === -1 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)) {
    domain = defaultDomain;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === legacyDefaultDomain) domain = defaultDomain;
  if (domain === defaultDomain && !remainder.includes("/")) remainder = officialRepoPrefix + remainder;
  return { domain, remainder };
}

/**
 * Parses and normalises a reference. A reference with neither tag nor digest gets
 * `latest`; one with both keeps only the digest, since the digest is what is pulled.
 * Throws RuntimeError("InvalidImageName") for anything Docker would refuse.
 */
export function parseImageReference(input: string): ImageReference {
  if (input === "") throw invalid(input, "repository name must have at least one component");
  if (identifierRegexp.test(input)) {
    throw invalid(input, `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDomain(input);
  const tagSep = remainder.indexOf(":");
  const at = remainder.indexOf("@");
  const remoteEnd = [tagSep, at].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), remainder.length);
  const remoteName = remainder.slice(0, remoteEnd);
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalid(input, `invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const match = referenceRegexp.exec(`${domain}/${remainder}`);
  if (!match) throw invalid(input, "invalid reference format");
  const name = match[1]!;
  if (name.length > nameTotalLengthMax) {
    throw invalid(input, `repository name must not be more than ${nameTotalLengthMax} characters`);
  }
  const digest = match[3];
  if (digest !== undefined && !sha256Regexp.test(digest)) {
    throw invalid(input, digest.startsWith("sha256:") ? "invalid checksum digest format" : "unsupported digest algorithm");
  }
  const path = name.slice(domain.length + 1);
  if (digest !== undefined) return { domain, path, name, digest, normalized: `${name}@${digest}` };
  const tag = match[2] ?? defaultTag;
  return { domain, path, name, tag, normalized: `${name}:${tag}` };
}

/** Whether the string parses as an image reference. */
export function isImageReference(input: string): boolean {
  try {
    parseImageReference(input);
    return true;
  } catch {
    return false;
  }
}

/** The reference as a person writes it: docker.io/library/nginx:latest is nginx:latest. */
export function familiarName(reference: string | ImageReference): string {
  const ref = typeof reference === "string" ? parseImageReference(reference) : reference;
  let name = ref.name;
  if (ref.domain === defaultDomain) {
    name = ref.path.startsWith(officialRepoPrefix) ? ref.path.slice(officialRepoPrefix.length) : ref.path;
  }
  return ref.digest !== undefined ? `${name}@${ref.digest}` : `${name}:${ref.tag}`;
}

/** Whether the string is a sha256 digest (sha256:<64 hex>). */
export function isDigest(s: string): boolean {
  return sha256Regexp.test(s);
}
