/**
 * The files of a downwardAPI volume or projection (pkg/volume/downwardapi CollectData and
 * pkg/fieldpath ExtractFieldPathAsString): pod metadata as the kubelet writes it.
 */
import { goQuote, splitSubscriptedPath } from "../../api/index.js";
import type { DownwardAPIVolumeFile, Pod, ResourceList } from "../../api/index.js";
import type { Payload } from "./atomic-writer.js";
import { extractResourceValue } from "./resource-field-ref.js";

/** `key="value"` lines sorted by key, no trailing newline (fieldpath.FormatMap). */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((key) => `${key}=${goQuote(m![key]!)}`)
    .join("\n");
}

/** The value of a fieldRef as a downwardAPI volume sees it. */
export function extractFieldPath(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const sub = splitSubscriptedPath(fieldPath);
  if (sub) {
    const { path, subscript: key } = sub;
    if (path === "metadata.annotations") return meta.annotations?.[key] ?? "";
    if (path === "metadata.labels") return meta.labels?.[key] ?? "";
    throw new Error(`fieldPath ${goQuote(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case "metadata.annotations":
      return formatMap(meta.annotations);
    case "metadata.labels":
      return formatMap(meta.labels);
    case "metadata.name":
      return meta.name ?? "";
    case "metadata.namespace":
      return meta.namespace ?? "";
    case "metadata.uid":
      return meta.uid ?? "";
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

/** Go's utilerrors.NewAggregate(...).Error(). */
export function aggregateMessage(messages: string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(", ")}]`;
}

/** Every item's file; errors are collected so one bad item does not hide the others. */
export function downwardAPIPayload(items: DownwardAPIVolumeFile[] | undefined, pod: Pod, defaultMode: number, nodeAllocatable: ResourceList): Payload {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of items ?? []) {
    let data = "";
    try {
      if (item.fieldRef) data = extractFieldPath(pod, item.fieldRef.fieldPath ?? "");
      else if (item.resourceFieldRef) data = extractResourceValue(item.resourceFieldRef, pod, item.resourceFieldRef.containerName ?? "", nodeAllocatable);
    } catch (error) {
      errors.push((error as Error).message);
    }
    payload.set(item.path ?? "", { data: Buffer.from(data), mode: item.mode ?? defaultMode });
  }
  if (errors.length > 0) throw new Error(aggregateMessage(errors));
  return payload;
}
