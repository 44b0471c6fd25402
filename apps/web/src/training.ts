/**
 * One training run of the page, free of the DOM so that the worker, the Node speed script and
 * the tests drive the same code: a byte-level MoE language model on Moby Dick trained with
 * AdamW (warm-up then cosine decay, global-norm clipping at 1), as `pnpm demo pretrain` does;
 * the routing map of a text sample; sampling; and the checkpoint as safetensors bytes in the
 * layout `pnpm demo eval --from` loads (`encodeCheckpoint`).
 */
import { byteTokenizer, createRng, lmBatches, mobyDick, type BatchIterator, type LmBatch } from '@smoe/datasets';
import { LanguageModel } from '@smoe/moe';
import { topExpert } from '@smoe/routers';
import { noGrad, setBackend, type Tensor } from '@smoe/tensor';
import { AdamW, eagerStep, encodeCheckpoint, warmupCosine, type Schedule } from '@smoe/trainer';
import { modelConfig, modelSizes, type BackendChoice, type WebSettings } from './settings.js';

export const tokenizer = byteTokenizer();

/** What one optimizer step reports. */
export interface StepRecord {
  /** Updates done, counting this one. */
  step: number;
  /** Mean next-byte cross-entropy plus auxiliary losses (nats). */
  loss: number;
  /** Next-byte cross-entropy alone, in bits per byte. */
  bitsPerByte: number;
  lr: number;
  /** Tokens of this step over its wall-clock seconds. */
  tokensPerSecond: number;
  /** Per MoE layer, the share of routed (token, expert) pairs each expert got: [layers][experts]. */
  load: number[][];
}

/** Each character of a text with the top-1 expert of its first byte, per MoE layer: experts[layer][character]. */
export interface RoutingMap {
  characters: string[];
  experts: number[][];
}

/** Selects the gpu.js backend a page choice names. */
export async function useBackend(choice: BackendChoice): Promise<string> {
  const backend = choice === 'webasmThreads' ? await setBackend('webasm', { threads: true }) : await setBackend(choice === 'webasm' ? 'webasm' : choice, { threads: false });
  return `${backend.name}${backend.name === 'webasm' ? (backend.async ? ', threads' : ', one thread') : ''}`;
}

/** A run: the model, AdamW at the size's learning rate, warm-up (a tenth of the steps, at most 40) then cosine decay to a tenth, and random Moby Dick windows. */
export class TrainingRun {
  readonly model: LanguageModel;
  readonly steps: number;
  readonly tokensPerStep: number;
  /** Updates done. */
  step = 0;
  private readonly optimizer: AdamW;
  private readonly schedule: Schedule;
  private readonly data: BatchIterator<LmBatch>;
  private readonly parameters: Array<[string, Tensor]>;

  constructor(readonly settings: WebSettings) {
    const size = modelSizes[settings.size];
    this.model = new LanguageModel(modelConfig(settings, tokenizer.vocabSize));
    this.steps = settings.steps;
    this.tokensPerStep = size.batch * size.context;
    this.optimizer = new AdamW({ lr: size.lr, weightDecay: 0.01 });
    this.schedule = warmupCosine({ warmup: Math.min(40, Math.floor(settings.steps / 10)), total: settings.steps, min: 0.1 });
    this.data = lmBatches(tokenizer.encode(mobyDick('train')), { context: size.context, batch: size.batch, seed: settings.seed, mode: 'random' });
    this.parameters = [...this.model.namedParameters()];
  }

  /** One optimizer step on the next batch (@smoe/trainer's `eagerStep`: loss, backward, clip at 1, AdamW). */
  async trainStep(): Promise<StepRecord> {
    const started = performance.now();
    const batch = this.data.next().value as LmBatch;
    this.model.setProgress(this.step, this.steps);
    const lr = this.optimizer.lr * this.schedule.factor(this.step + 1);
    const outcome = await eagerStep({ model: this.model, batches: [batch], optimizer: this.optimizer, parameters: this.parameters, lr, clipNorm: 1 });
    if (outcome.status !== 'updated') {
      throw new Error(`training diverged at step ${this.step + 1}: the ${outcome.status === 'non-finite-loss' ? `loss is ${outcome.loss}` : `gradient norm is ${outcome.gradNorm}`}; try a smaller model or another seed`);
    }
    this.step++;
    const metrics = outcome.metrics.mean();
    const load = this.model.body.moeLayers().map(({ layer }) => {
      const shares: number[] = [];
      for (let expert = 0; typeof metrics[`layer${layer}.load.${expert}`] === 'number'; expert++) shares.push(metrics[`layer${layer}.load.${expert}`] as number);
      return shares;
    });
    const seconds = (performance.now() - started) / 1000;
    return { step: this.step, loss: outcome.loss, bitsPerByte: (metrics.taskLoss as number) / Math.LN2, lr, tokensPerSecond: this.tokensPerStep / seconds, load };
  }

  /** The top-1 expert of every character of `text` (cut to the context), per MoE layer, in evaluation mode. */
  async routingMap(text: string): Promise<RoutingMap> {
    const characters: string[] = [];
    const firstByte: number[] = [];
    let bytes = 0;
    for (const character of text) {
      const length = tokenizer.encode(character).length;
      if (bytes + length > this.model.config.context) break;
      characters.push(character);
      firstByte.push(bytes);
      bytes += length;
    }
    const ids = tokenizer.encode(characters.join(''));
    const experts = await this.inEvalMode(async () => {
      await noGrad(() => this.model.forward(ids, [1, ids.length]));
      const layers: number[][] = [];
      for (const { moe } of this.model.body.moeLayers()) {
        if (!moe.lastPlan) continue;
        const top = await topExpert(moe.lastPlan);
        layers.push(firstByte.map((i) => top[i]));
      }
      return layers;
    });
    return { characters, experts };
  }

  /** `length` bytes sampled after `prompt` at `temperature` (a seeded draw: the same call gives the same text). */
  async sample(prompt: string, length: number, temperature: number, seed = 1): Promise<string> {
    const context = this.model.config.context;
    const ids = Array.from(tokenizer.encode(prompt.length > 0 ? prompt : '\n'));
    const rng = createRng(seed);
    await this.inEvalMode(async () => {
      for (let i = 0; i < length; i++) {
        const window = Int32Array.from(ids.slice(-context));
        const logits = await noGrad(() => this.model.forward(window, [1, window.length]));
        const values = await logits.data();
        const vocab = this.model.config.vocab;
        const last = values.subarray((window.length - 1) * vocab, window.length * vocab);
        ids.push(drawByte(last, temperature, rng.next()));
      }
    });
    return tokenizer.decode(ids.slice(ids.length - length));
  }

  /** The checkpoint of the run so far: parameters, optimizer state, schedule and data position. */
  checkpoint(): Promise<Uint8Array> {
    return encodeCheckpoint({ step: this.step, model: this.model, optimizer: this.optimizer, schedule: this.schedule.config, data: this.data.state() });
  }

  private async inEvalMode<T>(fn: () => Promise<T>): Promise<T> {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return await fn();
    } finally {
      this.model.train(wasTraining);
    }
  }
}

/**
 * Draws a byte (0–255) from `logits` softmax(logits / temperature) with the uniform number `u`
 * (inverse CDF); the special ids (pad, bos, eos) are never drawn. Temperature 0 is argmax.
 */
export function drawByte(logits: ArrayLike<number>, temperature: number, u: number): number {
  let best = 0;
  for (let i = 1; i < 256; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  const weights = new Float64Array(256);
  let total = 0;
  for (let i = 0; i < 256; i++) total += weights[i] = Math.exp((logits[i] - logits[best]) / temperature);
  let target = u * total;
  for (let i = 0; i < 256; i++) {
    target -= weights[i];
    if (target < 0) return i;
  }
  return best;
}
