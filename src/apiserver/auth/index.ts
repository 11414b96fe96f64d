/**
 * Authentication material of the API server: the cluster PKI, client certificate and
 * static token authentication, and the admin kubeconfig.
 */
export { ADMIN_GROUP, ADMIN_USER, CA_COMMON_NAME, KUBELET_CLIENT_USER, PkiError, ensurePki, pkiDirectory } from "./pki.js";
export { createCertificateAuthority, issueCertificate } from "./certificate-issuer.js";
export type { LeafCertificateSpec } from "./certificate-issuer.js";
export type { CertificateAndKey, EnsurePkiOptions, IssuedCertificate, Pki, PkiCertificateName } from "./pki.js";
export { LOOPBACK_HOSTS, subjectAltNamesFor } from "./serving-hosts.js";
export type { SubjectAltNames } from "./serving-hosts.js";
export { authenticateClientCertificate, servingTlsOptions } from "./client-cert-authenticator.js";
export type { ClientCertificateSource, ServingTlsOptions } from "./client-cert-authenticator.js";
export { TokenAuthenticator, bearerToken } from "./token-authenticator.js";
export { parseTokenFile, formatTokenRecord } from "./token-file.js";
export type { TokenRecord } from "./token-file.js";
export { NODE_TOKEN_USER, ensureNodeToken, tokenFilePath } from "./node-token.js";
export type { NodeToken } from "./node-token.js";
export { AUTHENTICATED_GROUP, withAuthenticatedGroup } from "./user-info.js";
export type { UserInfo } from "./user-info.js";
export { buildAdminKubeconfig, writeKubeconfigAtomically } from "./kubeconfig.js";
export type { AdminKubeconfigOptions } from "./kubeconfig.js";
