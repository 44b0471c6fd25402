/**
 * compile: a training step (or any function of tensors) as ONE plan of kernels, in the spirit
 * of `tf.function` and `jax.jit`.
 *
 *   const step = compile((tokens, targets) => { …forward, loss.backward(), optimizer…; return { loss } },
 *                        { state: () => [...params, ...optimizerState] });
 *   const { loss } = await step.run(tokens, targets);   // one plan run, one readback
 *
 * Every run records the step with ordinary Tensor ops (trace.ts): no kernel runs while the
 * function executes; the kernel calls it makes, and the host arrays they read, are recorded.
 * Recordings with the same kernels in the same order (the same shapes and constants) share one
 * compiled plan, so a step whose shapes are fixed compiles once and later runs only feed new
 * inputs — parameters, batches, scalar operands such as the learning rate — and read back the
 * tensors the step returns and the `state` tensors it replaced (updated parameters, optimizer
 * moments). Host code in the step still runs every time, which keeps host-side state (step
 * counts, random generators, schedules) exactly as in eager execution.
 *
 * Executors (`executorKind`), as gpu.js's `createPipeline` names them:
 * - webasm: the whole plan over one WebAssembly.Memory, intermediates never copied out, one
 *   dispatch per run — 'fused-threaded' on the worker pool, 'fused-sync' without threads;
 * - webgpu: every kernel in one command encoder, one submit ('fused-encoder');
 * - elsewhere, and wherever a fused executor declines the plan (`fallbackReason` says why):
 *   'generic', the recorded kernels one after another.
 *
 * A step that reads values computed inside it on the host (`t.data()`, `item()`, host
 * bookkeeping on routing indices) throws `NotCompilableError` naming the op; run it eagerly —
 * or compile it with `hostReads: 'split'`: each host read then runs the part recorded so far
 * as one plan (keeping its values) and recording goes on, so a step with host decisions runs as
 * a few fused parts (`parts`) with exactly the eager results. A part's outputs stay in its
 * plan's memory and are copied out only where a later part or a host read needs them. Tensors
 * computed inside the step and neither returned, listed in `state`, nor read while it ran are
 * not kept: reading them afterwards throws (on the generic executor, a split-off part's outputs
 * happen to stay readable; do not count on it).
 */
import { flatten, getBackend, type Backend, type CompiledKernel, type KernelShortcut } from './backend.js';
import { settleStorage, Tensor } from './tensor.js';
import { activeRecording, openRecording, Recording, TracedValues, type HostValues, type RecordedStep } from './trace.js';
import { allowedWording, createChecks } from '@smoe/validate';

/** Option checks: `compile: maxPlans = 0 is invalid; allowed: an integer ≥ 1`. */
const checks = createChecks(allowedWording, ({ message }) => new Error(message));

/** Which executor ran a compiled step's plan. */
export type ExecutorKind = 'fused-threaded' | 'fused-sync' | 'fused-encoder' | 'generic';

/** Options of `compile`. */
export interface CompileOptions {
  /**
   * The tensors that outlive a run: parameters, optimizer state. Asked after every recording;
   * those the step replaced are read back and given their new values. Default: none.
   */
  state?: () => Iterable<Tensor>;
  /**
   * What a host read of a value computed inside the step does: 'error' throws
   * `NotCompilableError` naming the op (the default); 'split' runs the part recorded so far
   * as one plan, keeping its values, and records the rest as the next part — a step with host
   * decisions (routing bookkeeping, a loss check) then runs as a few fused parts.
   */
  hostReads?: 'error' | 'split';
  /** How many plans (distinct kernel sequences) to keep compiled; the oldest is released first. Default 32. */
  maxPlans?: number;
  /**
   * Time every kernel of every run (webasm without threads: the fused-sync executor walks the
   * plan on the calling thread); `profile()` sums the times by op. Default false.
   */
  profile?: boolean;
}

/** Time spent in one op's kernels of a compiled step (`compile(…, { profile: true })`). */
export interface KernelProfile {
  /** The op (`launch`'s key), e.g. 'matmul-tile'. */
  op: string;
  /** The kernel's function name. */
  kernel: string;
  /** Milliseconds summed over every run and every call of the op in a run. */
  ms: number;
  /** Kernel calls timed: runs × calls per run. */
  calls: number;
}

/** One step of a profiled plan: its op, kernel, and time summed over `runs` runs. */
interface StepTime {
  op: string;
  kernel: string;
  ms: number;
  runs: number;
}

/** An output of a plan run: its values, or a function that reads them out of the plan's memory (valid until the plan runs again). */
type PlanResult = Float32Array | (() => Float32Array);

/** A compiled plan: runs on the recorded inputs and returns the values of the output steps. */
interface Plan {
  executorKind: ExecutorKind;
  fallbackReason: string | null;
  execute(inputs: Float32Array[]): Promise<PlanResult[]>;
  /** Per step of the plan, its time over the profiled runs (none when not profiled). */
  stepProfile(): StepTime[];
  destroy(): void;
  /** Placeholders whose values are still in this plan's memory, unread (split-off parts). */
  unread: TracedValues[];
}

/**
 * True while a compiled step records. Code whose shapes follow the data (a routing plan's pair
 * count) can pad them to a few fixed sizes then, so that the recording reuses a plan.
 */
export function isCompiling(): boolean {
  return activeRecording() !== undefined;
}

/** Compiles `step` (see the file header); `run` it like the function itself. */
export function compile<Args extends unknown[], Out>(step: (...args: Args) => Out | Promise<Out>, options: CompileOptions = {}): CompiledStep<Args, Out> {
  return new CompiledStep(step, options);
}

/** A compiled step: `run` records, compiles on a new kernel sequence, and executes the plans. */
export class CompiledStep<Args extends unknown[], Out> {
  private readonly plans = new Map<string, Plan>();
  private readonly maxPlans: number;
  private last: Plan | undefined;
  /** Number of plans compiled so far: stays fixed once every part of the step has run once. */
  compilations = 0;
  /** Number of plans the last run executed: 1 unless host reads split it. */
  parts = 0;
  /** The plans the current run executed, whose unread outputs the run drops when it ends. */
  private ran = new Set<Plan>();

  constructor(
    private readonly step: (...args: Args) => Out | Promise<Out>,
    private readonly options: CompileOptions,
  ) {
    this.maxPlans = checks.checkInteger('compile', 'maxPlans', options.maxPlans ?? 32, 1);
    if (options.hostReads !== undefined) checks.checkOneOf('compile', 'hostReads', options.hostReads, ['error', 'split']);
    if (options.profile !== undefined) checks.checkBoolean('compile', 'profile', options.profile);
  }

  /** The executor of the last run's last plan (undefined before the first). */
  get executorKind(): ExecutorKind | undefined {
    return this.last?.executorKind;
  }

  /** Why the last run's last plan is not fused (null when it is, or before the first run). */
  get fallbackReason(): string | null {
    return this.last?.fallbackReason ?? null;
  }

  /**
   * Kernel time by op over the runs so far (`profile: true`; plans released by `maxPlans` are
   * gone), most expensive first. Empty when no plan ran step by step on the calling thread
   * (threaded webasm, webgpu, generic) or without `profile`.
   */
  profile(): KernelProfile[] {
    const byOp = new Map<string, KernelProfile>();
    for (const plan of this.plans.values()) {
      for (const { op, kernel, ms, runs } of plan.stepProfile()) {
        const entry = byOp.get(op) ?? { op, kernel, ms: 0, calls: 0 };
        entry.ms += ms;
        entry.calls += runs;
        byOp.set(op, entry);
      }
    }
    return [...byOp.values()].sort((a, b) => b.ms - a.ms);
  }

  /**
   * Runs the step: resolves to what it returns, with the values of the tensors in it (at its
   * top level, or in a top-level array or object) computed.
   */
  async run(...args: Args): Promise<Out> {
    const state = () => [...(this.options.state?.() ?? [])];
    // a state tensor still being computed by an eager kernel is awaited now: its array is an input
    const before = state();
    await Promise.all(before.map(async (t) => settle(t, await (t.values as HostValues))));
    const saved = before.map((t) => t.values);
    this.parts = 0;
    let recording = new Recording();
    let close = openRecording(recording);
    let pending: Promise<void> = Promise.resolve();
    const split = (): Promise<void> => {
      const part = recording;
      close();
      recording = new Recording();
      recording.split = split;
      close = openRecording(recording);
      // every output of a split-off part is kept (later parts may read any of them), but read out
      // of the plan's memory only when asked for
      const done = pending.then(() => this.execute(part, part.placeholders.map((_, step) => step), true));
      for (const placeholder of part.placeholders) placeholder.part = done;
      pending = done;
      return done;
    };
    if (this.options.hostReads === 'split') recording.split = split;
    let out: Out;
    try {
      try {
        out = await this.step(...args);
      } catch (error) {
        // a step that cannot be recorded leaves the state tensors it found as it found them
        before.forEach((t, i) => settle(t, saved[i] as HostValues));
        throw error;
      } finally {
        close();
      }
      await pending;
      const kept = [...outputTensors(out), ...state()].map((t) => t.values).filter((v): v is TracedValues => v instanceof TracedValues && v.recording === recording);
      await this.execute(recording, [...new Set(kept.map((v) => v.step))], false);
    } finally {
      // what nobody read of the split-off parts is dropped: their plans may run again
      for (const plan of this.ran) dropUnread(plan);
      this.ran.clear();
    }
    return out;
  }

  /**
   * Runs one recording's plan (compiled on first sight of its kernel sequence), keeping
   * `outputs`: read out now, or (`lazy`) left in the plan's memory until asked for.
   */
  private async execute(recording: Recording, outputs: number[], lazy: boolean): Promise<void> {
    if (outputs.length === 0) return;
    const backend = getBackend();
    const key = `${backend.name}:${backend.async}|${recording.signature()}|out ${outputs.join(',')}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = backend.name === 'cpu' ? new GenericPlan(recording.steps, outputs, 'the cpu backend has no fused executor') : new FusedPlan(backend, recording.steps, outputs, this.options.profile === true);
      this.compilations++;
      this.plans.set(key, plan);
      if (this.plans.size > this.maxPlans) {
        const [oldest, released] = this.plans.entries().next().value as [string, Plan];
        this.plans.delete(oldest);
        readUnread(released);
        released.destroy();
      }
    }
    const inputs = await Promise.all(recording.inputs);
    for (const { input, check } of recording.checks) check(inputs[input]);
    // the same plan may run twice in one step (two parts alike): what the first run left unread is read now
    readUnread(plan);
    const results = await plan.execute(inputs);
    this.last = plan;
    this.parts++;
    this.ran.add(plan);
    outputs.forEach((step, i) => {
      const placeholder = recording.placeholders[step];
      const result = results[i];
      if (result instanceof Float32Array) placeholder.values = result;
      else if (lazy) {
        placeholder.reader = result;
        plan.unread.push(placeholder);
      } else placeholder.values = result();
    });
  }

  /** Releases every compiled plan. */
  dispose(): void {
    for (const plan of this.plans.values()) plan.destroy();
    this.plans.clear();
  }
}

/** Reads out the outputs a plan's last run left unread, before the plan runs again or is released. */
function readUnread(plan: Plan): void {
  for (const placeholder of plan.unread) if (placeholder.reader) placeholder.take();
  plan.unread = [];
}

/** Forgets the outputs a plan's last run left unread: reading them now throws (they were not kept). */
function dropUnread(plan: Plan): void {
  for (const placeholder of plan.unread) placeholder.reader = undefined;
  plan.unread = [];
}

function settle(t: Tensor, values: HostValues): void {
  if (values instanceof Float32Array) settleStorage(t, values);
}

/** The tensors in a step's result: itself, or those at the top level of an array or object. */
function outputTensors(out: unknown): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.filter((v): v is Tensor => v instanceof Tensor);
  if (out && typeof out === 'object') return Object.values(out).filter((v): v is Tensor => v instanceof Tensor);
  return [];
}

/** The recorded kernels one after another, outputs kept where later steps read them. */
class GenericPlan implements Plan {
  readonly executorKind = 'generic' as const;
  unread: TracedValues[] = [];
  constructor(
    private readonly steps: readonly RecordedStep[],
    private readonly outputSteps: readonly number[],
    readonly fallbackReason: string,
  ) {}

  async execute(inputs: Float32Array[]): Promise<Float32Array[]> {
    const values: Array<Float32Array | undefined> = [];
    for (const step of this.steps) {
      const args = await Promise.all(step.bindings.map((b) => ('input' in b ? inputs[b.input] : values[b.step]!)));
      values.push(await (step.run as CompiledKernel)(...args));
    }
    return this.outputSteps.map((s) => values[s]!);
  }

  stepProfile(): [] {
    return [];
  }

  destroy(): void {}
}

/**
 * One gpu.js pipeline: its trace replays the recorded kernel calls on handles. Where gpu.js's
 * fused executor declines (its `fallbackReason`), the plan runs generic instead.
 */
class FusedPlan implements Plan {
  executorKind: ExecutorKind = 'generic';
  fallbackReason: string | null = null;
  unread: TracedValues[] = [];
  private readonly pipeline: ReturnType<Backend['pipeline']>;
  private generic: GenericPlan | undefined;
  private ran = false;

  constructor(
    backend: Backend,
    private readonly steps: readonly RecordedStep[],
    private readonly outputSteps: readonly number[],
    profile: boolean,
  ) {
    const inputCount = Math.max(0, ...steps.flatMap((s) => s.bindings.map((b) => ('input' in b ? b.input + 1 : 0))));
    const orchestrate = function (this: unknown, ...handles: unknown[]): unknown[] {
      const outs: unknown[] = [];
      for (const step of steps) {
        const args = step.bindings.map((b) => ('input' in b ? handles[b.input] : outs[b.step]));
        outs.push((step.shortcut as KernelShortcut)(...(args as never[])));
      }
      return outputSteps.map((s) => outs[s]);
    };
    // gpu.js hands the trace one handle per declared parameter; tensor storage never changes,
    // so the inputs need no copy at the call
    Object.defineProperty(orchestrate, 'length', { value: inputCount });
    // lazyResults: the fused webasm executor hands back readers, so a part's many outputs are
    // copied out only where they are needed
    this.pipeline = backend.pipeline(orchestrate as never, { flatIntermediates: true, immutableArguments: true, lazyResults: true, threads: backend.async, profile });
  }

  async execute(inputs: Float32Array[]): Promise<PlanResult[]> {
    if (this.generic) return this.generic.execute(inputs);
    let results: unknown[];
    try {
      results = (await this.pipeline(...inputs)) as unknown[];
    } catch (error) {
      // gpu.js could not build this plan at all (its first run compiles it): run it unfused
      if (this.ran) throw error;
      return this.runGeneric(inputs, error instanceof Error ? error.message : String(error));
    }
    // gpu.js's own generic executor hands intermediates on in its shapes, not flat: ours runs
    if (this.pipeline.executorKind === 'generic') return this.runGeneric(inputs, this.pipeline.fallbackReason ?? 'gpu.js ran the plan unfused');
    this.ran = true;
    this.executorKind = this.pipeline.executorKind as ExecutorKind;
    this.fallbackReason = null;
    return results.map((r) => (typeof r === 'function' ? () => flatten((r as () => unknown)()) : flatten(r)));
  }

  stepProfile(): StepTime[] {
    const steps = this.generic ? null : this.pipeline.stepProfile();
    // gpu.js's plan has one step per recorded kernel call, in order
    if (!steps || steps.length !== this.steps.length) return [];
    return steps.map(({ kernel, ms, runs }, i) => ({ op: this.steps[i].op, kernel, ms, runs }));
  }

  private runGeneric(inputs: Float32Array[], reason: string): Promise<Float32Array[]> {
    this.generic = new GenericPlan(this.steps, this.outputSteps, reason);
    this.fallbackReason = reason;
    void this.pipeline.destroy();
    return this.generic.execute(inputs);
  }

  destroy(): void {
    if (!this.generic) void this.pipeline.destroy();
  }
}
