/**
 * Authentication by TLS client certificate, as upstream's x509 request authenticator
 * with CommonNameUserConversion: the user is the subject's CN, the groups are its O
 * values.
 *
 * The chain check itself is OpenSSL's, done during the handshake: the server is started
 * with `ca` = the cluster CA and `requestCert: true`, so `socket.authorized` is true only
 * for a certificate that chains to that CA, is within its validity, and may be used for
 * client authentication. `rejectUnauthorized: false` keeps the connection open without
 * one, so health checks and anonymous requests still reach the handler.
 */
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { CertificateAndKey } from "./certificate-issuer.js";
import { commonNameOf, organizationsOf } from "./certificate-subject.js";
import { type UserInfo, withAuthenticatedGroup } from "./user-info.js";

/** The parts of a TLS socket this needs (a `TLSSocket` has them). */
export type ClientCertificateSource = Pick<TLSSocket, "authorized" | "getPeerCertificate">;

/**
 * The user a verified client certificate names, or undefined when the peer sent none,
 * sent one that did not verify against the CA, or one without a common name.
 */
export function authenticateClientCertificate(socket: ClientCertificateSource): UserInfo | undefined {
  // A connection's certificate cannot change, and reading it costs ~40 µs: once per socket.
  if (authenticated.has(socket)) return authenticated.get(socket);
  const user = userOf(socket);
  authenticated.set(socket, user);
  return user;
}

const authenticated = new WeakMap<ClientCertificateSource, UserInfo | undefined>();

function userOf(socket: ClientCertificateSource): UserInfo | undefined {
  if (socket.authorized !== true) return undefined;
  const certificate: Partial<PeerCertificate> = socket.getPeerCertificate();
  if (certificate.subject === undefined) return undefined;
  const username = commonNameOf(certificate.subject);
  if (username === undefined) return undefined;
  return withAuthenticatedGroup({ username, groups: organizationsOf(certificate.subject) });
}

export interface ServingTlsOptions {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
  readonly requestCert: true;
  readonly rejectUnauthorized: false;
}

/** Options for `https.createServer` that serve `serving` and ask for client certificates from `caPem`'s holders. */
export function servingTlsOptions(serving: CertificateAndKey, caPem: string): ServingTlsOptions {
  return { key: serving.keyPem, cert: serving.certPem, ca: caPem, requestCert: true, rejectUnauthorized: false };
}
