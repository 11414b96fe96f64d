/**
 * A container's environment as the kubelet builds it before creating the container
 * (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables): envFrom first, then env in
 * declaration order, later names replacing earlier ones, `$(VAR)` references in literal
 * values expanded from what came before. fieldRef and resourceFieldRef use the downward-API
 * helpers of ./volumes, which downwardAPI volumes use too; the `$(VAR)` expansion
 * (third_party/forked/golang/expansion) serves command and args as well.
 */
import { isRelaxedEnvVarName } from "../api/index.js";
import type { ConfigMap, Container, ObjectFieldSelector, Pod, ResourceFieldSelector, ResourceList, Secret } from "../api/index.js";
import type { KeyValue } from "../runtime/index.js";
import { extractFieldPath } from "./volumes/downward-api.js";
import { extractResourceValue } from "./volumes/resource-field-ref.js";

// ---------------------------------------------------------------------------------------------
// $(VAR) expansion

/**
 * Expands `$(NAME)` references (upstream expansion.Expand): `$$` is an escaped `$`, a
 * reference whose name `lookup` does not know stays as written, an unclosed `$(` and a `$`
 * before anything else are copied literally. Not recursive: an expanded value is not expanded again.
 */
export function expandVariables(input: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === "$") {
      out += "$";
    } else if (next === "(") {
      const close = input.indexOf(")", cursor + 2);
      if (close === -1) {
        out += "$(";
      } else {
        const name = input.slice(cursor + 2, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** A lookup over name→value maps, first map first (upstream MappingFuncFor). */
export function lookupIn(...maps: ReadonlyMap<string, string>[]): (name: string) => string | undefined {
  return (name) => {
    for (const m of maps) {
      const v = m.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------------
// Downward API

/** Where the pod runs, which a fieldRef may read but the pod object does not (yet) say. */
export interface PodRuntimeFacts {
  /** The pod's IPs, primary first; empty before the sandbox has a network. */
  podIPs: readonly string[];
  /** The node's IPs, primary first (status.hostIP is the first). */
  hostIPs: readonly string[];
}

type Result<T> = { value: T } | { error: string };

/**
 * The value of a fieldRef for an env var (upstream podFieldSelectorRuntimeValue, then
 * ExtractFieldPathAsString). Node and pod addresses come from `facts`; metadata from the pod.
 */
export function podFieldRefValue(pod: Pod, selector: ObjectFieldSelector, facts: PodRuntimeFacts): Result<string> {
  const fieldPath = selector.fieldPath ?? "";
  switch (fieldPath) {
    case "spec.nodeName": return { value: pod.spec?.nodeName ?? "" };
    case "spec.serviceAccountName": return { value: pod.spec?.serviceAccountName ?? "" };
    case "status.hostIP": return { value: facts.hostIPs[0] ?? "" };
    case "status.hostIPs": return { value: facts.hostIPs.join(",") };
    case "status.podIP": return { value: facts.podIPs[0] ?? "" };
    case "status.podIPs": return { value: facts.podIPs.join(",") };
  }
  return attempt(() => extractFieldPath(pod, fieldPath));
}

/**
 * A resourceFieldRef for an env var: its containerName, when set, names another container
 * of the pod; unset limits read as the node's allocatable.
 */
export function resourceFieldRefValue(pod: Pod, container: Container, selector: ResourceFieldSelector, allocatable: ResourceList): Result<string> {
  return attempt(() => extractResourceValue(selector, pod, selector.containerName || (container.name ?? ""), allocatable));
}

/** The downward-API helpers throw upstream's error text; env resolution reports it instead. */
function attempt(get: () => string): Result<string> {
  try {
    return { value: get() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

// ---------------------------------------------------------------------------------------------
// The environment

export interface EnvSources extends PodRuntimeFacts {
  /** Config maps of the pod's namespace by name; absent or undefined: not found. */
  configMaps: ReadonlyMap<string, ConfigMap | undefined>;
  secrets: ReadonlyMap<string, Secret | undefined>;
  /** The node's allocatable, standing in for unset limits in resourceFieldRef. */
  allocatable: ResourceList;
  /** Service link variables (FOO_SERVICE_HOST…), expandable and appended unless the container sets them. */
  serviceEnv?: ReadonlyMap<string, string>;
}

export type EnvResult =
  | { env: KeyValue[]; warnings: EnvWarning[] }
  | { error: { reason: "CreateContainerConfigError"; message: string } };

/** What the kubelet reports as a Warning event while still starting the container. */
export interface EnvWarning {
  reason: "InvalidEnvironmentVariableNames";
  message: string;
}

const notFound = (resource: "configmap" | "secret", name: string): string => `${resource} ${JSON.stringify(name)} not found`;

function secretData(secret: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, "base64").toString("utf8");
  return out;
}

/**
 * The container's environment, or the CreateContainerConfigError the kubelet reports when a
 * referenced config map, secret or key is missing and not optional. Order: envFrom entries
 * (keys of one source sorted), then env as declared, a later definition replacing the value
 * in place; then service variables the container does not define.
 */
export function resolveEnv(pod: Pod, container: Container, sources: EnvSources): EnvResult {
  const ns = pod.metadata?.namespace ?? "";
  const fail = (message: string): EnvResult => ({ error: { reason: "CreateContainerConfigError", message } });
  const env = new Map<string, string>();
  const warnings: EnvWarning[] = [];
  const configMapData = (name: string): Record<string, string> | undefined => {
    const cm = sources.configMaps.get(name);
    return cm ? cm.data ?? {} : undefined;
  };
  const secretValues = (name: string): Record<string, string> | undefined => {
    const s = sources.secrets.get(name);
    return s ? secretData(s) : undefined;
  };

  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? "configmap" : "secret";
    const name = ref.name ?? "";
    const data = kind === "configmap" ? configMapData(name) : secretValues(name);
    if (!data) {
      if (ref.optional) continue;
      return fail(notFound(kind, name));
    }
    const invalidKeys: string[] = [];
    for (const key of Object.keys(data).sort()) {
      const full = (from.prefix ?? "") + key;
      if (isRelaxedEnvVarName(full).length > 0) {
        invalidKeys.push(full);
        continue;
      }
      env.set(full, data[key]!);
    }
    if (invalidKeys.length > 0) {
      warnings.push({
        reason: "InvalidEnvironmentVariableNames",
        message: `Keys [${invalidKeys.join(", ")}] from the EnvFrom ${kind === "configmap" ? "configMap" : "secret"} ${ns}/${name} were skipped since they are considered invalid environment variable names.`,
      });
    }
  }

  const serviceEnv = sources.serviceEnv ?? new Map<string, string>();
  const lookup = lookupIn(env, serviceEnv);
  for (const v of container.env ?? []) {
    const name = v.name ?? "";
    let value = v.value ?? "";
    const from = v.valueFrom;
    if (value !== "") {
      value = expandVariables(value, lookup);
    } else if (from?.fieldRef) {
      const r = podFieldRefValue(pod, from.fieldRef, sources);
      if ("error" in r) return fail(r.error);
      value = r.value;
    } else if (from?.resourceFieldRef) {
      const r = resourceFieldRefValue(pod, container, from.resourceFieldRef, sources.allocatable);
      if ("error" in r) return fail(r.error);
      value = r.value;
    } else if (from?.configMapKeyRef || from?.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const isConfigMap = !!from.configMapKeyRef;
      const refName = ref.name ?? "";
      const key = ref.key ?? "";
      const data = isConfigMap ? configMapData(refName) : secretValues(refName);
      if (!data) {
        if (ref.optional) continue;
        return fail(notFound(isConfigMap ? "configmap" : "secret", refName));
      }
      const found = data[key];
      if (found === undefined) {
        if (ref.optional) continue;
        return fail(`couldn't find key ${key} in ${isConfigMap ? "ConfigMap" : "Secret"} ${ns}/${refName}`);
      }
      value = found;
    }
    env.set(name, value);
  }

  const out: KeyValue[] = [...env].map(([key, value]) => ({ key, value }));
  for (const [key, value] of serviceEnv) if (!env.has(key)) out.push({ key, value });
  return { env: out, warnings };
}
