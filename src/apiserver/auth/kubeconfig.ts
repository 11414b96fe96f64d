/**
 * The kubeconfig handed to the administrator: everything embedded (no file references),
 * so it keeps working when copied to another machine.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { stringify } from "yaml";
import { writeFileAtomically } from "../../base/index.js";

export interface AdminKubeconfigOptions {
  /** e.g. https://127.0.0.1:6443 */
  readonly serverUrl: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Default "peapod". */
  readonly clusterName?: string;
  /** Default "admin". */
  readonly user?: string;
  /** Default "peapod". */
  readonly context?: string;
}

/**
 * A kubeconfig (clientcmd v1 Config) with one cluster, user and context, the context
 * current. No namespace is set, so kubectl uses "default".
 */
export function buildAdminKubeconfig(options: AdminKubeconfigOptions): string {
  const clusterName = options.clusterName ?? "peapod";
  const user = options.user ?? "admin";
  const context = options.context ?? "peapod";
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: options.serverUrl, "certificate-authority-data": base64(options.caPem) } }],
    users: [{ name: user, user: { "client-certificate-data": base64(options.certPem), "client-key-data": base64(options.keyPem) } }],
    contexts: [{ name: context, context: { cluster: clusterName, user } }],
    "current-context": context,
    preferences: {},
  };
  // Base64 has no spaces, but never let the emitter fold a long line anyway.
  return stringify(config, { lineWidth: 0 });
}

/** Writes the kubeconfig readable by its owner only (it holds a private key), all or nothing. */
export async function writeKubeconfigAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, text, { mode: 0o600 });
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
