/**
 * Recording a step for `compile` (compile.ts). While a recording is open, `launch` runs no
 * kernel: it appends one step (the cached kernel, and where each argument comes from) and
 * hands back a `TracedValues` placeholder as the output's storage. Every host array a step
 * reads — a parameter, a batch, a scalar operand such as the learning rate, a dropout mask —
 * becomes one input of the recorded plan, in first-use order, and is fed again with its
 * current value on every run. Values computed inside the plan can only be read after it ran;
 * a host read during recording throws `NotCompilableError`, naming the op that read.
 */
import type { CompiledKernel, KernelShortcut } from './backend.js';

/** Thrown when a step reads device values on the host while it is being compiled. */
export class NotCompilableError extends Error {
  override readonly name = 'NotCompilableError';
  /** The op (or method) that read the values. */
  readonly op: string;

  constructor(op: string, detail = 'reads values on the host') {
    super(`${op} ${detail}; it cannot be compiled — run this step eagerly`);
    this.op = op;
  }
}

/** Storage of a tensor a recorded step computes: a placeholder until the plan has run. */
export class TracedValues {
  /** The values, once the plan that computes them has run and they were read out. */
  values: Float32Array | undefined;
  /** The run of the split-off part of the step that computes it (see `Recording.split`). */
  part: Promise<void> | undefined;
  /**
   * Once that part ran: copies the values out of its plan. `compile` reads a part's outputs only
   * when something asks for them — a later part, a host read — and drops the readers it did not
   * need when the step ends, before the plan can run again.
   */
  reader: (() => Float32Array) | undefined;

  constructor(
    /** The op that computes it. */
    readonly op: string,
    /** Flat length. */
    readonly length: number,
    /** The recording it belongs to. */
    readonly recording: Recording,
    /** Index of the step that computes it. */
    readonly step: number,
  ) {}

  /** While or after a split-off part runs: its values, read out when the part is done. */
  get materialized(): Promise<Float32Array> | undefined {
    return this.part?.then(() => this.take());
  }

  /** The values of a part that ran: read out now if they were not yet (throws once the step dropped them). */
  take(): Float32Array {
    if (!this.values) {
      if (!this.reader) throw staleError(this, `reading the result of '${this.op}'`);
      this.values = this.reader();
      this.reader = undefined;
    }
    return this.values;
  }
}

/** Where one kernel argument comes from: a plan input, or an earlier step's output. */
export type Binding = { readonly input: number } | { readonly step: number };

/** One recorded kernel call. */
export interface RecordedStep {
  /** Kernel cache key (op, constants, sizes): equal keys run the same kernel. */
  readonly key: string;
  readonly op: string;
  /** The gpu.js kernel itself, for the pipeline's trace. */
  readonly shortcut: KernelShortcut;
  /** The same kernel with a flat result, for step-by-step execution. */
  readonly run: CompiledKernel;
  readonly bindings: readonly Binding[];
}

/** A host-side validation of one plan input, run on its value before every run. */
export interface InputCheck {
  readonly input: number;
  readonly check: (values: Float32Array) => void;
}

/** A host array (or a promise of one) fed to the plan. */
export type HostValues = Float32Array | Promise<Float32Array>;

/** The kernel calls of one step, and the host arrays they read. */
export class Recording {
  readonly steps: RecordedStep[] = [];
  readonly inputs: HostValues[] = [];
  readonly checks: InputCheck[] = [];
  private readonly inputIndex = new Map<HostValues, number>();
  /** The placeholder of each step's output. */
  readonly placeholders: TracedValues[] = [];
  /**
   * Set when host reads may split the step: runs what is recorded so far as one plan, keeping
   * every output (read out when asked for), and continues in a new recording. Absent: host reads throw NotCompilableError.
   */
  split: (() => Promise<void>) | undefined;

  /** The binding of one kernel argument, adding a host array as a new input on first use. */
  bind(values: HostValues | TracedValues, op: string): Binding {
    if (values instanceof TracedValues) {
      if (values.recording !== this) throw staleError(values, op);
      return { step: values.step };
    }
    let index = this.inputIndex.get(values);
    if (index === undefined) {
      index = this.inputs.length;
      this.inputs.push(values);
      this.inputIndex.set(values, index);
    }
    return { input: index };
  }

  /** Appends one kernel call; returns the placeholder of its output. */
  add(step: RecordedStep, length: number): TracedValues {
    this.steps.push(step);
    const placeholder = new TracedValues(step.op, length, this, this.steps.length - 1);
    this.placeholders.push(placeholder);
    return placeholder;
  }

  /**
   * The plan's identity: kernels and argument sources, step by step. Two recordings with the
   * same signature run the same plan on different input values.
   */
  signature(): string {
    return this.steps.map((s) => `${s.key}(${s.bindings.map((b) => ('input' in b ? `i${b.input}` : `s${b.step}`)).join(',')})`).join(';');
  }
}

let active: Recording | undefined;

/** The recording open now, if any. */
export function activeRecording(): Recording | undefined {
  return active;
}

/** Opens `recording` (one at a time); returns a function that closes it. */
export function openRecording(recording: Recording): () => void {
  if (active) throw new Error('compile: a compiled step is already being recorded; compiled steps cannot run inside one another');
  active = recording;
  return () => {
    if (active === recording) active = undefined;
  };
}

/**
 * The values of a placeholder the host wants to read: those of a part of the step already run,
 * or, in the recording open now, those of the part recorded so far once `split` has run it.
 */
export function readTraced(values: TracedValues, reader: string): Promise<Float32Array> {
  if (values.values) return Promise.resolve(values.values);
  if (values.part) return values.materialized!;
  if (active !== values.recording) throw staleError(values, reader);
  if (!values.recording.split) throw new NotCompilableError(`${reader} on the result of '${values.op}'`);
  return values.recording.split().then(() => values.take());
}

/** The error for reading a placeholder outside the step that computed it. */
export function staleError(values: TracedValues, op: string): Error {
  return new Error(
    `${op}: reads a tensor computed by '${values.op}' inside a compiled step that did not keep it; ` +
      `return it from the step or list it in the compiled step's state to read it afterwards`,
  );
}
