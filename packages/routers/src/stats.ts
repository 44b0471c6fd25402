/**
 * Routing statistics (docs/routing.md §7), computed on the host from a plan's bookkeeping:
 * expert load and its coefficient of variation, the entropy of the load and of the routing
 * probabilities, dropped pairs, tokens with 0 experts, experts per token; and routing
 * fluctuation between two checkpoints (StableMoE's measure of routing inconsistency).
 */
import type { RoutingPlan } from './plan.js';

/** Statistics of one routing plan. */
export interface RoutingStats {
  /** [experts]: pairs kept per expert. */
  load: Int32Array;
  /** Selected pairs. */
  pairs: number;
  /** Coefficient of variation of the load (population std / mean); 0 is perfect balance. */
  loadCv: number;
  /** Entropy (nats) of the load distribution over experts; log(experts) is perfect balance. */
  loadEntropy: number;
  /** Largest load over the mean load. */
  maxLoadRatio: number;
  /** Mean over tokens of the entropy (nats) of each token's routing distribution (its row of `probabilities`, normalised); NaN without probabilities. */
  routingEntropy: number;
  /** Dropped pairs over pairs the rule selected (kept + dropped). */
  droppedFraction: number;
  /** Tokens that received no expert, and their fraction. */
  unroutedTokens: number;
  unroutedFraction: number;
  /** Average experts per token (pairs / tokens): k for token choice, k̄ for USMoE. */
  expertsPerToken: number;
}

/** Computes the statistics of `plan` (reads `plan.probabilities` when present). */
export async function routingStats(plan: RoutingPlan): Promise<RoutingStats> {
  const { tokens, experts, counts } = plan;
  const pairs = plan.tokenIndex.length;
  const mean = pairs / experts;
  let variance = 0;
  let maxLoad = 0;
  let loadEntropy = 0;
  for (let e = 0; e < experts; e++) {
    variance += (counts[e] - mean) ** 2 / experts;
    maxLoad = Math.max(maxLoad, counts[e]);
    if (counts[e] > 0) loadEntropy -= (counts[e] / pairs) * Math.log(counts[e] / pairs);
  }
  let routingEntropy = NaN;
  if (plan.probabilities) {
    const p = await plan.probabilities.data();
    const width = plan.probabilities.shape[plan.probabilities.rank - 1];
    const rows = p.length / width;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += Math.max(p[r * width + j], 0);
      let h = 0;
      for (let j = 0; j < width; j++) {
        const q = Math.max(p[r * width + j], 0) / s;
        if (q > 0) h -= q * Math.log(q);
      }
      total += s > 0 ? h : 0;
    }
    routingEntropy = rows > 0 ? total / rows : NaN;
  }
  const selected = pairs + plan.droppedPairs;
  return {
    load: counts.slice(),
    pairs,
    loadCv: mean > 0 ? Math.sqrt(variance) / mean : 0,
    loadEntropy,
    maxLoadRatio: mean > 0 ? maxLoad / mean : 0,
    routingEntropy,
    droppedFraction: selected > 0 ? plan.droppedPairs / selected : 0,
    unroutedTokens: plan.unroutedTokens,
    unroutedFraction: tokens > 0 ? plan.unroutedTokens / tokens : 0,
    expertsPerToken: tokens > 0 ? pairs / tokens : 0,
  };
}

/** The scalar statistics as a record for `plan.stats` (drops the load array and NaNs). */
export function statsRecord(stats: RoutingStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(stats)) {
    if (typeof value === 'number' && !Number.isNaN(value)) out[key] = value;
  }
  return out;
}

/**
 * Each token's top-1 expert: the argmax of its row of `plan.probabilities` (defined even for
 * tokens left unrouted), else its highest-weight pair, else −1. int32 [tokens].
 */
export async function topExpert(plan: RoutingPlan): Promise<Int32Array> {
  const out = new Int32Array(plan.tokens).fill(-1);
  if (plan.probabilities) {
    const p = await plan.probabilities.data();
    const n = plan.probabilities.shape[plan.probabilities.rank - 1];
    for (let t = 0; t < plan.tokens; t++) {
      let best = 0;
      for (let j = 1; j < n; j++) if (p[t * n + j] > p[t * n + best]) best = j;
      out[t] = best;
    }
    return out;
  }
  const w = await plan.weight.data();
  const bestWeight = new Float64Array(plan.tokens).fill(-Infinity);
  for (let q = 0; q < plan.tokenIndex.length; q++) {
    const t = plan.tokenIndex[q];
    if (w[q] > bestWeight[t]) {
      bestWeight[t] = w[q];
      out[t] = plan.expertIndex[q];
    }
  }
  return out;
}

/**
 * Routing fluctuation (StableMoE): the fraction of tokens whose top-1 expert differs between
 * two checkpoints, given each one's top-1 experts for the same tokens (see `topExpert`).
 */
export function routingFluctuation(before: Int32Array, after: Int32Array): number {
  if (before.length !== after.length) throw new Error(`routingFluctuation: ${before.length} tokens before but ${after.length} after; route the same tokens`);
  if (before.length === 0) return 0;
  let changed = 0;
  for (let t = 0; t < before.length; t++) if (before[t] !== after[t]) changed++;
  return changed / before.length;
}
