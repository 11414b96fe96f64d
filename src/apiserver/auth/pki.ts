/**
 * The cluster's PKI in the data directory, created on first start and reused after:
 *
 *   DATA/pki/ca.crt, ca.key                 self-signed CA "peapod-ca" (10 years)
 *   DATA/pki/apiserver.crt, apiserver.key   serving certificate, SANs = loopback + hosts
 *   DATA/pki/admin.crt, admin.key           client certificate CN=admin, O=system:masters
 *   DATA/pki/kubelet-client.crt, .key       the API server's client certificate for node agents,
 *                                           CN=kube-apiserver-kubelet-client, O=system:masters (kubeadm's)
 *
 * Each start re-checks the leaf certificates and reissues one that is missing, does not
 * match its key, is not signed by the CA, is close to expiry, or (serving certificate)
 * names other hosts than now wanted. The CA is never replaced once it exists: every
 * kubeconfig and node trusts it.
 *
 * Crash safety: every file is written whole (temp + rename), the key before its
 * certificate. A crash between the two leaves a certificate that does not match its key,
 * which the next start notices and reissues; for the CA, a key without a certificate
 * means the CA was never finished and it is created again.
 *
 * Not safe against two processes running ensurePki on one directory at the same time.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "../../base/index.js";
import { type CertificateAndKey, type LeafCertificateSpec, createCertificateAuthority, issueCertificate } from "./certificate-issuer.js";
import { commonNameOf, organizationsOf } from "./certificate-subject.js";
import { parseSubjectAltNames, sameSubjectAltNames, subjectAltNamesFor } from "./serving-hosts.js";

export type { CertificateAndKey } from "./certificate-issuer.js";

export const CA_COMMON_NAME = "peapod-ca";
export const ADMIN_USER = "admin";
export const ADMIN_GROUP = "system:masters";
/** The identity node agents accept from the API server (kubeadm's apiserver-kubelet-client). */
export const KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";

const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 365;
// A leaf with less than this left is reissued at start, as k3s does (90 days).
const LEAF_RENEW_BEFORE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export type PkiCertificateName = "ca" | "apiserver" | "admin" | "kubelet-client";

export interface IssuedCertificate {
  readonly name: PkiCertificateName;
  /** Why it was (re)issued, for the start-up log: "missing", "hosts changed", ... */
  readonly reason: string;
}

export interface Pki {
  /** The directory holding the files (DATA/pki). */
  readonly directory: string;
  readonly ca: CertificateAndKey;
  readonly apiserver: CertificateAndKey;
  readonly admin: CertificateAndKey;
  readonly kubeletClient: CertificateAndKey;
  /** What this call wrote; empty when everything on disk was still good. */
  readonly issued: readonly IssuedCertificate[];
}

export interface EnsurePkiOptions {
  /** IPs and DNS names the API server is reached by (bind address, hostname). Loopback names are always added. */
  readonly hosts: readonly string[];
  /** The current time (tests move it forward to see renewal). */
  readonly now?: Date;
}

/** A PKI on disk that cannot be used and must not be silently replaced. */
export class PkiError extends Error {
  override name = "PkiError";
}

export function pkiDirectory(dataDir: string): string {
  return join(dataDir, "pki");
}

export async function ensurePki(dataDir: string, options: EnsurePkiOptions): Promise<Pki> {
  const now = options.now ?? new Date();
  const directory = pkiDirectory(dataDir);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);

  const issued: IssuedCertificate[] = [];
  let ca = await loadCertificateAuthority(directory, now);
  if (ca === undefined) {
    ca = await createCertificateAuthority(CA_COMMON_NAME, CA_VALIDITY_DAYS, now);
    await writePair(directory, "ca", ca);
    issued.push({ name: "ca", reason: "missing" });
  }
  const caCertificate = new X509Certificate(ca.certPem);

  const leaf = async (name: "apiserver" | "admin" | "kubelet-client", spec: LeafCertificateSpec): Promise<CertificateAndKey> => {
    const current = await readPair(directory, name);
    let reason = "missing";
    if (current !== undefined) {
      const problem = leafProblem(current, spec, caCertificate, now);
      if (problem === undefined) return current;
      reason = problem;
    }
    const fresh = await issueCertificate(ca, spec, now);
    await writePair(directory, name, fresh);
    issued.push({ name, reason });
    return fresh;
  };

  const apiserver = await leaf("apiserver", {
    commonName: "kube-apiserver",
    usage: "serverAuth",
    subjectAltNames: subjectAltNamesFor(options.hosts),
    validityDays: LEAF_VALIDITY_DAYS,
  });
  const admin = await leaf("admin", {
    commonName: ADMIN_USER,
    organizations: [ADMIN_GROUP],
    usage: "clientAuth",
    validityDays: LEAF_VALIDITY_DAYS,
  });
  const kubeletClient = await leaf("kubelet-client", {
    commonName: KUBELET_CLIENT_USER,
    organizations: [ADMIN_GROUP],
    usage: "clientAuth",
    validityDays: LEAF_VALIDITY_DAYS,
  });
  return { directory, ca, apiserver, admin, kubeletClient, issued };
}

async function loadCertificateAuthority(directory: string, now: Date): Promise<CertificateAndKey | undefined> {
  const certPath = join(directory, "ca.crt");
  const certPem = await readOptional(certPath);
  if (certPem === undefined) return undefined;
  const keyPath = join(directory, "ca.key");
  const keyPem = await readOptional(keyPath);
  const startOver = `; remove ${directory} to create a new cluster CA (every kubeconfig and node must then be given the new one)`;
  if (keyPem === undefined) throw new PkiError(`${certPath} exists but its key ${keyPath} is missing${startOver}`);

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) {
      throw new PkiError(`${keyPath} is not the key of ${certPath}${startOver}`);
    }
  } catch (error) {
    if (error instanceof PkiError) throw error;
    throw new PkiError(`cannot read the cluster CA in ${directory}: ${(error as Error).message}${startOver}`);
  }
  if (!certificate.ca) throw new PkiError(`${certPath} is not a CA certificate${startOver}`);
  if (new Date(certificate.validTo).getTime() <= now.getTime()) {
    throw new PkiError(`the cluster CA ${certPath} expired on ${certificate.validTo}${startOver}`);
  }
  return { certPem, keyPem };
}

/** Why `pair` cannot be kept as the certificate described by `spec`, or undefined if it can. */
function leafProblem(pair: CertificateAndKey, spec: LeafCertificateSpec, ca: X509Certificate, now: Date): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pair.certPem);
    if (!certificate.checkPrivateKey(createPrivateKey(pair.keyPem))) return "certificate does not match its key";
  } catch {
    return "unreadable";
  }
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return "not issued by the current CA";
  if (new Date(certificate.validFrom).getTime() > now.getTime()) return "not yet valid";
  const validTo = new Date(certificate.validTo).getTime();
  if (!(validTo - now.getTime() > LEAF_RENEW_BEFORE_DAYS * DAY_MS)) return "expires soon";

  const legacy = certificate.toLegacyObject();
  if (!(legacy.ext_key_usage ?? []).includes(USAGE_OIDS[spec.usage])) return "wrong extended key usage";
  if (commonNameOf(legacy.subject) !== spec.commonName) return "subject changed";
  const organizations = organizationsOf(legacy.subject);
  const wanted = spec.organizations ?? [];
  if (organizations.length !== wanted.length || organizations.some((o, i) => o !== wanted[i])) return "subject changed";
  if (spec.subjectAltNames !== undefined) {
    const present = parseSubjectAltNames(certificate.subjectAltName);
    if (present === undefined || !sameSubjectAltNames(present, spec.subjectAltNames)) return "hosts changed";
  }
  return undefined;
}

const USAGE_OIDS = { serverAuth: "1.3.6.1.5.5.7.3.1", clientAuth: "1.3.6.1.5.5.7.3.2" } as const;

async function readPair(directory: string, name: PkiCertificateName): Promise<CertificateAndKey | undefined> {
  const certPem = await readOptional(join(directory, `${name}.crt`));
  const keyPem = await readOptional(join(directory, `${name}.key`));
  return certPem === undefined || keyPem === undefined ? undefined : { certPem, keyPem };
}

// The key goes first: see the crash-safety note at the top.
async function writePair(directory: string, name: PkiCertificateName, pair: CertificateAndKey): Promise<void> {
  await writeFileAtomically(join(directory, `${name}.key`), pair.keyPem, { mode: 0o600 });
  await writeFileAtomically(join(directory, `${name}.crt`), pair.certPem, { mode: 0o600 });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
