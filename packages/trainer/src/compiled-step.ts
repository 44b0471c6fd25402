/**
 * The training step compiled: `eagerStep`'s contract (train-step.ts), run through
 * @smoe/tensor's `compile`, so its kernels — forward, backward, clipping, the optimizer update —
 * run as a few fused plans instead of one kernel call at a time. Host decisions the step makes
 * (the routers' bookkeeping, the finite-loss check, the clipping decision) split it into parts
 * (`hostReads: 'split'`), with exactly the eager step's results. The parameters and the
 * optimizer's state are the compiled step's state: fed in, and read back updated.
 *
 * Where a step cannot be compiled at all (`NotCompilableError`: a synchronous host read), the
 * step runs eagerly from then on and `fallbackReason` says why. Browser-safe.
 */
import { compile, NotCompilableError, type CompiledStep, type ExecutorKind } from '@smoe/tensor';
import { eagerStep, type StepInput, type StepOutcome } from './train-step.js';

/** A training step with `eagerStep`'s contract that runs compiled where it can. */
export class CompiledTrainStep {
  private compiled: CompiledStep<[StepInput<unknown>], StepOutcome> | undefined;
  private input: StepInput<unknown> | undefined;
  /** Why the step runs eagerly (null while it runs compiled). */
  fallbackReason: string | null = null;

  /** The executor of the last compiled part ('fused-threaded' on threaded webasm), or 'eager'. */
  get executorKind(): ExecutorKind | 'eager' | undefined {
    return this.fallbackReason ? 'eager' : this.compiled?.executorKind;
  }

  /** Plans compiled so far: stays fixed once every part of the step has been seen. */
  get compilations(): number {
    return this.compiled?.compilations ?? 0;
  }

  /** Plans the last step ran (1 unless host decisions split it). */
  get parts(): number {
    return this.compiled?.parts ?? 0;
  }

  /** One step; the same outcome as `eagerStep(input)`. */
  async run<B>(input: StepInput<B>): Promise<StepOutcome> {
    if (this.fallbackReason) return eagerStep(input);
    this.input = input as StepInput<unknown>;
    this.compiled ??= compile((step: StepInput<unknown>) => eagerStep(step), {
      hostReads: 'split',
      state: () => {
        const { parameters, optimizer } = this.input!;
        return [...parameters.map(([, p]) => p), ...Object.values(optimizer.state().tensors)];
      },
    });
    try {
      return await this.compiled.run(input as StepInput<unknown>);
    } catch (error) {
      if (!(error instanceof NotCompilableError)) throw error;
      this.fallbackReason = error.message;
      this.compiled.dispose();
      return eagerStep(input);
    }
  }

  /** Releases the compiled plans. */
  dispose(): void {
    this.compiled?.dispose();
  }
}
