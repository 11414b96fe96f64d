/**
 * How objects become store values and back. The resourceVersion is never stored: it is
 * the key's modRevision, set on the way out (as upstream's etcd3 storage does), so the
 * stored bytes and the revision can never disagree.
 *
 * Values are written with `apiVersion`, `kind` and `metadata` first, so the JSON of a
 * stored object can be served without parsing it: the resourceVersion is spliced in
 * right after `"metadata":{` (large LISTs spend most of their time in parse and stringify).
 */
import type { KubeObject } from "../../api/index.js";
import type { KeyValue } from "../../store/index.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const metadataOpen = '"metadata":{';

export function encodeObject(obj: KubeObject): Uint8Array {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...storedMeta } = metadata;
  return encoder.encode(JSON.stringify({ apiVersion, kind, metadata: storedMeta, ...rest }));
}

export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** The object's JSON with its resourceVersion, without a parse; equal to JSON of decodeObject. */
export function storedJson(kv: KeyValue): string {
  const text = decoder.decode(kv.value);
  const at = text.indexOf(metadataOpen);
  const rv = `"resourceVersion":${JSON.stringify(String(kv.modRevision))}`;
  if (at < 0) return JSON.stringify(decodeObject(kv));
  const i = at + metadataOpen.length;
  return `${text.slice(0, i)}${rv}${text[i] === "}" ? "" : ","}${text.slice(i)}`;
}
