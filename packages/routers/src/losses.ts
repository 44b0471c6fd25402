/**
 * Auxiliary losses of routing (docs/routing.md §7), as pure functions of score tensors, each built
 * from @smoe/tensor ops so its gradient reaches the router.
 *
 * - Switch balance loss (Fedus et al., "Switch Transformers", 2021):
 *     L_bal = N · Σ_j f_j · P_j,  f_j = fraction of assignments to expert j,
 *     P_j = mean over tokens of softmax(S)_j.            Default coefficient 0.01.
 * - Router z-loss (Zoph et al., "ST-MoE", 2022): mean_i (logsumexp_j S_ij)².   Default 1e-3.
 * - Importance loss (Shazeer et al., "Outrageously Large Neural Networks", 2017):
 *     CV(Σ_i G_ij)², G the (sparse) gates.
 * - Load loss (same paper): CV(Σ_i P(H_ij ∈ top-k))², the probability that expert j stays in
 *     the top k when the noise is redrawn, through the normal CDF.
 * - StableMoE balance loss (Dai et al. 2022):
 *     (1/T) Σ_j ((|A_j| − n̄)/n̄) Σ_{t∈A_j} σ(s_tj),  n̄ = pairs / N.
 * - Entropy loss ("Harder Tasks Need More Experts", Huang et al. 2024): mean_i H(softmax(S_i)),
 *     which pushes top-p routing to sharp distributions.
 */
import {
  abs,
  add,
  exp,
  greater,
  greaterEqual,
  indexSelect,
  logSoftmax,
  logSumExp,
  mean,
  mul,
  neg,
  reshape,
  scalar,
  softmax,
  sub,
  sum,
  square,
  div,
  tensor,
  topk,
  where,
  gather,
  zeros,
  type Tensor,
} from '@smoe/tensor';

function checkMatrix(op: string, t: Tensor): void {
  if (t.rank !== 2) throw new Error(`${op}: expected a [tokens, experts] matrix, got shape [${t.shape.join(', ')}]`);
}

/** Squared coefficient of variation of a vector, var/mean² (population variance), ε-guarded. */
export function cvSquared(values: Tensor): Tensor {
  const m = mean(values);
  const variance = mean(square(sub(values, m)));
  return div(variance, add(square(m), 1e-10));
}

/**
 * Switch balance loss N · Σ_j f_j P_j. `probabilities`: [tokens, experts] softmax(S);
 * `demand`: [experts] assignments per expert (before capacity), normalised here to fractions.
 */
export function switchBalanceLoss(probabilities: Tensor, demand: ArrayLike<number>): Tensor {
  checkMatrix('switchBalanceLoss', probabilities);
  const experts = probabilities.shape[1];
  if (demand.length !== experts) throw new Error(`switchBalanceLoss: demand has ${demand.length} entries for ${experts} experts`);
  let total = 0;
  for (let j = 0; j < experts; j++) total += demand[j];
  const fractions = new Float32Array(experts);
  for (let j = 0; j < experts; j++) fractions[j] = total > 0 ? demand[j] / total : 0;
  // [experts]: mean routing probability per expert.
  const meanProbability = mean(probabilities, 0);
  return mul(sum(mul(meanProbability, tensor(fractions))), experts);
}

/** Router z-loss: mean over tokens of logsumexp(S_i)². `logits`: [tokens, experts]. */
export function zLoss(logits: Tensor): Tensor {
  checkMatrix('zLoss', logits);
  return mean(square(logSumExp(logits)));
}

/** Importance loss CV(Σ_i G_ij)². `gates`: [tokens, experts] (softmax, or the sparse gates of the selection). */
export function importanceLoss(gates: Tensor): Tensor {
  checkMatrix('importanceLoss', gates);
  return cvSquared(sum(gates, 0));
}

/** Standard normal CDF Φ(z) = (1 + erf(z/√2))/2, erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), from ops. */
export function normalCdf(z: Tensor): Tensor {
  const x = mul(z, Math.SQRT1_2);
  const ax = abs(x);
  const t = div(1, add(mul(ax, 0.3275911), 1));
  let poly = mul(t, 1.061405429);
  for (const a of [-1.453152027, 1.421413741, -0.284496736, 0.254829592]) poly = mul(add(poly, a), t);
  const y = sub(1, mul(poly, exp(neg(square(ax)))));
  const erf = where(greaterEqual(x, 0), y, neg(y));
  return mul(add(erf, 1), 0.5);
}

/**
 * Shazeer's load loss for noisy top-k: P_ij = Φ((S_ij − θ_ij) / σ_ij) where θ_ij is the k-th
 * largest noisy logit of row i excluding (i, j) itself; the loss is CV(Σ_i P_ij)².
 * `clean` S, `noisy` H = S + ε·σ, `noiseStd` σ: [tokens, experts]. With k = experts every
 * expert is always kept and the loss is 0.
 */
export function noisyLoadLoss(clean: Tensor, noisy: Tensor, noiseStd: Tensor, k: number): Tensor {
  checkMatrix('noisyLoadLoss', clean);
  const [tokens, experts] = clean.shape;
  if (k >= experts) return zeros([]);
  // [tokens, k+1]: the k+1 largest noisy logits; column k−1 is the threshold for experts
  // outside the top k, column k the threshold for those inside it.
  const top = topk(noisy, k + 1).values;
  const pick = (column: number): Tensor => gather(top, tensor(new Int32Array(tokens).fill(column), [tokens, 1], { dtype: 'int32' }));
  const thresholdIn = pick(k);
  const thresholdOut = pick(k - 1);
  const isIn = greater(noisy, thresholdIn);
  const probabilityIn = normalCdf(div(sub(clean, thresholdIn), noiseStd));
  const probabilityOut = normalCdf(div(sub(clean, thresholdOut), noiseStd));
  const probability = where(isIn, probabilityIn, probabilityOut);
  return cvSquared(sum(reshape(probability, [tokens, experts]), 0));
}

/**
 * StableMoE balance loss, (1/T)·Σ_j ((|A_j| − n̄)/n̄)·Σ_{t∈A_j} σ(s_tj). `gates`: [tokens,
 * experts] σ(S); the assignment is the plan's pairs (`token`, `expert`, per-expert `counts`).
 */
export function stableBalanceLoss(gates: Tensor, token: Int32Array, expert: Int32Array, counts: Int32Array): Tensor {
  checkMatrix('stableBalanceLoss', gates);
  const [tokens, experts] = gates.shape;
  const pairs = token.length;
  if (pairs === 0) return zeros([]);
  const target = pairs / experts;
  const position = new Int32Array(pairs);
  const coefficient = new Float32Array(pairs);
  for (let p = 0; p < pairs; p++) {
    position[p] = token[p] * experts + expert[p];
    coefficient[p] = (counts[expert[p]] - target) / target;
  }
  const selected = indexSelect(reshape(gates, [-1]), 0, tensor(position));
  return div(sum(mul(selected, tensor(coefficient))), tokens);
}

/** Mean entropy of the routing distributions softmax(S_i). `logits`: [tokens, experts]. */
export function entropyLoss(logits: Tensor): Tensor {
  checkMatrix('entropyLoss', logits);
  return neg(mean(sum(mul(softmax(logits), logSoftmax(logits)), -1)));
}

/** A scalar 0 (for strategies whose losses are off). */
export function zeroLoss(): Tensor {
  return scalar(0);
}
