/**
 * Checking a routing plan's invariants — for tests, and for authors of new strategies:
 * pairs sorted by expert then token with no duplicate, host copies equal to the tensors,
 * counts and unrouted tokens consistent with the pairs, one weight per pair, capacity held,
 * padding rows (if any) of token 0, the last expert and weight 0.
 */
import type { RoutingPlan } from './plan.js';

/** Throws an error naming the first broken invariant of `plan`. */
export async function validatePlan(plan: RoutingPlan): Promise<void> {
  const fail = (message: string): never => {
    throw new Error(`validatePlan: ${message}`);
  };
  const { tokens, experts, tokenIndex, expertIndex } = plan;
  const pairs = tokenIndex.length;
  if (expertIndex.length !== pairs) fail(`${pairs} tokens but ${expertIndex.length} experts in the pair lists`);
  for (const [name, t] of [
    ['token', plan.token],
    ['expert', plan.expert],
    ['weight', plan.weight],
  ] as const) {
    if (t.rank !== 1 || t.shape[0] !== plan.token.size || t.shape[0] < pairs) fail(`${name} has shape [${t.shape.join(', ')}], expected [rows] with rows = token's ${plan.token.size} ≥ ${pairs} pairs`);
  }
  if (plan.token.dtype !== 'int32' || plan.expert.dtype !== 'int32') fail('token and expert must be int32 tensors');
  const [token, expert] = await Promise.all([plan.token.data(), plan.expert.data()]);
  const counts = new Int32Array(experts);
  const routed = new Uint8Array(tokens);
  for (let p = 0; p < pairs; p++) {
    if (token[p] !== tokenIndex[p] || expert[p] !== expertIndex[p]) fail(`pair ${p}: the tensors say (${token[p]}, ${expert[p]}), the host copies (${tokenIndex[p]}, ${expertIndex[p]})`);
    const t = tokenIndex[p];
    const e = expertIndex[p];
    if (!(t >= 0 && t < tokens && e >= 0 && e < experts)) fail(`pair ${p} (${t}, ${e}) is outside [${tokens}, ${experts}]`);
    if (p > 0) {
      const pe = expertIndex[p - 1];
      const pt = tokenIndex[p - 1];
      if (e < pe || (e === pe && t <= pt)) fail(`pairs ${p - 1} (${pt}, ${pe}) and ${p} (${t}, ${e}) are not sorted by expert then token (or repeat)`);
    }
    counts[e]++;
    routed[t] = 1;
  }
  if (plan.counts.length !== experts) fail(`counts has ${plan.counts.length} entries for ${experts} experts`);
  for (let e = 0; e < experts; e++) if (counts[e] !== plan.counts[e]) fail(`counts[${e}] = ${plan.counts[e]} but ${counts[e]} pairs go to expert ${e}`);
  const unrouted = tokens - routed.reduce((a, b) => a + b, 0);
  if (unrouted !== plan.unroutedTokens) fail(`unroutedTokens = ${plan.unroutedTokens} but ${unrouted} tokens have no pair`);
  if (plan.capacity !== undefined) {
    for (let e = 0; e < experts; e++) if (counts[e] > plan.capacity) fail(`expert ${e} holds ${counts[e]} pairs over its capacity ${plan.capacity}`);
  }
  if (plan.demand) {
    const demanded = plan.demand.reduce((a, b) => a + b, 0);
    if (demanded !== pairs + plan.droppedPairs) fail(`demand totals ${demanded} but ${pairs} pairs were kept and ${plan.droppedPairs} dropped`);
  }
  if (plan.droppedTokenIndex && plan.droppedTokenIndex.length !== plan.droppedPairs) fail(`droppedPairs = ${plan.droppedPairs} but ${plan.droppedTokenIndex.length} dropped pairs are listed`);
  const w = await plan.weight.data();
  for (let p = 0; p < pairs; p++) if (!Number.isFinite(w[p])) fail(`weight ${p} is ${w[p]}`);
  for (let p = pairs; p < plan.token.size; p++) {
    if (token[p] !== 0 || expert[p] !== experts - 1 || w[p] !== 0) fail(`padding row ${p} is (${token[p]}, ${expert[p]}) with weight ${w[p]}; padding is (0, ${experts - 1}) with weight 0`);
  }
  if (plan.probabilities && (plan.probabilities.rank !== 2 || plan.probabilities.shape[0] !== tokens || plan.probabilities.shape[1] !== experts)) {
    fail(`probabilities have shape [${plan.probabilities.shape.join(', ')}], expected [${tokens}, ${experts}]`);
  }
  if (plan.auxLoss && plan.auxLoss.size !== 1) fail(`auxLoss has ${plan.auxLoss.size} elements, expected a scalar`);
}
