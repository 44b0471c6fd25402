/**
 * Hash routing ("Hash Layers For Large Sparse Models", Roller et al. 2021): a token goes to
 * the expert given by a fixed hash of its token id — no router parameters, no scores, perfect
 * consistency between training and inference.
 *
 *   expert(t) = h_seed(id_t) mod N      h: a 32-bit integer mix (murmur3's finaliser)
 *   w = 1
 *
 * Defaults: seed 0.
 */
import { buildPlan } from '../build-plan.js';
import type { RoutingPlan } from '../plan.js';

/** murmur3's 32-bit finaliser of (id, seed): a fixed, well-mixed hash. */
export function hashTokenId(id: number, seed = 0): number {
  let h = (id ^ Math.imul(seed + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hash routing of `tokenIds` over `experts` experts, one expert per token with weight 1. */
export async function hashSelect(tokenIds: Int32Array, experts: number, options: { seed?: number } = {}): Promise<RoutingPlan> {
  if (!Number.isInteger(experts) || experts < 1) throw new Error(`hash: experts = ${experts} must be a positive integer`);
  const seed = options.seed ?? 0;
  const tokens = tokenIds.length;
  const token = new Int32Array(tokens);
  const expert = new Int32Array(tokens);
  for (let t = 0; t < tokens; t++) {
    token[t] = t;
    expert[t] = hashTokenId(tokenIds[t], seed) % experts;
  }
  return buildPlan({ tokens, experts, token, expert, stats: { seed } });
}
