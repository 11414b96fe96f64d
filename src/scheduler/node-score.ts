/**
 * Ranking the nodes a pod fits with kube-scheduler's default score plugins that apply to
 * Peapod, at their default weights (apis/config/v1/default_plugins.go):
 *
 *   TaintToleration ×3   fewer untolerated PreferNoSchedule taints (normalised, reversed)
 *   NodeAffinity ×2      preferred terms matched, by weight (normalised)
 *   NodeResourcesFit ×1  LeastAllocated over cpu and memory (noderesources/least_allocated.go)
 *   NodeResourcesBalancedAllocation ×1  cpu and memory used evenly (balanced_allocation.go)
 *
 * Each plugin scores 0..100. Not scored: pod topology spread, inter-pod affinity, image
 * locality and volume plugins.
 */
import type { Pod } from "../api/index.js";
import { nodeName, type NodeInfo } from "./framework.js";
import { preferredNodeAffinityScore } from "./node-affinity.js";
import { nodeAllocatable, nodeRequested } from "./node-resources-fit.js";
import { podNonZeroRequest, podResourceRequest, sumAmounts, type ResourceAmounts } from "./pod-requests.js";
import { intolerablePreferNoScheduleTaints } from "./taint-toleration.js";

const maxNodeScore = 100;
const scoredResources = ["cpu", "memory"] as const;

/** Upstream leastRequestedScore per resource, averaged: favours the emptiest node. */
export function leastAllocatedScore(requested: ResourceAmounts, allocatable: ResourceAmounts): number {
  let total = 0n;
  for (const name of scoredResources) {
    const cap = allocatable.get(name) ?? 0n;
    const req = requested.get(name) ?? 0n;
    total += cap === 0n || req > cap ? 0n : ((cap - req) * BigInt(maxNodeScore)) / cap;
  }
  return Number(total / BigInt(scoredResources.length));
}

/** Upstream balancedResourceScorer for two resources: 100 × (1 − |cpu fraction − memory fraction| / 2). */
export function balancedAllocationScore(requested: ResourceAmounts, allocatable: ResourceAmounts): number {
  const fractions: number[] = [];
  for (const name of scoredResources) {
    const cap = allocatable.get(name) ?? 0n;
    if (cap === 0n) continue;
    fractions.push(Math.min(1, Number(requested.get(name) ?? 0n) / Number(cap)));
  }
  const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
  return Math.trunc((1 - std) * maxNodeScore);
}

/** NodeResourcesFit plus NodeResourcesBalancedAllocation for one node. */
export function resourceScore(pod: Pod, nodeInfo: NodeInfo): number {
  const allocatable = nodeAllocatable(nodeInfo);
  // LeastAllocated counts unset cpu/memory requests as 100m/200Mi; BalancedAllocation
  // uses the requests as written (upstream useRequested).
  const nonZero = sumAmounts([...nodeInfo.pods, pod].map(podNonZeroRequest));
  const requested = sumAmounts([nodeRequested(nodeInfo), podResourceRequest(pod)]);
  return leastAllocatedScore(nonZero, allocatable) + balancedAllocationScore(requested, allocatable);
}

/** Upstream helper.DefaultNormalizeScore: scale to 0..100 by the highest raw score. */
export function normalizeScores(raw: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? maxNodeScore : 0));
  return raw.map((s) => {
    const score = Math.trunc((maxNodeScore * s) / max);
    return reverse ? maxNodeScore - score : score;
  });
}

/** The weighted total of every scored plugin, per node, in the given order. */
export function nodeScores(pod: Pod, feasible: readonly NodeInfo[]): number[] {
  const taints = normalizeScores(feasible.map((n) => intolerablePreferNoScheduleTaints(pod, n)), true);
  const affinity = normalizeScores(feasible.map((n) => preferredNodeAffinityScore(pod, n.node)), false);
  return feasible.map((n, i) => 3 * taints[i]! + 2 * affinity[i]! + resourceScore(pod, n));
}

/**
 * The highest-scoring node. Upstream picks at random among equal scores (selectHost); here
 * the first in the given order wins, so that the same inputs always give the same node.
 */
export function selectHost(pod: Pod, feasible: readonly NodeInfo[]): string {
  const scores = nodeScores(pod, feasible);
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best]!) best = i;
  });
  return nodeName(feasible[best]!);
}
