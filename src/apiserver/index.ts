/** The API server layer: a request handler over a store; listening happens in cli. */
export { createApiServer, kubernetesVersion, systemNamespaces } from "./api-server.js";
export type { ApiServer, ApiServerOptions } from "./api-server.js";
export type { ApiHandler, ApiUpgradeHandler } from "./handler.js";
export type { KubeletClientCredentials } from "./subresources/pod-proxy.js";
export type { CertificateAndKey } from "./auth/index.js";
export {
  TokenAuthenticator, authenticateClientCertificate, bearerToken, buildAdminKubeconfig, createCertificateAuthority, ensureNodeToken, ensurePki,
  issueCertificate, servingTlsOptions, subjectAltNamesFor, tokenFilePath, writeKubeconfigAtomically,
} from "./auth/index.js";
