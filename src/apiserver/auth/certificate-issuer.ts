/**
 * Making keys and certificates: ECDSA P-256 keys (fast to generate, accepted by Node's
 * and Go's TLS), signed with ECDSA-SHA256. The X.509 library is loaded on first use only.
 */
import { KeyObject, createPrivateKey, webcrypto } from "node:crypto";
import type { Extension } from "@peculiar/x509";
import type { SubjectAltNames } from "./serving-hosts.js";

export interface CertificateAndKey {
  /** PEM "CERTIFICATE". */
  readonly certPem: string;
  /** PEM "PRIVATE KEY" (PKCS#8). */
  readonly keyPem: string;
}

export interface LeafCertificateSpec {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  readonly usage: "serverAuth" | "clientAuth";
  readonly subjectAltNames?: SubjectAltNames;
  readonly validityDays: number;
}

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;

// Certificates start a little in the past so a host whose clock is slightly behind the
// issuer's (a joining node) does not see them as not yet valid.
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function createCertificateAuthority(commonName: string, validityDays: number, now: Date): Promise<CertificateAndKey> {
  const { x509 } = await import("./x509-library.js");
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [commonName] }],
    keys,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + validityDays * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemWithNewline(certificate.toString("pem")), keyPem: privateKeyPem(keys.privateKey) };
}

export async function issueCertificate(ca: CertificateAndKey, spec: LeafCertificateSpec, now: Date): Promise<CertificateAndKey> {
  const { x509 } = await import("./x509-library.js");
  const caCertificate = new x509.X509Certificate(ca.certPem);
  const caKey = await importSigningKey(ca.keyPem);
  const keys = await generateKeyPair();

  // Attribute order as Go's pkix.Name writes it (O before CN), which is how kubeadm's
  // certificates look.
  const subject = [
    ...(spec.organizations ?? []).map((organization) => ({ O: [organization] })),
    { CN: [spec.commonName] },
  ];
  const extensions: Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // ECDSA keys only sign during the handshake; key encipherment does not apply to them.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[spec.usage]]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  const caKeyId = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (caKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId));
  if (spec.subjectAltNames !== undefined) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...spec.subjectAltNames.dnsNames.map((value) => ({ type: "dns" as const, value })),
        ...spec.subjectAltNames.ipAddresses.map((value) => ({ type: "ip" as const, value })),
      ]),
    );
  }

  const certificate = await x509.X509CertificateGenerator.create({
    subject,
    issuer: caCertificate.subjectName,
    publicKey: keys.publicKey,
    signingKey: caKey,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + spec.validityDays * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { certPem: pemWithNewline(certificate.toString("pem")), keyPem: privateKeyPem(keys.privateKey) };
}

async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(keyPem).export({ format: "der", type: "pkcs8" });
  return webcrypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, false, ["sign"]);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ format: "pem", type: "pkcs8" }).toString();
}

function pemWithNewline(pem: string): string {
  return pem.endsWith("\n") ? pem : `${pem}\n`;
}
