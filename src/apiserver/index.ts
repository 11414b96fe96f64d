/** The API server layer: a request handler over a store; listening happens in cli. */
export { createApiServer, kubernetesVersion, systemNamespaces } from "./api-server.js";
export type { ApiServer, ApiServerOptions } from "./api-server.js";
export type { ApiHandler } from "./handler.js";
export {
  TokenAuthenticator, authenticateClientCertificate, bearerToken, buildAdminKubeconfig, ensureNodeToken, ensurePki,
  servingTlsOptions, tokenFilePath, writeKubeconfigAtomically,
} from "./auth/index.js";
