/**
 * A minimal token-choice top-k router implementing the `Router` interface, for tests that must
 * not depend on @smoe/routers' strategies: logits x·W, softmax, top-k, weights renormalised over
 * the selection, Switch balance loss.
 */
import { Module, Rng, indexSelect, init, softmax, tensor, type Tensor } from '@smoe/tensor';
import type { RouteContext, Router, RoutingPlan } from '@smoe/routers';

export class TopKRouter extends Module implements Router {
  readonly strategy = 'testTopK';
  readonly experts: number;
  readonly topK: number;
  gate: Tensor;

  constructor(options: { experts: number; dim: number; topK?: number; rng?: Rng }) {
    super();
    this.experts = options.experts;
    this.topK = options.topK ?? 2;
    this.gate = init.normal([options.dim, options.experts], 0.5, { rng: options.rng ?? new Rng(1) });
  }

  async route(x: Tensor, _context: RouteContext): Promise<RoutingPlan> {
    const tokens = x.shape[0];
    const k = this.topK;
    const probabilities = softmax(x.matmul(this.gate)); // [tokens, experts]
    const { values, indices } = probabilities.topk(k);
    const weights = values.div(values.sum(-1, true)).reshape([tokens * k]);
    const chosen = (await indices.data()) as Int32Array;
    const order = Array.from({ length: tokens * k }, (_, i) => i).sort((a, b) => chosen[a] - chosen[b] || a - b);
    const tokenIndex = Int32Array.from(order, (f) => Math.floor(f / k));
    const expertIndex = Int32Array.from(order, (f) => chosen[f]);
    const counts = new Int32Array(this.experts);
    for (const e of expertIndex) counts[e]++;
    const weight = indexSelect(weights, 0, tensor(Int32Array.from(order), [order.length], { dtype: 'int32' }));
    const fraction = tensor(Float32Array.from(counts, (c) => c / (tokens * k)));
    const balance = probabilities.mean(0).mul(fraction).sum().mul(this.experts);
    return {
      tokens,
      experts: this.experts,
      token: tensor(tokenIndex, [tokenIndex.length], { dtype: 'int32' }),
      expert: tensor(expertIndex, [expertIndex.length], { dtype: 'int32' }),
      tokenIndex,
      expertIndex,
      weight,
      counts,
      droppedPairs: 0,
      unroutedTokens: 0,
      auxLoss: balance.mul(0.01),
      losses: { balance },
      stats: {},
      probabilities,
    };
  }
}
