/**
 * What a visitor picks on the page, as one typed object validated before training starts:
 * the router, the model size, the backend, the steps and the seed. `modelConfig` turns it into
 * the @smoe/moe language-model config the worker builds and the checkpoint stores, so a
 * downloaded checkpoint rebuilds with `createModel` (and `pnpm demo eval --from`).
 *
 * Routers: the classic token-choice and expert-choice routers, Switch, X-MoE and StableMoE as
 * baselines, and the two methods this project is about — USMoE (unified score and selection,
 * fractional k̄ = 1.5) and VQMoE (experts chosen through a learned discrete code). See
 * docs/routing.md for each method and its equations.
 */
import type { LanguageModelConfig, MoEConfig } from '@smoe/moe';

/** The MoE part of the model for each router on offer (the VQMoE codebook as the demo's preset). */
export const routers = {
  tokenChoice: { label: 'Token choice (top-2)', moe: { router: { strategy: 'tokenChoice', topK: 2 } } },
  switch: { label: 'Switch (top-1)', moe: { router: { strategy: 'switch' } } },
  expertChoice: { label: 'Expert choice', moe: { router: { strategy: 'expertChoice' } } },
  usmoe: { label: 'USMoE (k̄ = 1.5)', moe: { router: { strategy: 'usmoe', topK: 1.5 } } },
  vqmoe: { label: 'VQMoE', moe: { vq: { regime: 'mixed', router: { strategy: 'vq', kmeansInit: true, deadCodeThreshold: 2 } } } },
  xmoe: { label: 'X-MoE', moe: { router: { strategy: 'xmoe', topK: 2 } } },
  stableMoE: { label: 'StableMoE', moe: { router: { strategy: 'stableMoE' } } },
} as const satisfies Record<string, { label: string; moe: Omit<MoEConfig, 'experts'> }>;

export type RouterName = keyof typeof routers;

/** Model sizes: shapes, batch and learning rate. `small` is the demo's default model. */
export const modelSizes = {
  tiny: { label: 'tiny — 1 layer, width 32, 4 experts', layers: 1, modelDim: 32, heads: 2, ffDim: 64, experts: 4, context: 32, batch: 8, lr: 1e-2 },
  small: { label: 'small — 2 layers, width 64, 8 experts', layers: 2, modelDim: 64, heads: 4, ffDim: 128, experts: 8, context: 64, batch: 16, lr: 3e-3 },
  medium: { label: 'medium — 4 layers, width 128, 8 experts', layers: 4, modelDim: 128, heads: 4, ffDim: 256, experts: 8, context: 64, batch: 16, lr: 2e-3 },
} as const;

export type ModelSize = keyof typeof modelSizes;

/** Backends: `webasm` is WebAssembly SIMD on the worker's thread; `webasmThreads` adds gpu.js's worker pool (needs a cross-origin isolated page). */
export const backends = {
  webasmThreads: 'webasm, threads',
  webasm: 'webasm, one thread',
  webgpu: 'webgpu',
  cpu: 'cpu (plain JavaScript, slow)',
} as const;

export type BackendChoice = keyof typeof backends;

/** One training run as chosen on the page. */
export interface WebSettings {
  router: RouterName;
  size: ModelSize;
  backend: BackendChoice;
  /** Optimizer steps (1 to 100,000). */
  steps: number;
  /** Seed of the weights and the data order. */
  seed: number;
}

/** The page's defaults: token choice on the tiny model, single-threaded webasm (works on every host). */
export const defaultSettings: WebSettings = { router: 'tokenChoice', size: 'tiny', backend: 'webasm', steps: 300, seed: 1 };

/** A setting the page cannot run, naming the field, the value and what is allowed. */
export class SettingsError extends Error {
  constructor(readonly field: string, readonly value: unknown, readonly allowed: string) {
    super(`invalid setting ${field} = ${JSON.stringify(value)}; allowed: ${allowed}`);
    this.name = 'SettingsError';
  }
}

function oneOf<T extends string>(field: string, value: unknown, allowed: Record<T, unknown>): T {
  if (typeof value !== 'string' || !Object.hasOwn(allowed, value)) throw new SettingsError(field, value, Object.keys(allowed).join(', '));
  return value as T;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new SettingsError(field, value, `an integer in [${min}, ${max}]`);
  return value;
}

/** Checks every field (unknown keys included); returns the settings typed. */
export function validateSettings(value: unknown): WebSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SettingsError('settings', value, 'an object');
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!Object.hasOwn(defaultSettings, key)) throw new SettingsError(key, given[key], `one of the fields ${Object.keys(defaultSettings).join(', ')}`);
  return {
    router: oneOf('router', given.router, routers),
    size: oneOf('size', given.size, modelSizes),
    backend: oneOf('backend', given.backend, backends),
    steps: integer('steps', given.steps, 1, 100_000),
    seed: integer('seed', given.seed, 0, 2 ** 31 - 1),
  };
}

/** The language-model config of a run: byte vocabulary (256 bytes + pad/bos/eos), as the demo's. */
export function modelConfig(settings: WebSettings, vocab: number): LanguageModelConfig {
  const { layers, modelDim, heads, ffDim, experts, context } = modelSizes[settings.size];
  const moe = { experts, expertDim: ffDim, ...routers[settings.router].moe } as MoEConfig;
  return { vocab, context, layers, modelDim, heads, ffDim, moe, seed: settings.seed };
}
