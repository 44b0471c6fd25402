/**
 * MoEModel: what every model of this package shares — a `body` (the transformer Backbone, or a
 * pre-trained model wrapped by a head) that the routing controls reach through:
 * the VQMoE regime switch, the training-free selection swap, the training progress routers
 * follow, and the non-parameter state checkpoints hold. One definition, delegated to `body`.
 */
import { Module } from '@smoe/tensor';
import { checkBufferNames, underPrefix, withPrefix } from './buffers.js';
import type { VQRegime } from './vqmoe.js';
import type { SelectionConfig } from './router_config.js';

/** What a model's body offers the routing controls (Backbone, or another MoEModel). */
export interface RoutedBody extends Module {
  setRegime(regime: VQRegime): void;
  setSelection(selection: SelectionConfig | null): void;
  setProgress(step: number, totalSteps?: number): void;
}

export abstract class MoEModel extends Module {
  abstract body: RoutedBody;

  /** Switches every VQMoE layer between 'mixed' (pre-training) and 'discrete' (fine-tuning, inference); `config` follows. */
  setRegime(regime: VQRegime): void {
    this.body.setRegime(regime);
  }

  /** Tells the routers where training stands, for forward passes that do not say (the trainer calls this before each step). */
  setProgress(step: number, totalSteps?: number): void {
    this.body.setProgress(step, totalSteps);
  }

  /** Swaps every MoE layer's selection rule over its trained router, e.g. { rule: 'usmoe', topK: 1.5 } (training-free USMoE); null restores it. */
  setSelection(selection: SelectionConfig | null): void {
    this.body.setSelection(selection);
  }

  /** Non-parameter state for checkpoints: router state and the dropout / routing-noise generator (see Backbone.buffers). */
  override async buffers(): Promise<Record<string, Float32Array>> {
    return withPrefix('body', await this.body.buffers());
  }

  /** Restores what `buffers()` returned. */
  override loadBuffers(state: Record<string, Float32Array>): void {
    checkBufferNames(`${this.constructor.name}.loadBuffers`, state, ['body']);
    this.body.loadBuffers(underPrefix('body', state));
  }
}
