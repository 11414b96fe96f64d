/**
 * Reads a kubeconfig (clientcmd v1 Config) into the connection settings of ApiClient: the
 * current context's cluster and user, with `*-data` fields (base64) or file references
 * (relative to the kubeconfig's folder, as kubectl resolves them).
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { isPlainObject } from "../api/index.js";

export type ClientAuth =
  | { readonly clientCert: { readonly certPem: string; readonly keyPem: string } }
  | { readonly bearerToken: string };

export interface ClientConfig {
  /** `https://host:port` (plain `http://` is accepted for in-process test servers). */
  readonly server: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly ca: string;
  readonly auth: ClientAuth;
}

type Yaml = Record<string, unknown>;

export async function readKubeconfig(path: string, contextName?: string): Promise<ClientConfig> {
  const text = await readFile(path, "utf8");
  const config: unknown = parse(text);
  if (!isPlainObject(config)) throw new Error(`${path}: not a kubeconfig`);
  const base = dirname(path);
  const wanted = contextName ?? stringField(config, "current-context");
  if (!wanted) throw new Error(`${path}: no current-context`);
  const context = namedEntry(config, "contexts", "context", wanted, path);
  const cluster = namedEntry(config, "clusters", "cluster", stringField(context, "cluster") ?? "", path);
  const user = namedEntry(config, "users", "user", stringField(context, "user") ?? "", path);
  const server = stringField(cluster, "server");
  if (!server) throw new Error(`${path}: cluster of context "${wanted}" has no server`);
  const ca = (await dataOrFile(cluster, "certificate-authority", base)) ?? "";
  const token = stringField(user, "token") ?? (await fileText(user, "tokenFile", base))?.trim();
  if (token) return { server, ca, auth: { bearerToken: token } };
  const certPem = await dataOrFile(user, "client-certificate", base);
  const keyPem = await dataOrFile(user, "client-key", base);
  if (!certPem || !keyPem) throw new Error(`${path}: user of context "${wanted}" has neither a token nor a client certificate and key`);
  return { server, ca, auth: { clientCert: { certPem, keyPem } } };
}

function stringField(o: Yaml, field: string): string | undefined {
  const v = o[field];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function namedEntry(config: Yaml, list: string, field: string, name: string, path: string): Yaml {
  const entries = Array.isArray(config[list]) ? (config[list] as unknown[]) : [];
  const entry = entries.find((e) => isPlainObject(e) && e["name"] === name) as Yaml | undefined;
  const value = entry?.[field];
  if (!isPlainObject(value)) throw new Error(`${path}: no ${field} named "${name}"`);
  return value;
}

/** `<field>-data` (base64) wins over `<field>` (a file path), as in clientcmd. */
async function dataOrFile(o: Yaml, field: string, base: string): Promise<string | undefined> {
  const data = stringField(o, `${field}-data`);
  if (data) return Buffer.from(data, "base64").toString("utf8");
  return fileText(o, field, base);
}

async function fileText(o: Yaml, field: string, base: string): Promise<string | undefined> {
  const file = stringField(o, field);
  return file ? readFile(resolve(base, file), "utf8") : undefined;
}
