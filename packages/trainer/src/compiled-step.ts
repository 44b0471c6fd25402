/**
 * The training step compiled: `eagerStep`'s contract (train-step.ts), run through
 * @smoe/tensor's `compile`, so its kernels — forward, backward, clipping, the optimizer update —
 * run as a few fused plans instead of one kernel call at a time. Host decisions the step makes
 * (the routers' bookkeeping, the finite-loss check, the clipping decision) split it into parts
 * (`hostReads: 'split'`), with exactly the eager step's results. The parameters and the
 * optimizer's state are the compiled step's state: fed in, and read back updated.
 *
 * Where a step cannot be compiled at all (`NotCompilableError`: a synchronous host read), the
 * step runs eagerly from then on and `fallbackReason` says why. A router that keeps a
 * data-dependent number of (token, expert) pairs (the causal thresholds of expert choice and
 * USMoE) records padded plans of a few shapes (@smoe/routers' build-plan.ts), which the step
 * compiles once each and then reuses; while such a router is still settling, though (early in
 * training its pair count drifts across many buckets), new shapes may keep arriving, and
 * compiling a plan per step costs far more than running it eagerly. So once `changingLimit` of
 * the last `changingWindow` steps (after the first `settlingSteps`) compiled a new plan, the
 * step backs off: it runs eagerly for `firstBackoff` steps (twice as many after each further
 * back-off), with `fallbackReason` saying why, then compiled again, its plans kept.
 * Browser-safe.
 */
import { compile, NotCompilableError, type CompiledStep, type ExecutorKind, type KernelProfile } from '@smoe/tensor';
import { eagerStep, type StepInput, type StepOutcome } from './train-step.js';

/** Steps that may compile new plans freely (the first step compiles every part; a few more may meet new host decisions). */
export const settlingSteps = 3;
/** The window of recent steps watched for new plans, and how many of them may compile one before the step runs eagerly. */
export const changingWindow = 8;
export const changingLimit = 4;
/** Eager steps after the first back-off (doubled after each further one). */
export const firstBackoff = 25;

/** A training step with `eagerStep`'s contract that runs compiled where it can. */
export class CompiledTrainStep {
  private compiled: CompiledStep<[StepInput<unknown>], StepOutcome> | undefined;
  private input: StepInput<unknown> | undefined;
  private steps = 0;
  /** For each recent step past the settling ones: did it compile a new plan? */
  private recent: boolean[] = [];
  /** Why the step runs eagerly (null while it runs compiled). */
  fallbackReason: string | null = null;
  /** Eager steps left in the current back-off (Infinity: compiling is given up). */
  private eagerLeft = 0;
  private backoff = firstBackoff;

  /** `profile`: time every kernel of the compiled parts (webasm without threads; see `compile`). */
  constructor(private readonly options: { profile?: boolean } = {}) {}

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

  /** Kernel time by op over the compiled steps so far (with `profile`; see `CompiledStep.profile`). */
  profile(): KernelProfile[] {
    return this.compiled?.profile() ?? [];
  }

  /** One step; the same outcome as `eagerStep(input)`. */
  async run<B>(input: StepInput<B>): Promise<StepOutcome> {
    if (this.eagerLeft > 0) {
      if (--this.eagerLeft === 0) {
        // the back-off is over: the next step runs compiled again, with a fresh window
        this.fallbackReason = null;
        this.recent = [];
      }
      return eagerStep(input);
    }
    this.input = input as StepInput<unknown>;
    this.compiled ??= compile((step: StepInput<unknown>) => eagerStep(step), {
      hostReads: 'split',
      profile: this.options.profile === true,
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
      this.eagerLeft = Infinity;
      this.compiled.dispose();
      return eagerStep(input);
    }
  }

  /** Backs off to eager steps while the plans keep changing with the data. */
  private watchPlans(compiledNew: boolean): void {
    this.recent.push(compiledNew);
    if (this.recent.length > changingWindow) this.recent.shift();
    const changing = this.recent.filter(Boolean).length;
    if (changing < changingLimit) return;
    this.fallbackReason = `the step's kernel sequence changes with the data: ${changing} of the last ${this.recent.length} steps compiled a new plan (a data-dependent number of routed pairs, e.g. causal thresholds still settling); compiling per step costs more than running eagerly, so the next ${this.backoff} steps run eagerly, then compiled again`;
    this.eagerLeft = this.backoff;
    this.backoff *= 2;
  }

  /** Releases the compiled plans. */
  dispose(): void {
    this.compiled?.dispose();
  }
}
