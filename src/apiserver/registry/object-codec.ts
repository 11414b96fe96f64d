/**
 * How objects become store values and back. The resourceVersion is never stored: it is
 * the key's modRevision, set on the way out (as upstream's etcd3 storage does), so the
 * stored bytes and the revision can never disagree.
 */
import type { KubeObject } from "../../api/index.js";
import type { KeyValue } from "../../store/index.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return encoder.encode(JSON.stringify({ ...obj, metadata }));
}

export function decodeObject(kv: KeyValue): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** A deleted object carries the revision of its deletion, as upstream watches report it. */
export function decodeDeleted(kv: KeyValue, deleteRevision: number): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.metadata.resourceVersion = String(deleteRevision);
  return obj;
}
