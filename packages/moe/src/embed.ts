/**
 * MoEE — a trained MoE language model's routing weights as a sentence embedding, without
 * training ("Your Mixture-of-Experts LLM Is Secretly an Embedding Model For Free", Li and Zhou,
 * 2024; the training-free evaluation of the USMoE paper uses it too).
 *
 *   HS = pool_t h_L[t]                                   [modelDim]  the final hidden state
 *   RW = [pool_t p¹[t], …, pool_t pᴸ[t]]                 [L·N]       every MoE layer's routing
 *        probabilities p^l[t] (the router's distribution over its N experts, e.g. softmax(S))
 *   kind 'hidden':  HS        'routing':  RW        'concat':  [HS; RW]
 *   kind 'sum':     [HS/‖HS‖; √α·RW/‖RW‖], whose dot product is cos(HS) + α·cos(RW): MoEE's
 *                   sum of the two similarities, as one vector (its cosine is that sum / (1 + α))
 *   pool: the mean over the real tokens (mask), or the last real token
 *
 * The model runs in evaluation mode with no gradient; the selection rule in force (e.g. the
 * training-free USMoE swap, `model.setSelection`) decides which experts shape the hidden states
 * and what the routing weights are (USMoE's: its unified scores). An embedding reads the whole
 * message, so routing is sequence-level by default (`causalRouting` false: USMoE's global top-c
 * over the message, as the paper); attention stays causal.
 * Defaults: kind 'concat', pool 'mean', alpha 1, causalRouting false.
 */
import { noGrad, tensor, type Tensor } from '@smoe/tensor';
import type { LanguageModelBase } from './language_model.js';
import { checkNumber, checkOneOf, invalid, orDefault } from './validate.js';

/** Which vector `embed` returns. */
export type EmbeddingKind = 'hidden' | 'routing' | 'concat' | 'sum';
export const embeddingKinds: readonly EmbeddingKind[] = ['hidden', 'routing', 'concat', 'sum'];

/** Options of `embed`. */
export interface EmbedOptions {
  /** Default 'concat'. */
  kind?: EmbeddingKind;
  /** [batch, T]: 1 for real tokens, 0 for padding. Default: all real. */
  mask?: Float32Array;
  /** 'mean' over the real tokens (default) or the 'last' real token. */
  pool?: 'mean' | 'last';
  /** α, the routing similarity's weight in 'sum'. Default 1. */
  alpha?: number;
  /** Route with the causal rules (true) or the sequence-level ones (false, default). */
  causalRouting?: boolean;
}

/** Host pooling matrix [batch, batch·T]: row b averages (or picks the last of) sequence b's real tokens. */
export function poolingMatrix(mask: Float32Array, batch: number, length: number, pool: 'mean' | 'last'): Float32Array {
  const weights = new Float32Array(batch * batch * length);
  for (let b = 0; b < batch; b++) {
    const real: number[] = [];
    for (let t = 0; t < length; t++) if (mask[b * length + t] > 0) real.push(t);
    if (!real.length) invalid('embed', 'mask', `row ${b}`, 'at least one real token per sequence');
    const chosen = pool === 'last' ? [real[real.length - 1]] : real;
    for (const t of chosen) weights[b * batch * length + b * length + t] = 1 / chosen.length;
  }
  return weights;
}

/** Scales each row of x [rows, width] to unit L2 norm (zero rows stay zero), times `scale`. */
function unitRows(x: Float32Array, width: number, scale = 1): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / width; r++) {
    let norm = 0;
    for (let c = 0; c < width; c++) norm += x[r * width + c] ** 2;
    const f = norm > 0 ? scale / Math.sqrt(norm) : 0;
    for (let c = 0; c < width; c++) out[r * width + c] = x[r * width + c] * f;
  }
  return out;
}

/** Row-wise concatenation of [rows, a] and [rows, b]. */
function concatRows(x: Float32Array, a: number, y: Float32Array, b: number, rows: number): Float32Array {
  const out = new Float32Array(rows * (a + b));
  for (let r = 0; r < rows; r++) {
    out.set(x.subarray(r * a, (r + 1) * a), r * (a + b));
    out.set(y.subarray(r * b, (r + 1) * b), r * (a + b) + a);
  }
  return out;
}

/** Embeddings [batch, width] of the sequences ids [batch, T] (host ids, or an int32 tensor). */
export async function embed(model: LanguageModelBase, ids: Tensor | Int32Array, shape: readonly [number, number], options: EmbedOptions = {}): Promise<Tensor> {
  const kind = checkOneOf('embed', 'kind', orDefault(options.kind, 'concat'), embeddingKinds);
  return (await embedKinds(model, ids, shape, [kind], options))[kind] as Tensor;
}

/** Several kinds of embeddings of the same sequences from one forward pass (`options.kind` is ignored). */
export async function embedKinds(model: LanguageModelBase, ids: Tensor | Int32Array, shape: readonly [number, number], kinds: readonly EmbeddingKind[], options: EmbedOptions = {}): Promise<Partial<Record<EmbeddingKind, Tensor>>> {
  for (const kind of kinds) checkOneOf('embed', 'kind', kind, embeddingKinds);
  const pool = checkOneOf('embed', 'pool', orDefault(options.pool, 'mean'), ['mean', 'last'] as const);
  const alpha = checkNumber('embed', 'alpha', orDefault(options.alpha, 1), 0, 1e6);
  const [batch, length] = shape;
  const mask = options.mask ?? new Float32Array(batch * length).fill(1);
  if (mask.length !== batch * length) invalid('embed', 'mask.length', mask.length, `batch · T = ${batch * length}`);
  const layers = model.body.moeLayers();
  const needsRouting = kinds.some((kind) => kind !== 'hidden');
  if (needsRouting && !layers.length) invalid('embed', 'kind', kinds.join(', '), "'hidden' for a dense model (it has no routing weights)");
  const pooling = tensor(poolingMatrix(mask, batch, length, pool), [batch, batch * length]);
  const wasTraining = model.training;
  model.eval();
  try {
    return await noGrad(async () => {
      const h = await model.hidden(ids, shape, { causalRouting: options.causalRouting ?? false });
      const dim = h.shape[2];
      const hidden = (await pooling.matmul(h.reshape([batch * length, dim])).data()) as Float32Array;
      let routing: Float32Array = new Float32Array(0);
      let width = 0;
      for (const { layer, moe } of needsRouting ? layers : []) {
        const p = moe.lastPlan?.probabilities;
        if (!p) invalid('embed', `layer ${layer} router`, moe.router.strategy, 'a router that exposes routing probabilities (plan.probabilities)');
        routing = concatRows(routing, width, (await pooling.matmul(p).data()) as Float32Array, moe.config.experts, batch);
        width += moe.config.experts;
      }
      const out: Partial<Record<EmbeddingKind, Tensor>> = {};
      for (const kind of kinds) {
        if (kind === 'hidden') out.hidden = tensor(hidden, [batch, dim]);
        if (kind === 'routing') out.routing = tensor(routing, [batch, width]);
        if (kind === 'concat') out.concat = tensor(concatRows(hidden, dim, routing, width, batch), [batch, dim + width]);
        if (kind === 'sum') out.sum = tensor(concatRows(unitRows(hidden, dim), dim, unitRows(routing, width, Math.sqrt(alpha)), width, batch), [batch, dim + width]);
      }
      return out;
    });
  } finally {
    model.train(wasTraining);
  }
}
