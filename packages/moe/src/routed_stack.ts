/**
 * RoutedStack: what a stack of transformer blocks with MoE layers offers its model — the MoE
 * layers with their block index, the sum of their auxiliary losses and their routing statistics
 * after a forward pass, the routing controls (VQMoE regime, training-free selection swap,
 * training progress) and the non-parameter state checkpoints hold. Backbone (GPT-2 / ViT
 * blocks) and DecoderBody (Transformers' Mixtral / Qwen2-MoE / OLMoE blocks) share it.
 */
import { Module, Rng, type Tensor } from '@smoe/tensor';
import { checkBufferNames, decodeRngState, encodeRngState, underPrefix, withPrefix } from './buffers.js';
import type { MoELayer } from './moe_layer.js';
import type { ResolvedVQMoEConfig, VQRegime } from './vqmoe.js';
import type { SelectionConfig } from './router_config.js';
import type { RoutingStats } from './statistics.js';
import { invalid } from './validate.js';

/** Context for one forward pass of a model (beyond training mode); defaults to the model's `setProgress`. */
export interface ForwardOptions {
  /** Optimisation step and total steps (growing k, schedules). */
  step?: number;
  totalSteps?: number;
  /**
   * Calibrate the causal routing thresholds on this batch (in evaluation mode, before
   * evaluating a swapped selection rule such as training-free USMoE; docs/routing.md §3).
   */
  calibrate?: boolean;
  /**
   * Route causally in this pass (default: the layers' `causalRouting`); false lets the
   * sequence-level rules read the whole sequence, e.g. to embed whole messages (embed.ts).
   */
  causalRouting?: boolean;
}

/** What every mixture-of-experts layer (routed, Soft MoE, MoE++) reports after a forward pass. */
export interface MixtureLayer {
  auxLoss: Tensor | null;
  lastStats: RoutingStats | null;
}

/** The part of a model config the routing controls keep in step with the layers. */
export interface RoutedConfig {
  moe: { selection: SelectionConfig | null; vq: ResolvedVQMoEConfig | null } | null;
}

export abstract class RoutedStack extends Module {
  abstract readonly config: RoutedConfig;
  /** The blocks: `moe` is a routed MoE layer, `mixture` any mixture-of-experts layer (Soft MoE and MoE++ too). */
  abstract blocks: Array<{ readonly moe: MoELayer | null; readonly mixture?: MixtureLayer | null }>;
  /** Dropout and routing noise. */
  abstract readonly rng: Rng;
  /** Training progress handed to the routers when a forward pass does not give it (SMoE-Dropout's growing k, StableMoE's stage switch). */
  progress: ForwardOptions = {};

  /** Where training stands, for forward passes that do not say. */
  setProgress(step: number, totalSteps?: number): void {
    this.progress = { step, totalSteps };
  }

  /** The MoE layers with their block index. */
  moeLayers(): Array<{ layer: number; moe: MoELayer }> {
    return this.blocks.flatMap((b, layer) => (b.moe ? [{ layer, moe: b.moe }] : []));
  }

  /** Every mixture-of-experts layer (routed, Soft MoE, MoE++) with its block index. */
  mixtureLayers(): Array<{ layer: number; moe: MixtureLayer }> {
    return this.blocks.flatMap((b, layer) => {
      const mixture = b.mixture ?? b.moe;
      return mixture ? [{ layer, moe: mixture }] : [];
    });
  }

  /** The sum of the mixture layers' auxiliary losses after a forward pass (null if none). */
  auxLoss(): Tensor | null {
    const losses = this.mixtureLayers().flatMap(({ moe }) => (moe.auxLoss ? [moe.auxLoss] : []));
    return losses.length ? losses.reduce((a, b) => a.add(b)) : null;
  }

  /** Per-layer routing statistics after a forward pass. */
  routing(): Array<{ layer: number; stats: RoutingStats }> {
    return this.mixtureLayers().flatMap(({ layer, moe }) => (moe.lastStats ? [{ layer, stats: moe.lastStats }] : []));
  }

  /** Switches every VQMoE layer's regime. */
  setRegime(regime: VQRegime): void {
    const layers = this.moeLayers().filter(({ moe }) => moe.regime !== null);
    if (!layers.length) invalid('setRegime', 'moe.vq', null, 'a model with VQMoE layers');
    for (const { moe } of layers) moe.setRegime(regime);
    if (this.config.moe?.vq) this.config.moe.vq = { ...this.config.moe.vq, regime };
  }

  /** Swaps every MoE layer's selection rule over its trained router (null: back to the trained rule). */
  setSelection(selection: SelectionConfig | null): void {
    const layers = this.moeLayers();
    if (!layers.length) invalid('setSelection', 'moe', null, 'a model with MoE layers');
    for (const { moe } of layers) moe.setSelection(selection);
    if (this.config.moe) this.config.moe.selection = selection;
  }

  /** Buffers for checkpoints: each MoE layer's router state (`blocks.<i>.ffn.…`) and the dropout / routing-noise generator (`rng`). */
  override async buffers(): Promise<Record<string, Float32Array>> {
    let out: Record<string, Float32Array> = { rng: encodeRngState(this.rng.state()) };
    for (const { layer, moe } of this.moeLayers()) out = { ...out, ...withPrefix(`blocks.${layer}.ffn`, await moe.buffers()) };
    return out;
  }

  /** Restores what `buffers()` returned. */
  override loadBuffers(state: Record<string, Float32Array>): void {
    const layers = this.moeLayers();
    checkBufferNames('loadBuffers', state, ['rng', ...layers.map(({ layer }) => `blocks.${layer}.ffn`)]);
    if (state.rng) this.rng.restore(decodeRngState(state.rng));
    for (const { layer, moe } of layers) moe.loadBuffers(underPrefix(`blocks.${layer}.ffn`, state));
  }
}
