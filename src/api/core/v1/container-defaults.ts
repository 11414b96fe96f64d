/**
 * Defaults for containers and what they hold (pkg/apis/core/v1/defaults.go
 * SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction,
 * SetDefaults_ObjectFieldSelector, SetDefaults_ResourceList and the declarative
 * `+default` markers of k8s.io/api/core/v1, such as a port's protocol).
 */
import { formatQuantity, roundUpQuantity, tryParseQuantity } from "../../meta/quantity.js";
import { defaultPullPolicy } from "./image-reference.js";
import type { Container, Handler, ObjectFieldSelector, Probe, ResourceList } from "./pod-types.js";

export const terminationMessagePathDefault = "/dev/termination-log";

/**
 * Rounds every quantity up to millis (upstream keeps values finer than 1m out of the API)
 * and writes it in the canonical text the API server serialises. Unparsable values are
 * left for validation to report.
 */
export function defaultResourceList(list: ResourceList | undefined): void {
  if (!list) return;
  for (const [name, value] of Object.entries(list)) {
    const parsed = tryParseQuantity(value);
    if (parsed.quantity) list[name] = formatQuantity(roundUpQuantity(parsed.quantity, -3));
  }
}

export function defaultObjectFieldSelector(sel: ObjectFieldSelector | undefined): void {
  if (sel && !sel.apiVersion) sel.apiVersion = "v1";
}

function defaultHandler(h: Handler | undefined): void {
  if (!h?.httpGet) return;
  if (!h.httpGet.path) h.httpGet.path = "/";
  if (!h.httpGet.scheme) h.httpGet.scheme = "HTTP";
}

export function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  if (!p.timeoutSeconds) p.timeoutSeconds = 1;
  if (!p.periodSeconds) p.periodSeconds = 10;
  if (!p.successThreshold) p.successThreshold = 1;
  if (!p.failureThreshold) p.failureThreshold = 3;
  defaultHandler(p);
}

/** Container defaults, the same for init, app and ephemeral containers and in templates. */
export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = defaultPullPolicy(c.image);
  if (!c.terminationMessagePath) c.terminationMessagePath = terminationMessagePathDefault;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = "File";
  // ResourceRequirements is a struct, not a pointer, in Go: it always serialises, as `{}`.
  if (!c.resources) c.resources = {};
  defaultResourceList(c.resources.limits);
  defaultResourceList(c.resources.requests);
  for (const port of c.ports ?? []) {
    if (!port.protocol) port.protocol = "TCP";
  }
  for (const env of c.env ?? []) defaultObjectFieldSelector(env.valueFrom?.fieldRef);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

/**
 * Pod-only (not templates): requests default to limits for every resource that has a limit
 * and no request, so a pod that only sets limits is Guaranteed (SetDefaults_Pod).
 */
export function defaultRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!limits || !c.resources) return;
  const requests = (c.resources.requests ??= {});
  for (const [name, value] of Object.entries(limits)) {
    if (!Object.hasOwn(requests, name)) requests[name] = value;
  }
}
