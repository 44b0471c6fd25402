/**
 * The training step compiled: `eagerStep`'s contract (train-step.ts), run through
 * @smoe/tensor's `compile`, so its kernels — forward, backward, clipping, the optimizer update —
 * run as a few fused plans instead of one kernel call at a time. Host decisions the step makes
 * (the routers' bookkeeping, the finite-loss check, the clipping decision) split it into parts
 * (`hostReads: 'split'`), with exactly the eager step's results. The parameters and the
 * optimizer's state are the compiled step's state: fed in, and read back updated.
 *
 * Where a step cannot be compiled at all (`NotCompilableError`: a synchronous host read), the
 * step runs eagerly from then on and `fallbackReason` says why. So it does where the step's
 * kernel sequence keeps changing with the data — a router that keeps a data-dependent number of
 * (token, expert) pairs, such as the causal thresholds of expert choice and USMoE, makes new
 * shapes nearly every step, and compiling a plan per step costs far more than running it eagerly:
 * once `changingLimit` of the last `changingWindow` steps (after the first `settlingSteps`)
 * compiled a new plan, the step runs eagerly. Browser-safe.
 */
import { compile, NotCompilableError, type CompiledStep, type ExecutorKind } from '@smoe/tensor';
import { eagerStep, type StepInput, type StepOutcome } from './train-step.js';

/** Steps that may compile new plans freely (the first step compiles every part; a few more may meet new host decisions). */
export const settlingSteps = 3;
/** The window of recent steps watched for new plans, and how many of them may compile one before the step runs eagerly. */
export const changingWindow = 8;
export const changingLimit = 4;

/** A training step with `eagerStep`'s contract that runs compiled where it can. */
export class CompiledTrainStep {
  private compiled: CompiledStep<[StepInput<unknown>], StepOutcome> | undefined;
  private input: StepInput<unknown> | undefined;
  private steps = 0;
  /** For each recent step past the settling ones: did it compile a new plan? */
  private recent: boolean[] = [];
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
      const before = this.compiled.compilations;
      const outcome = await this.compiled.run(input as StepInput<unknown>);
      if (++this.steps > settlingSteps) this.watchPlans(this.compiled.compilations > before);
      return outcome;
    } catch (error) {
      if (!(error instanceof NotCompilableError)) throw error;
      this.fallbackReason = error.message;
      this.compiled.dispose();
      return eagerStep(input);
    }
  }

  /** Falls back to eager steps once the plans keep changing with the data. */
  private watchPlans(compiledNew: boolean): void {
    this.recent.push(compiledNew);
    if (this.recent.length > changingWindow) this.recent.shift();
    const changing = this.recent.filter(Boolean).length;
    if (changing < changingLimit) return;
    this.fallbackReason = `the step's kernel sequence changes with the data: ${changing} of the last ${this.recent.length} steps compiled a new plan (a data-dependent number of routed pairs, e.g. causal thresholds); compiling per step costs more than running eagerly`;
    this.compiled!.dispose();
  }

  /** Releases the compiled plans. */
  dispose(): void {
    this.compiled?.dispose();
  }
}
