/**
 * What the papers measure about routing (docs/routing.md §7), computed from a routing plan (the
 * generic part by @smoe/routers' `routingStats`, re-run here because the layer's capacity may
 * drop pairs after the router):
 * - load per expert (pairs kept) and its coefficient of variation CV = std / mean
 *   (0 = perfectly balanced), the load entropy and the largest load over the mean;
 * - routing entropy: mean over tokens of −Σ_j p_tj ln p_tj of the router's probabilities, in
 *   nats (ln N = uniform; 0 = one-hot), when the strategy exposes probabilities;
 * - dropped fraction (pairs dropped by capacity / pairs selected), tokens with 0 experts, and
 *   average experts per token (kept pairs / tokens; USMoE and expert choice vary it);
 * - VQ code usage of the batch: perplexity exp(H(code histogram)) (K = every code used
 *   equally) and the fraction of codes no token used;
 * - routing fluctuation (StableMoE, Dai et al. 2022): the fraction of tokens whose top-1 expert
 *   differs between two plans on the same tokens (two checkpoints, two steps);
 * - representation collapse (X-MoE, Chi et al. 2022): the effective rank of a layer's inputs
 *   (Roy & Vetterli 2007: exp of the entropy of the normalised singular values; of the
 *   uncentred rows) and the mean cosine similarity between experts' outputs on the same tokens.
 * Everything here reads values on the host and records no gradient.
 */
import { noGrad, type Tensor } from '@smoe/tensor';
import { routingFluctuation, routingStats as planStats, topExpert, type RoutingPlan } from '@smoe/routers';
import { codeCounts, deadFraction, perplexity } from '@smoe/vq';
import type { Experts } from './experts.js';

/** Statistics of one layer's routing of one batch (field names as @smoe/routers' `routingStats`). */
export interface RoutingStats {
  tokens: number;
  experts: number;
  /** Pairs kept (after capacity). */
  pairs: number;
  /** [experts] pairs each expert kept. */
  load: number[];
  /** Coefficient of variation of the load (population std / mean); 0 is perfect balance. */
  loadCv: number;
  /** Entropy (nats) of the load distribution; ln(experts) is perfect balance. */
  loadEntropy: number;
  /** Largest load over the mean load (1 = balanced). */
  maxLoadRatio: number;
  /** Mean per-token entropy (nats) of the routing probabilities; null when the plan has none. */
  routingEntropy: number | null;
  /** Pairs dropped by capacity / pairs selected. */
  droppedFraction: number;
  /** Tokens that received no expert, and their fraction. */
  unroutedTokens: number;
  unroutedFraction: number;
  /** Kept pairs / tokens (of the plan that routes the output; the continuous one in VQMoE's mixed regime). */
  expertsPerToken: number;
  /**
   * Expert FFN evaluations per token that actually ran in the layer (padding rows excluded):
   * both paths in VQMoE's mixed regime, all N experts where CompeteSMoE ran its competition.
   * Equal to expertsPerToken unless a layer runs more than its plan. Set by the MoE layer.
   */
  expertRunsPerToken: number;
  /** VQ routing: perplexity of this batch's codes (1 … codebook size); null without codes. */
  codePerplexity: number | null;
  /** VQ routing: fraction of the codebook this batch left unused; null without codes. */
  deadCodeFraction: number | null;
  /** The strategy's own statistics (plan.stats, less the generic ones above). */
  strategy: Record<string, number>;
}

/** Options of `routingStats`. */
export interface RoutingStatsOptions {
  /** Codebook size for code usage (default: experts, or the largest code + 1 if larger). */
  codebookSize?: number;
}

/** Perplexity of `codes` over a codebook of `size` entries and the fraction of codes unused. */
export function codeUsage(codes: Int32Array, size: number): { perplexity: number; deadFraction: number } {
  const counts = codeCounts(codes, size);
  return { perplexity: perplexity(counts), deadFraction: deadFraction(counts, 1) };
}

/** The statistics of a plan (host bookkeeping plus one read of the probabilities, if any). */
export async function routingStats(plan: RoutingPlan, options: RoutingStatsOptions = {}): Promise<RoutingStats> {
  const base = await planStats(plan);
  let codePerplexity: number | null = null;
  let deadCodeFraction: number | null = null;
  if (plan.codes) {
    const size = Math.max(options.codebookSize ?? plan.experts, plan.codes.reduce((m, c) => Math.max(m, c + 1), 0));
    ({ perplexity: codePerplexity, deadFraction: deadCodeFraction } = codeUsage(plan.codes, size));
  }
  const generic = new Set(Object.keys(base));
  return {
    ...base,
    tokens: plan.tokens,
    experts: plan.experts,
    load: Array.from(base.load),
    routingEntropy: Number.isNaN(base.routingEntropy) ? null : base.routingEntropy,
    codePerplexity,
    deadCodeFraction,
    expertRunsPerToken: base.expertsPerToken,
    strategy: Object.fromEntries(Object.entries(plan.stats).filter(([k]) => !generic.has(k))),
  };
}

const metricKeys = ['loadCv', 'loadEntropy', 'maxLoadRatio', 'routingEntropy', 'droppedFraction', 'unroutedFraction', 'expertsPerToken', 'expertRunsPerToken', 'codePerplexity', 'deadCodeFraction'] as const;

/** Flattens statistics into metric names (`prefix.loadCv`, …) for logs; per-expert load and nulls are left out. */
export function statsToMetrics(stats: RoutingStats, prefix = ''): Record<string, number> {
  const p = prefix ? `${prefix}.` : '';
  const out: Record<string, number> = {};
  for (const key of metricKeys) {
    const v = stats[key];
    if (v !== null) out[`${p}${key}`] = v;
  }
  for (const [k, v] of Object.entries(stats.strategy)) out[`${p}${k}`] = v;
  return out;
}

/** Averages several layers' statistics by metric name (a metric absent from a layer is averaged over the others). */
export function averageStats(all: readonly RoutingStats[]): Record<string, number> {
  const sums = new Map<string, { total: number; n: number }>();
  for (const s of all) {
    for (const [k, v] of Object.entries(statsToMetrics(s))) {
      const entry = sums.get(k) ?? { total: 0, n: 0 };
      entry.total += v;
      entry.n += 1;
      sums.set(k, entry);
    }
  }
  return Object.fromEntries([...sums].map(([k, { total, n }]) => [k, total / n]));
}

/** Routing fluctuation between two plans over the same tokens: the fraction whose top-1 expert changed. */
export async function planFluctuation(a: RoutingPlan, b: RoutingPlan): Promise<number> {
  return routingFluctuation(await topExpert(a), await topExpert(b));
}

// Eigenvalues of a symmetric matrix (cyclic Jacobi); d ≤ a few hundred, on the host.
function symmetricEigenvalues(matrix: Float64Array, d: number): Float64Array {
  const a = Float64Array.from(matrix);
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q] ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: d }, (_, i) => a[i * d + i]);
}

/** Effective rank of the rows of x [rows, dim] (1 … dim; dim = isotropic, 1 = collapsed onto a line). */
export async function effectiveRank(x: Tensor): Promise<number> {
  const d = x.shape[x.rank - 1];
  const gram = await noGrad(() => x.reshape([-1, d]).matmul(x.reshape([-1, d]), { transposeA: true })).data();
  const eigen = symmetricEigenvalues(Float64Array.from(gram), d);
  const singular = Array.from(eigen, (l) => Math.sqrt(Math.max(l, 0)));
  const total = singular.reduce((s, v) => s + v, 0);
  if (total === 0) return 0;
  let h = 0;
  for (const s of singular) if (s > 0) h -= (s / total) * Math.log(s / total);
  return Math.exp(h);
}

/** Mean cosine similarity between the outputs of every pair of experts on the tokens x [tokens, dim]. */
export async function expertOutputSimilarity(experts: Experts, x: Tensor): Promise<number> {
  if (experts.experts < 2) return 1;
  const outputs = await noGrad(() => experts.all(x)).data(); // [experts, tokens, dim]
  const [tokens, dim] = x.shape;
  const e = experts.experts;
  const norms = new Float64Array(e * tokens);
  for (let i = 0; i < e * tokens; i++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += outputs[i * dim + c] ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  let total = 0;
  let n = 0;
  for (let t = 0; t < tokens; t++) {
    for (let a = 0; a < e; a++) {
      for (let b = a + 1; b < e; b++) {
        const ia = a * tokens + t;
        const ib = b * tokens + t;
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += outputs[ia * dim + c] * outputs[ib * dim + c];
        total += dot / (norms[ia] * norms[ib]);
        n++;
      }
    }
  }
  return total / n;
}
