/**
 * The routing plan: what every router strategy produces and what the MoE layer consumes.
 *
 * A router maps the inputs of one MoE layer, x: [tokens, dim], to a set of selected
 * (token, expert, weight) pairs. The layer dispatches x[token] to expert, runs each expert on
 * its rows (a grouped matmul), scales by weight and scatter-adds back to the token:
 *   y_t = Σ_{(t, e, w) in plan} w · E_e(x_t)
 * Tokens may get 0 experts (expert choice, USMoE); the residual connection carries them.
 */
import type { Module, Rng, Tensor } from '@smoe/tensor';

/** What a router needs to know beyond the inputs. */
export interface RouteContext {
  /** Training mode (noise, capacity factor for training, growing k, stage-1 distillation…). */
  training: boolean;
  /**
   * Tokens per group for strategies that select within a group (expert choice, USMoE: one
   * sequence or one image). Must divide the token count. Default: all tokens form one group.
   */
  groupSize?: number;
  /**
   * The model is causal (a decoder LM): a token's routing may depend only on itself and the
   * tokens before it in its sequence (groups of `groupSize` consecutive positions). Rules that
   * compare tokens (expert choice, USMoE, capacity) then use their causal forms
   * (docs/routing.md §2). Default false (encoders, classifiers, ViTs).
   */
  causal?: boolean;
  /**
   * Evaluation-time calibration: like training, the causal rules update their thresholds from
   * this batch (after routing it), without training anything. Used once on held-out batches
   * before evaluating a training-free swap (USMoE on a token-choice model). Default false.
   */
  calibrate?: boolean;
  /**
   * Optimisation progress: updates done before this forward (0 during the first step) and the
   * total (SMoE-Dropout's growing k, StableMoE's stage switch). The trainer sets both.
   */
  step?: number;
  totalSteps?: number;
  /** Generator for noise / random choices; the global one when absent. */
  rng?: Rng;
  /** Token ids [tokens] (hash routing). */
  tokenIds?: Int32Array;
  /**
   * Per-expert output norms ‖E_j(x_t)‖: [tokens, experts], supplied by the layer on demand
   * (CompeteSMoE's competition runs every expert).
   */
  expertOutputNorms?: () => Tensor;
}

/**
 * The plan: selected pairs sorted by expert then token, with losses and statistics. Its tensors
 * have `rows` ≥ pairs entries: the pairs, then (inside a compiled step) padding pairs of weight 0
 * (token 0, the last expert) that keep their shapes in a few buckets (build-plan.ts); the host
 * copies list the real pairs only (pairs = tokenIndex.length).
 */
export interface RoutingPlan {
  /** Number of tokens and experts routed over. */
  tokens: number;
  experts: number;
  /** int32 [rows]: the token of each selected pair, then padding (token 0). */
  token: Tensor;
  /** int32 [rows]: the expert of each selected pair (non-decreasing), then padding (the last expert). */
  expert: Tensor;
  /** Host copies of the real pairs of `token` and `expert` (bookkeeping: counts, statistics). */
  tokenIndex: Int32Array;
  expertIndex: Int32Array;
  /** float32 [rows]: combine weights, differentiable to the router's parameters where the method says so; 0 on padding. */
  weight: Tensor;
  /** [experts]: pairs kept per expert (after capacity). */
  counts: Int32Array;
  /** Pairs the strategy selected but capacity dropped. */
  droppedPairs: number;
  /** Tokens that received no expert. */
  unroutedTokens: number;
  /** Scalar: the weighted sum of the strategy's auxiliary losses, to add to the task loss (null if none). */
  auxLoss: Tensor | null;
  /** Named, unweighted auxiliary losses (balance, z, importance, vq, distillation, imitation…). */
  losses: Record<string, Tensor>;
  /** Named statistics of this routing (load cv, entropy, experts per token…), docs/routing.md §7. */
  stats: Record<string, number>;
  /** [tokens, experts] routing probabilities or scores, when the strategy has them (fluctuation, analysis). */
  probabilities?: Tensor;
  /** VQ routing: [tokens, dim] the straight-through quantized inputs q̃ (the discrete path's input). */
  quantized?: Tensor;
  /** VQ routing: int32 [tokens] code index of each token. */
  codes?: Int32Array;
  /** [experts]: pairs the selection rule assigned per expert before capacity (the Switch balance loss's f_j). */
  demand?: Int32Array;
  /** Per-expert capacity that was applied (pairs); absent when the routing was dropless. */
  capacity?: number;
  /** Host copies of the pairs capacity dropped (token and expert of each), by token. */
  droppedTokenIndex?: Int32Array;
  droppedExpertIndex?: Int32Array;
}

/** A router strategy with its parameters and state: a module whose `route` builds a plan. */
export interface Router extends Module {
  /** Registered strategy name ('tokenChoice', 'expertChoice', 'usmoe', 'vq', …). */
  readonly strategy: string;
  /** Number of experts. */
  readonly experts: number;
  /** Routes x: [tokens, dim]. */
  route(x: Tensor, context: RouteContext): Promise<RoutingPlan>;
  /**
   * Non-trainable state a checkpoint must keep besides the parameters (the auxiliary-loss-free
   * bias, StableMoE's stage), by name. Absent when the router has none.
   */
  routerState?(): Promise<Record<string, Float32Array>>;
  /** Restores what `routerState` returned. */
  loadRouterState?(state: Record<string, Float32Array>): void;
}
