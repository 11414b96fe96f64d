/**
 * The files of a configMap or secret volume (pkg/volume/configmap and pkg/volume/secret
 * MakePayload): every key when no items are given, else each item's key at its path.
 * Secret data and configMap binaryData arrive base64-encoded in v1 JSON.
 */
import type { ConfigMap, KeyToPath, Secret } from "../../api/index.js";
import type { Payload } from "./atomic-writer.js";

/** The default file mode of configMap, secret, downwardAPI and projected volumes (0644). */
export const defaultVolumeFileMode = 0o644;

function itemsPayload(
  items: KeyToPath[],
  lookup: (key: string) => Buffer | undefined,
  defaultMode: number,
  optional: boolean,
  missingKey: (key: string) => string,
): Payload {
  const payload: Payload = new Map();
  for (const item of items) {
    const data = lookup(item.key ?? "");
    if (data === undefined) {
      if (optional) continue;
      throw new Error(missingKey(item.key ?? ""));
    }
    payload.set(item.path ?? "", { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}

export function configMapPayload(items: KeyToPath[] | undefined, configMap: ConfigMap, defaultMode: number, optional: boolean): Payload {
  const lookup = (key: string): Buffer | undefined => {
    if (configMap.data && Object.hasOwn(configMap.data, key)) return Buffer.from(configMap.data[key]!);
    if (configMap.binaryData && Object.hasOwn(configMap.binaryData, key)) return Buffer.from(configMap.binaryData[key]!, "base64");
    return undefined;
  };
  if (items && items.length > 0) {
    return itemsPayload(items, lookup, defaultMode, optional, (key) => `configmap references non-existent config key: ${key}`);
  }
  const payload: Payload = new Map();
  for (const key of [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})]) {
    payload.set(key, { data: lookup(key)!, mode: defaultMode });
  }
  return payload;
}

export function secretPayload(items: KeyToPath[] | undefined, secret: Secret, defaultMode: number, optional: boolean): Payload {
  const lookup = (key: string): Buffer | undefined =>
    secret.data && Object.hasOwn(secret.data, key) ? Buffer.from(secret.data[key]!, "base64") : undefined;
  if (items && items.length > 0) {
    return itemsPayload(items, lookup, defaultMode, optional, (key) => `references non-existent secret key: ${key}`);
  }
  const payload: Payload = new Map();
  for (const key of Object.keys(secret.data ?? {})) payload.set(key, { data: lookup(key)!, mode: defaultMode });
  return payload;
}
