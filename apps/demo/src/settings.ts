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
import { UsageError, type FlagSpecs, type FlagValues } from './args.js';

/** Data sets the demo trains on. */
export const datasetNames = ['moby-dick', 'sotu', 'spam', 'mnist', 'digits0to4', 'digits5to9'] as const;
export type DatasetName = (typeof datasetNames)[number];

/** Router presets beyond the registered strategies: a dense model, the VQMoE layer, Soft MoE layers (vision), DeepSeekMoE, MoE++. */
export const routerPresets = ['dense', 'vqmoe', 'smoe', 'softMoE', 'deepseek', 'moepp'] as const;

/** Everything a training run needs. */
export interface RunSettings {
  dataset: DatasetName;
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
  'ff-dim': { type: 'number', help: 'expert (FFN) hidden width' },
  experts: { type: 'number', help: 'experts per MoE layer' },
  'top-k': { type: 'number', help: 'experts per token (k̄ for usmoe; may be fractional)' },
  'expert-granularity': { type: 'number', help: 'DeepSeekMoE: split each expert into m (m·experts experts, ffDim/m wide, k·m active; default 4 for deepseek, else 1)' },
  'shared-experts': { type: 'number', help: 'always-active shared experts, ffDim/m wide, taken out of the k·m active (default 1 for deepseek, else 0)' },
  patch: { type: 'number', help: 'image patch side (vision)' },
  lr: { type: 'number', help: 'peak learning rate (AdamW)' },
  warmup: { type: 'number', help: 'warm-up steps before cosine decay' },
  'weight-decay': { type: 'number', help: 'AdamW decoupled weight decay (norms, biases, codebooks excluded)' },
  'clip-norm': { type: 'number', help: 'global gradient-norm clip (0: off)' },
  'eval-every': { type: 'number', help: 'evaluate every N steps' },
  'eval-size': { type: 'number', help: 'validation characters/examples per evaluation (0: all)' },
  'checkpoint-every': { type: 'number', help: 'checkpoint every N steps' },
  overwrite: { type: 'boolean', help: 'start over in an existing run folder' },
  resume: { type: 'boolean', help: 'continue the run in --out from its latest checkpoint' },
  progress: { type: 'boolean', help: 'progress bar (default on; --no-progress for plain lines)' },
  help: { type: 'boolean', help: 'show this help' },
};

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function fail(field: string, value: unknown, allowed: string): never {
  throw new UsageError(`invalid setting ${field} = ${JSON.stringify(value)}; allowed: ${allowed}`);
}

/** Checks every field of `s`; returns it. */
export function validateSettings(s: RunSettings): RunSettings {
  const int = (k: keyof RunSettings, min: number): void => {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(k, v, `an integer ≥ ${min}`);
  };
  const num = (k: keyof RunSettings, min: number, max = Infinity): void => {
    const v = s[k];
    if (typeof v !== 'number' || !(v >= min && v <= max)) fail(k, v, `a number in [${min}, ${max}]`);
  };
  if (!(datasetNames as readonly string[]).includes(s.dataset)) fail('dataset', s.dataset, datasetNames.join(', '));
  const routers = [...routerPresets, ...routerNames()];
  if (!routers.includes(s.router)) fail('router', s.router, routers.join(', '));
  if (typeof s.routerOptions !== 'object' || s.routerOptions === null || Array.isArray(s.routerOptions)) fail('routerOptions', s.routerOptions, 'a JSON object');
  int('steps', 1);
  int('seed', 0);
  int('batch', 1);
  int('context', 2);
  int('layers', 1);
  int('modelDim', 1);
  int('heads', 1);
  int('ffDim', 1);
  int('experts', 1);
  num('topK', Number.MIN_VALUE, s.experts);
  if (s.expertGranularity !== null) int('expertGranularity', 1);
  if (s.sharedExperts !== null) int('sharedExperts', 0);
  int('patch', 1);
  num('lr', Number.MIN_VALUE, 10);
  int('warmup', 0);
  num('weightDecay', 0, 1);
  num('clipNorm', 0);
  int('evalEvery', 1);
  int('evalSize', 0);
  int('checkpointEvery', 1);
  if (s.modelDim % s.heads !== 0) fail('heads', s.heads, `a divisor of modelDim (${s.modelDim})`);
  if (typeof s.out !== 'string' || s.out === '') fail('out', s.out, 'a folder path');
  return s;
}

/** Settings from defaults, an optional JSON config file and the parsed flags. */
export function buildSettings(flags: FlagValues, base: RunSettings = defaultSettings): RunSettings {
  const settings: Record<string, unknown> = { ...base };
  if (typeof flags.config === 'string') {
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(flags.config, 'utf8'));
    } catch (error) {
      throw new UsageError(`--config ${flags.config}: cannot read a JSON object (${(error as Error).message})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new UsageError(`--config ${flags.config}: expected a JSON object of settings`);
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
  return validateSettings(settings as unknown as RunSettings);
}
