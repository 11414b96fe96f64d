/**
 * Just enough of the Docker reference grammar (github.com/distribution/reference, as
 * pkg/util/parsers.ParseImageName uses it) to find an image's tag and digest.
 *
 * Defaulting reads only the tag: no tag and no digest means `latest`. An unparsable
 * reference yields no tag at all, so it defaults to IfNotPresent like upstream, and the
 * node agent later reports InvalidImageName.
 */

const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const pathComponentRe = new RegExp(`^${pathComponent}$`);
const domainRe = new RegExp(`^${domain}$`);
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const maxNameLength = 255;

export interface ImageReference {
  /** The repository with its registry, e.g. `docker.io/library/busybox` is not expanded: as written. */
  readonly name: string;
  /** `latest` when neither tag nor digest was given. */
  readonly tag: string;
  readonly digest: string;
}

/** Parses an image reference; undefined when it is no valid reference. */
export function parseImageReference(image: string): ImageReference | undefined {
  let rest = image;
  let digest = "";
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) return undefined;
  }
  let tag = "";
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) return undefined;
  }
  if (rest.length === 0 || rest.length > maxNameLength) return undefined;
  const parts = rest.split("/");
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  if (hasDomain && !domainRe.test(first)) return undefined;
  const path = hasDomain ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((p) => pathComponentRe.test(p))) return undefined;
  // A bare 64-hex name would be mistaken for an image ID; upstream refuses it.
  if (!hasDomain && path.length === 1 && /^[a-f0-9]{64}$/.test(path[0]!)) return undefined;
  if (!tag && !digest) tag = "latest";
  return { name: rest, tag, digest };
}

/** The pull policy upstream defaults from the image: `Always` for `latest`, else `IfNotPresent`. */
export function defaultPullPolicy(image: string | undefined): "Always" | "IfNotPresent" {
  const ref = parseImageReference(image ?? "");
  return ref?.tag === "latest" ? "Always" : "IfNotPresent";
}
