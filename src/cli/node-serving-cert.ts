/**
 * The node agent's serving certificate for its kubelet API. The embedded agent's is issued
 * by the cluster CA (the server has it at hand); a joined agent makes a self-signed one: the
 * API server does not verify node serving certificates, as upstream's default without
 * --kubelet-certificate-authority, so nothing needs the cluster CA's signature on it.
 * Made at each start and kept in memory only: ECDSA keys cost milliseconds.
 */
import { hostname } from "node:os";
import { createCertificateAuthority, issueCertificate, subjectAltNamesFor, type CertificateAndKey } from "../apiserver/index.js";
import { hostIPv4Address } from "../base/index.js";

const validityDays = 365;

/** Issued by `ca`, or self-signed (by a throwaway CA) when none is given; hosts: the node's IP and name. */
export async function nodeServingCertificate(ca?: CertificateAndKey): Promise<CertificateAndKey> {
  const now = new Date();
  const issuer = ca ?? (await createCertificateAuthority(`${hostname().toLowerCase()}-agent-ca`, validityDays, now));
  return issueCertificate(issuer, {
    commonName: hostname().toLowerCase(),
    usage: "serverAuth",
    subjectAltNames: subjectAltNamesFor([hostIPv4Address(), hostname().toLowerCase()]),
    validityDays,
  }, now);
}

/** `--node-port`: a port number, 0 for a free one. */
export function nodePortFlag(value: unknown): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--node-port must be a port number, not ${String(value)}`);
  return port;
}
