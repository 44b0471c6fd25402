/**
 * Run settings: one typed object for every training command, built from the embedded
 * defaults, then a JSON config file (--config), then flags — later wins. Every field is
 * validated; an unknown key or a bad value names the field, the value and what is allowed.
 *
 * The embedded default (no flags) is a small MoE language model on Moby Dick that finishes in
 * a few minutes on 2 CPU cores and visibly learns.
 */
import { readFileSync } from 'node:fs';
import { routerNames } from '@smoe/routers';
import { camel, UsageError, type FlagSpecs, type FlagValues } from './args.js';

/** Data sets the demo trains on. */
export const datasetNames = ['moby-dick', 'sotu', 'spam', 'mnist', 'digits0to4', 'digits5to9'] as const;
export type DatasetName = (typeof datasetNames)[number];

/** Router presets beyond the registered strategies: a dense model, the VQMoE layer, Soft MoE layers (vision), DeepSeekMoE, MoE++. */
export const routerPresets = ['dense', 'vqmoe', 'smoe', 'softMoE', 'deepseek', 'moepp'] as const;

/** Language-model architectures the demo trains. */
export const architectures = ['gpt2', 'mixtral'] as const;

/** Everything a training run needs. */
export interface RunSettings {
  dataset: DatasetName;
  /** Language model: 'gpt2' (LayerNorm, learned positions) or 'mixtral' (Transformers' Mixtral: RMSNorm, RoPE, SwiGLU; exportable with `export --hf`). */
  architecture: (typeof architectures)[number];
  /** A registered router strategy, or 'dense' / 'vqmoe' / 'smoe'. */
  router: string;
  /** Extra options for the router strategy (JSON). */
  routerOptions: Record<string, unknown>;
  steps: number;
  seed: number;
  out: string;
  backend: string;
  batch: number;
  /** Tokens per sequence (text) — ignored for images. */
  context: number;
  layers: number;
  modelDim: number;
  heads: number;
  /** FFN hidden width: the model config's ffDim (dense FFNs) and moe.expertDim (each expert's; divided by expertGranularity). */
  ffDim: number;
  experts: number;
  /** Experts per token (k, or k̄ for USMoE; may be fractional there). */
  topK: number;
  /** DeepSeekMoE granularity m: m·experts experts, each ffDim/m wide, k·m active; null: 4 for deepseek, else 1. */
  expertGranularity: number | null;
  /** Always-active shared experts (ffDim/m wide, taken out of the k·m active); null: 1 for deepseek, else 0. */
  sharedExperts: number | null;
  /** Patch side for images. */
  patch: number;
  lr: number;
  warmup: number;
  /** Steps of the learning-rate schedule (warm-up, then cosine decay to 0.1·lr); 0: `steps`. Past them the rate stays at 0.1·lr. */
  scheduleSteps: number;
  weightDecay: number;
  clipNorm: number;
  evalEvery: number;
  /** Validation characters / examples scored at each evaluation (0: all). */
  evalSize: number;
  checkpointEvery: number;
  overwrite: boolean;
  resume: boolean;
  progress: boolean;
}

/** The embedded default: a small MoE LM on Moby Dick (token choice, top-2, 8 experts). */
export const defaultSettings: RunSettings = {
  dataset: 'moby-dick',
  architecture: 'gpt2',
  router: 'tokenChoice',
  routerOptions: {},
  steps: 1200,
  seed: 1,
  out: 'runs/pretrain',
  backend: 'auto',
  batch: 16,
  context: 64,
  layers: 2,
  modelDim: 64,
  heads: 4,
  ffDim: 128,
  experts: 8,
  topK: 2,
  expertGranularity: null,
  sharedExperts: null,
  patch: 7,
  lr: 3e-3,
  warmup: 40,
  scheduleSteps: 0,
  weightDecay: 0.01,
  clipNorm: 1,
  evalEvery: 300,
  evalSize: 16384,
  checkpointEvery: 300,
  overwrite: false,
  resume: false,
  progress: true,
};

/** Flags every training command takes (kebab-case of the settings). */
export const trainingFlags: FlagSpecs = {
  router: { type: 'string', help: `router strategy: a registered one, or ${routerPresets.join(' / ')} (default tokenChoice)` },
  architecture: { type: 'string', help: "language model: gpt2 (default) or mixtral (Transformers' Mixtral layout, for 'export --hf')", choices: architectures },
  'router-options': { type: 'string', help: 'JSON object of extra router options, e.g. \'{"alpha":0.3}\'' },
  dataset: { type: 'string', help: 'data set', choices: datasetNames },
  steps: { type: 'number', help: 'optimizer steps' },
  seed: { type: 'number', help: 'seed of weights, data order and dropout' },
  out: { type: 'string', help: 'run folder (checkpoints, metrics.jsonl, summary.json)' },
  backend: { type: 'string', help: 'auto | cpu | webasm | webgpu' },
  config: { type: 'string', help: 'JSON file of settings (flags override it)' },
  batch: { type: 'number', help: 'sequences or images per step' },
  context: { type: 'number', help: 'tokens per sequence' },
  layers: { type: 'number', help: 'transformer blocks' },
  'model-dim': { type: 'number', help: 'model width' },
  heads: { type: 'number', help: 'attention heads' },
  'ff-dim': { type: 'number', help: "FFN hidden width: each expert's (expertDim; divided by --expert-granularity) and a dense model's (ffDim)" },
  experts: { type: 'number', help: 'experts per MoE layer' },
  'top-k': { type: 'number', help: 'experts per token (k̄ for usmoe; may be fractional)' },
  'expert-granularity': { type: 'number', help: 'DeepSeekMoE: split each expert into m (m·experts experts, ffDim/m wide, k·m active; default 4 for deepseek, else 1)' },
  'shared-experts': { type: 'number', help: 'always-active shared experts, ffDim/m wide, taken out of the k·m active (default 1 for deepseek, else 0)' },
  patch: { type: 'number', help: 'image patch side (vision)' },
  lr: { type: 'number', help: 'peak learning rate (AdamW)' },
  warmup: { type: 'number', help: 'warm-up steps before cosine decay (the default is cut to a tenth of the schedule when longer, and says so)' },
  'schedule-steps': { type: 'number', help: 'steps of the learning-rate schedule (0: --steps; a resumed run keeps its own, so more --steps extend it at the final rate)' },
  'weight-decay': { type: 'number', help: 'AdamW decoupled weight decay (norms, biases, codebooks excluded)' },
  'clip-norm': { type: 'number', help: 'global gradient-norm clip (0: off)' },
  'eval-every': { type: 'number', help: 'evaluate every N steps' },
  'eval-size': { type: 'number', help: 'validation characters/examples per evaluation (0: all)' },
  'checkpoint-every': { type: 'number', help: 'checkpoint every N steps' },
  overwrite: { type: 'boolean', help: 'start over in an existing run folder' },
  resume: { type: 'boolean', help: 'continue the run in --out from its latest checkpoint' },
  progress: { type: 'boolean', help: 'progress bar on a terminal (--no-progress: plain lines instead)' },
  help: { type: 'boolean', help: 'show this help' },
};

function fail(field: string, value: unknown, allowed: string): never {
  const flag = field === 'routerOptions' ? 'router-options' : field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new UsageError(`invalid setting ${field} (--${flag}) = ${JSON.stringify(value)}; allowed: ${allowed}`);
}

/** The most parameters the demo builds a model with (about 400 MB of weights, 1.6 GB with gradients and AdamW's moments). */
export const MAX_PARAMETERS = 100_000_000;
/** The most tokens (sequences × positions) in one step's batch. */
export const MAX_BATCH_TOKENS = 1 << 20;

/** About how many parameters the settings' model has (embeddings, attention, expert FFNs), computed without building it. */
export function estimateParameters(s: RunSettings): number {
  const perBlock = 4 * s.modelDim * s.modelDim + (s.router === 'dense' ? 1 : s.experts) * 2 * s.modelDim * s.ffDim;
  return 2 * 259 * s.modelDim + s.context * s.modelDim + s.layers * perBlock;
}

/** The schedule's length: scheduleSteps, or steps when it is 0. */
export function scheduleTotal(s: RunSettings): number {
  return s.scheduleSteps > 0 ? s.scheduleSteps : s.steps;
}

/** Checks every field of `s`; returns it. */
export function validateSettings(s: RunSettings): RunSettings {
  const int = (k: keyof RunSettings, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(k, v, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`);
  };
  /** A number in [min, max], or in (0, max] when min is 0 and `positive`. */
  const num = (k: keyof RunSettings, min: number, max = Infinity, positive = false): void => {
    const v = s[k];
    const ok = typeof v === 'number' && Number.isFinite(v) && (positive ? v > min : v >= min) && v <= max;
    if (!ok) fail(k, v, `a number ${positive ? '>' : '≥'} ${min}${Number.isFinite(max) ? ` and ≤ ${max}` : ''}`);
  };
  if (!(datasetNames as readonly string[]).includes(s.dataset)) fail('dataset', s.dataset, datasetNames.join(', '));
  if (!(architectures as readonly string[]).includes(s.architecture)) fail('architecture', s.architecture, architectures.join(', '));
  const routers = [...routerPresets, ...routerNames()];
  if (!routers.includes(s.router)) fail('router', s.router, routers.join(', '));
  if (typeof s.routerOptions !== 'object' || s.routerOptions === null || Array.isArray(s.routerOptions)) fail('routerOptions', s.routerOptions, 'a JSON object');
  int('steps', 1);
  int('seed', 0);
  int('batch', 1, 65536);
  int('context', 2, 65536);
  int('layers', 1, 1024);
  int('modelDim', 1, 65536);
  int('heads', 1, s.modelDim);
  int('ffDim', 1, 1 << 20);
  int('experts', 1, 4096);
  num('topK', 0, s.experts, true);
  if (s.expertGranularity !== null) int('expertGranularity', 1);
  if (s.sharedExperts !== null) int('sharedExperts', 0);
  int('patch', 1, 28);
  num('lr', 0, 10, true);
  int('scheduleSteps', 0);
  int('warmup', 0, scheduleTotal(s) - 1);
  num('weightDecay', 0, 1);
  num('clipNorm', 0);
  int('evalEvery', 1);
  int('evalSize', 0);
  int('checkpointEvery', 1);
  if (s.modelDim % s.heads !== 0) fail('heads', s.heads, `a divisor of modelDim (${s.modelDim})`);
  if (28 % s.patch !== 0 && (s.dataset === 'mnist' || s.dataset.startsWith('digits'))) fail('patch', s.patch, 'a divisor of 28 (the MNIST image side): 1, 2, 4, 7, 14 or 28');
  if (typeof s.out !== 'string' || s.out === '') fail('out', s.out, 'a folder path');
  for (const k of ['overwrite', 'resume', 'progress'] as const) if (typeof s[k] !== 'boolean') fail(k, s[k], 'true or false');
  if (s.batch * s.context > MAX_BATCH_TOKENS) fail('batch', s.batch, `at most ${Math.floor(MAX_BATCH_TOKENS / s.context)} sequences of ${s.context} tokens (${MAX_BATCH_TOKENS} tokens per step)`);
  const parameters = estimateParameters(s);
  if (parameters > MAX_PARAMETERS) {
    throw new UsageError(`the model would have about ${(parameters / 1e6).toFixed(0)}M parameters (modelDim ${s.modelDim}, layers ${s.layers}, experts ${s.experts}, ffDim ${s.ffDim}), more than the ${MAX_PARAMETERS / 1e6}M this demo builds; lower --model-dim, --layers, --experts or --ff-dim`);
  }
  return s;
}

/** The settings that shape the model. A fine-tuning run takes them from its checkpoint, so it neither takes nor records them. */
export const modelShapeSettings = ['architecture', 'router', 'routerOptions', 'layers', 'modelDim', 'heads', 'ffDim', 'experts', 'topK', 'expertGranularity', 'sharedExperts', 'patch'] as const satisfies readonly (keyof RunSettings)[];

/** A run's settings less the model's shape: what a fine-tuning run records. */
export type TrainingSettings = Omit<RunSettings, (typeof modelShapeSettings)[number]>;

/** The flags of `trainingFlags` that set the model's shape (--router, --layers, …). */
export const modelShapeFlags: readonly string[] = Object.keys(trainingFlags).filter((flag) => (modelShapeSettings as readonly string[]).includes(camel(flag)));

/** `s` without the settings that shape the model. */
export function trainingSettings(s: RunSettings): TrainingSettings {
  const rest: Record<string, unknown> = { ...s };
  for (const key of modelShapeSettings) delete rest[key];
  return rest as TrainingSettings;
}

/**
 * Settings from defaults, an optional JSON config file and the parsed flags. A default warm-up
 * longer than a tenth of the schedule is cut to that tenth, and `log` says so (summary.json
 * records the value used); a warm-up given by flag or file is never changed.
 */
export function buildSettings(flags: FlagValues, base: RunSettings = defaultSettings, log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`)): RunSettings {
  const settings: Record<string, unknown> = { ...base };
  let fromFile: Record<string, unknown> = {};
  if (typeof flags.config === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(flags.config, 'utf8'));
    } catch (error) {
      throw new UsageError(`--config ${flags.config}: cannot read a JSON object (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${flags.config}: expected a JSON object of settings`);
    fromFile = parsed as Record<string, unknown>;
    for (const [key, value] of Object.entries(fromFile)) {
      if (!(key in base)) throw new UsageError(`--config ${flags.config}: unknown setting '${key}'; known: ${Object.keys(base).join(', ')}`);
      settings[key] = value;
    }
  }
  for (const [flag, value] of Object.entries(flags)) {
    if (flag === 'config' || flag === 'help' || !(camel(flag) in base)) continue;
    if (flag === 'router-options') {
      try {
        settings.routerOptions = JSON.parse(String(value));
      } catch {
        throw new UsageError(`--router-options must be a JSON object, got ${String(value)}`);
      }
      continue;
    }
    settings[camel(flag)] = value;
  }
  const s = settings as unknown as RunSettings;
  const total = typeof s.steps === 'number' && typeof s.scheduleSteps === 'number' ? scheduleTotal(s) : NaN;
  const tenth = Math.floor(total / 10);
  if (flags.warmup === undefined && fromFile.warmup === undefined && s.warmup > tenth) {
    log(`warm-up: ${tenth} steps (a tenth of the ${total}-step schedule; the default ${s.warmup} would not fit); set --warmup to choose`);
    s.warmup = tenth;
  }
  return validateSettings(s);
}
