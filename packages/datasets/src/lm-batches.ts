/**
 * Language-model batches: windows of `context` tokens as inputs and the same windows shifted
 * by one as targets (next-token prediction), `batch` windows per batch, row-major
 * [batch, context].
 *
 * Modes:
 *   'random' (default) — each epoch draws an offset o in [0, context) from deriveSeed(seed,
 *     epoch), cuts the tokens into the non-overlapping windows starting at o, o + context, …,
 *     and shuffles them; so over epochs every position is seen at every phase. Defaults:
 *     dropLast true (static shapes), epochs Infinity (the trainer decides when to stop).
 *   'sequential' — windows at 0, context, 2·context, … in order, for evaluation; every token
 *     (except the very last, which has no target) is predicted exactly once. Defaults:
 *     dropLast false (the last batch may hold fewer windows), epochs 1.
 * A window needs context + 1 tokens, so an epoch has ⌊(tokens − 1 − o) / context⌋ windows;
 * random mode needs at least 2 · context tokens so that every offset leaves a window.
 * `state()` / `restore()` save and resume the exact position (see batch-order.ts). Pure.
 */
import { batchIterator, BatchOrder, checkEpochs, type BatchIterator } from './batch-order.js';
import { createRng, deriveSeed } from './rng.js';
import { checkBoolean, checkInteger, checkOneOf, checkSeed, invalid } from './validate.js';

export interface LmBatchOptions {
  /** Tokens per window (sequence length). */
  context: number;
  /** Windows per batch. */
  batch: number;
  /** Seed of the offsets and shuffles (default 0). */
  seed?: number;
  /** 'random' (default) or 'sequential'. */
  mode?: 'random' | 'sequential';
  /** Skip a final partial batch (default: true for random, false for sequential). */
  dropLast?: boolean;
  /** Number of epochs (default: Infinity for random, 1 for sequential). */
  epochs?: number;
}

export interface LmBatch {
  /** [batch, context] token ids. */
  inputs: Int32Array;
  /** [batch, context] the next token after each input position. */
  targets: Int32Array;
  /** Windows in this batch (the configured batch, or fewer for a final partial batch). */
  batch: number;
  context: number;
  /** Start position of each window in the token array; [batch]. */
  starts: Int32Array;
  epoch: number;
  step: number;
}

/** Seeded, resumable LM batches over a token array. */
export function lmBatches(tokens: Int32Array, options: LmBatchOptions): BatchIterator<LmBatch> {
  const where = 'lmBatches';
  if (!(tokens instanceof Int32Array)) invalid(where, 'tokens', tokens, 'an Int32Array');
  if (typeof options !== 'object' || options === null) invalid(where, 'options', options, '{ context, batch, seed?, mode? }');
  const context = checkInteger(where, 'context', options.context, 1);
  const batch = checkInteger(where, 'batch', options.batch, 1);
  const seed = checkSeed(where, options.seed ?? 0);
  const mode = checkOneOf(where, 'mode', options.mode ?? 'random', ['random', 'sequential'] as const);
  const random = mode === 'random';
  const dropLast = checkBoolean(where, 'dropLast', options.dropLast, random);
  const epochs = checkEpochs(where, options.epochs, random ? Infinity : 1);
  // Sequential needs one window (context + 1 tokens); random needs one at every offset.
  if (random && tokens.length < 2 * context) invalid(where, 'tokens.length', tokens.length, `at least 2 · context = ${2 * context} in random mode`);
  if (tokens.length < context + 1) invalid(where, 'tokens.length', tokens.length, `at least context + 1 = ${context + 1}`);
  // The fewest windows any epoch can have (offset context − 1 in random mode).
  const fewest = Math.floor((tokens.length - 1 - (random ? context - 1 : 0)) / context);
  if (dropLast && fewest < batch) {
    invalid(where, 'batch', batch, `at most ${fewest} (the windows of ${context} tokens in ${tokens.length} tokens), or dropLast: false`);
  }

  const orderFor = (epoch: number): Int32Array => {
    const rng = createRng(deriveSeed(seed, epoch));
    const offset = random ? rng.int(context) : 0;
    const windows = Math.floor((tokens.length - 1 - offset) / context);
    const starts = new Int32Array(windows);
    for (let i = 0; i < windows; i++) starts[i] = offset + i * context;
    return random ? rng.shuffle(starts) : starts;
  };
  const config = { mode, context, batch, seed, dropLast, epochs: epochs === Infinity ? null : epochs, tokens: tokens.length };
  const order = new BatchOrder('lmBatches', config, orderFor, batch, dropLast, epochs);

  return batchIterator(order, (starts, epoch, step) => {
    const rows = starts.length;
    const inputs = new Int32Array(rows * context);
    const targets = new Int32Array(rows * context);
    for (let b = 0; b < rows; b++) {
      inputs.set(tokens.subarray(starts[b], starts[b] + context), b * context);
      targets.set(tokens.subarray(starts[b] + 1, starts[b] + 1 + context), b * context);
    }
    return { inputs, targets, batch: rows, context, starts: starts.slice(), epoch, step };
  });
}
