/**
 * ConfigMaps and Secrets (pkg/apis/core/validation ValidateConfigMap, ValidateSecret and
 * their updates). Both hold at most 1 MiB. Secret data arrives base64-encoded in v1 JSON;
 * sizes count the decoded bytes, and stringData entries count as the data they become.
 */
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from "../../meta/field-errors.js";
import { byteLength, isConfigMapKey } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from "../../meta/object-meta-validation.js";
import { semanticEqual } from "../../meta/semantic-equal.js";
import type { Secret } from "./core-defaults.js";
import type { ObjectMeta } from "../../meta/object.js";

export const maxSecretSize = 1024 * 1024;

export interface ConfigMap {
  metadata?: ObjectMeta;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** The byte length of a base64 value (what it decodes to). */
function decodedLength(b64: string): number {
  const clean = b64.replace(/\s/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

const dataPath = FieldPath.root("data");

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  let total = 0;
  const binary = cm.binaryData ?? {};
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, msg));
    if (Object.hasOwn(binary, key)) errs.push(invalid(dataPath.key(key), key, "duplicate of key present in binaryData"));
    total += byteLength(value);
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(FieldPath.root("binaryData").key(key), key, msg));
    total += decodedLength(value);
  }
  // Upstream reports the size at the empty path: it concerns the whole object.
  if (total > maxSecretSize) errs.push(tooLong(FieldPath.root(""), "", maxSecretSize));
  return errs;
}

/** `immutable: true` freezes the data and itself. */
function validateImmutability(
  newObj: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  oldObj: { immutable?: boolean; data?: unknown; binaryData?: unknown },
  fields: readonly ("data" | "binaryData")[],
): FieldError[] {
  if (oldObj.immutable !== true) return [];
  const errs: FieldError[] = [];
  const msg = "field is immutable when `immutable` is set";
  if (newObj.immutable !== true) errs.push(forbidden(FieldPath.root("immutable"), msg));
  for (const f of fields) {
    if (!semanticEqual(newObj[f], oldObj[f])) errs.push(forbidden(FieldPath.root(f), msg));
  }
  return errs;
}

export function validateConfigMapUpdate(newCM: ConfigMap, oldCM: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(newCM.metadata, oldCM.metadata);
  errs.push(...validateImmutability(newCM, oldCM, ["data", "binaryData"]));
  errs.push(...validateConfigMap(newCM));
  return errs;
}

const serviceAccountNameAnnotation = "kubernetes.io/service-account.name";

function requireJSON(secret: Secret, key: string, errs: FieldError[]): void {
  const data = secret.data ?? {};
  if (!Object.hasOwn(data, key) && !Object.hasOwn(secret.stringData ?? {}, key)) {
    errs.push(required(dataPath.key(key)));
    return;
  }
  const raw = secret.stringData?.[key] ?? new TextDecoder().decode(Uint8Array.from(atob(data[key] ?? ""), (c) => c.charCodeAt(0)));
  try {
    JSON.parse(raw);
  } catch (e) {
    errs.push(invalid(dataPath.key(key), "<secret contents redacted>", (e as Error).message));
  }
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const sizes = new Map<string, number>();
  for (const [key, value] of Object.entries(secret.data ?? {})) sizes.set(key, decodedLength(value));
  // stringData is merged into data (and wins) before upstream validates.
  for (const [key, value] of Object.entries(secret.stringData ?? {})) sizes.set(key, byteLength(value));
  let total = 0;
  for (const [key, size] of sizes) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(dataPath.key(key), key, msg));
    total += size;
  }
  if (total > maxSecretSize) errs.push(tooLong(dataPath, "", maxSecretSize));
  const has = (k: string) => sizes.has(k);
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      if (!secret.metadata?.annotations?.[serviceAccountNameAnnotation]) {
        errs.push(required(FieldPath.root("metadata").child("annotations").key(serviceAccountNameAnnotation)));
      }
      break;
    case "kubernetes.io/dockercfg":
      requireJSON(secret, ".dockercfg", errs);
      break;
    case "kubernetes.io/dockerconfigjson":
      requireJSON(secret, ".dockerconfigjson", errs);
      break;
    case "kubernetes.io/basic-auth":
      if (!has("username") && !has("password")) {
        errs.push(required(dataPath.key("username")), required(dataPath.key("password")));
      }
      break;
    case "kubernetes.io/ssh-auth":
      if (!sizes.get("ssh-privatekey")) errs.push(required(dataPath.key("ssh-privatekey")));
      break;
    case "kubernetes.io/tls":
      if (!has("tls.crt")) errs.push(required(dataPath.key("tls.crt")));
      if (!has("tls.key")) errs.push(required(dataPath.key("tls.key")));
      break;
  }
  return errs;
}

export function validateSecretUpdate(newSecret: Secret, oldSecret: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(newSecret.metadata, oldSecret.metadata);
  errs.push(...validateImmutableField(newSecret.type ?? "", oldSecret.type ?? "", FieldPath.root("type")));
  errs.push(...validateImmutability(newSecret, oldSecret, ["data"]));
  errs.push(...validateSecret(newSecret));
  return errs;
}
