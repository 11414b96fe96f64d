/**
 * NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity, with the matching rules of
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity): a node must match the pod's
 * nodeSelector AND one of the terms of requiredDuringSchedulingIgnoredDuringExecution.
 * A term whose requirements do not parse matches no node ("lazy errors", upstream ignores
 * them for backwards compatibility); an empty term matches no node either.
 */
import { LabelSelector, newLabelRequirement, selectorFromSet, type LabelOperator, type LabelRequirement } from "../api/index.js";
import type { Node, NodeAffinity, NodeSelectorRequirement, NodeSelectorTerm, Pod } from "../api/index.js";
import { unresolvable, type FilterPlugin, type FilterStatus, type NodeInfo } from "./framework.js";

export const errReasonPod = "node(s) didn't match Pod's node affinity/selector";
export const errReasonConflict = "pod affinity terms conflict";

const labelOperators: Record<string, LabelOperator> = {
  In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!", Gt: "gt", Lt: "lt",
};

/** The one field a node selector term may match on (metav1.ObjectNameField). */
const objectNameField = "metadata.name";

type FieldRequirement = { key: string; equal: boolean; value: string };

/** A parsed term; undefined parts were not given; `invalid` when something did not parse. */
interface ParsedTerm {
  labels?: LabelSelector;
  fields?: FieldRequirement[];
  invalid: boolean;
}

function parseExpressions(exprs: readonly NodeSelectorRequirement[]): LabelSelector | undefined {
  const reqs: LabelRequirement[] = [];
  for (const e of exprs) {
    const op = Object.hasOwn(labelOperators, e.operator ?? "") ? labelOperators[e.operator ?? ""] : undefined;
    if (op === undefined) return undefined;
    try {
      reqs.push(newLabelRequirement(e.key ?? "", op, e.values?.length ? e.values : null));
    } catch {
      return undefined; // upstream NewRequirement's validation error
    }
  }
  return LabelSelector.of(reqs);
}

/** Upstream nodeSelectorRequirementsAsFieldSelector: In/NotIn with exactly one value. */
function parseFields(exprs: readonly NodeSelectorRequirement[]): FieldRequirement[] | undefined {
  const out: FieldRequirement[] = [];
  for (const e of exprs) {
    if (e.values?.length !== 1 || (e.operator !== "In" && e.operator !== "NotIn")) return undefined;
    out.push({ key: e.key ?? "", equal: e.operator === "In", value: e.values[0]! });
  }
  return out;
}

function parseTerm(term: NodeSelectorTerm): ParsedTerm {
  const parsed: ParsedTerm = { invalid: false };
  if (term.matchExpressions?.length) {
    parsed.labels = parseExpressions(term.matchExpressions);
    if (parsed.labels === undefined) parsed.invalid = true;
  }
  if (term.matchFields?.length) {
    parsed.fields = parseFields(term.matchFields);
    if (parsed.fields === undefined) parsed.invalid = true;
  }
  return parsed;
}

function termMatches(term: ParsedTerm, node: Node): boolean {
  if (term.invalid || (term.labels === undefined && term.fields === undefined)) return false;
  if (term.labels && !term.labels.matches(node.metadata?.labels)) return false;
  // Nodes expose only metadata.name as a field; any other key reads as "".
  const fieldValue = (key: string): string => (key === objectNameField ? node.metadata?.name ?? "" : "");
  return (term.fields ?? []).every((f) => (fieldValue(f.key) === f.value) === f.equal);
}

export function podNodeAffinity(pod: Pod): NodeAffinity | undefined {
  return (pod.spec?.affinity as { nodeAffinity?: NodeAffinity } | undefined)?.nodeAffinity;
}

/** Upstream GetRequiredNodeAffinity(pod).Match(node): nodeSelector AND required terms. */
export function matchesRequiredNodeAffinity(pod: Pod, node: Node): boolean {
  if (pod.spec?.nodeSelector && !selectorFromSet(pod.spec.nodeSelector).matches(node.metadata?.labels)) return false;
  const required = podNodeAffinity(pod)?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(parseTerm(t), node));
}

/**
 * NodeAffinity PreFilter: when every required term pins metadata.name with `In`, only
 * those nodes are worth filtering. `nodeNames` undefined means all nodes; a status means
 * the terms name disjoint nodes and nothing can match.
 */
export function nodeAffinityPreFilter(pod: Pod): { nodeNames?: Set<string>; status?: FilterStatus } {
  const terms = podNodeAffinity(pod)?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return {};
  let nodeNames: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== objectNameField || r.operator !== "In") continue;
      const s = new Set(r.values ?? []);
      // Requirements of a term are ANDed: intersect.
      termNames = termNames === undefined ? s : new Set([...termNames].filter((n) => s.has(n)));
    }
    // A term without a name pin lets every node through, since terms are ORed.
    if (termNames === undefined) return {};
    nodeNames = new Set([...(nodeNames ?? []), ...termNames]);
  }
  if (nodeNames !== undefined && nodeNames.size === 0) return { status: unresolvable(errReasonConflict) };
  return { nodeNames };
}

/**
 * NodeAffinity score before normalising: the sum of the weights of the preferred terms the
 * node matches. A term that does not parse counts as not matching (upstream fails the
 * scheduling attempt instead; API validation keeps such terms out).
 */
export function preferredNodeAffinityScore(pod: Pod, node: Node): number {
  let sum = 0;
  for (const t of podNodeAffinity(pod)?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (t.weight && t.preference && termMatches(parseTerm(t.preference), node)) sum += t.weight;
  }
  return sum;
}

export const nodeAffinityFilter: FilterPlugin = {
  name: "NodeAffinity",
  filter(pod: Pod, nodeInfo: NodeInfo) {
    return matchesRequiredNodeAffinity(pod, nodeInfo.node) ? undefined : unresolvable(errReasonPod);
  },
};
