/**
 * Router configurations as plain JSON: `{ strategy: 'tokenChoice', topK: 2, … }`, and
 * selection-rule swaps `{ rule: 'usmoe', topK: 1.5 }`. A model's
 * config holds these (so a checkpoint can rebuild its routers); the routers themselves come
 * from @smoe/routers' registry (`createRouter`), which validates each strategy's options.
 */
import { createRouter, type Router } from '@smoe/routers';
import type { Rng } from '@smoe/tensor';
import { checkObject, invalid } from './validate.js';

/** A JSON value (what a serialisable config may hold). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A router strategy and its options, as JSON. */
export interface RouterConfig {
  /** Registered strategy name ('tokenChoice', 'expertChoice', 'usmoe', 'vq', 'xmoe', …). */
  strategy: string;
  [option: string]: JsonValue;
}

/** A selection rule and its options, as JSON: { rule: 'usmoe', topK: 1.5, alpha: 0.5 }. */
export interface SelectionConfig {
  /** Registered selection rule ('tokenChoice', 'expertChoice', 'usmoe', 'topP', …). */
  rule: string;
  [option: string]: JsonValue;
}

/** Checks the shape of a selection config (the rule validates its own options when built). */
export function checkSelectionConfig(where: string, field: string, value: unknown): SelectionConfig {
  const config = checkObject(where, field, value);
  if (typeof config.rule !== 'string' || config.rule === '') invalid(where, `${field}.rule`, config.rule, 'a registered selection rule name');
  return config as SelectionConfig;
}

/** Checks the shape of a router config (the strategy validates its own options when built). */
export function checkRouterConfig(where: string, field: string, value: unknown): RouterConfig {
  const config = checkObject(where, field, value);
  if (typeof config.strategy !== 'string' || config.strategy === '') invalid(where, `${field}.strategy`, config.strategy, 'a registered strategy name');
  return config as RouterConfig;
}

/**
 * Builds the router a config names, for `experts` experts over inputs of width `dim`. Its
 * initial weights are seeded by `config.seed` when set, else by a draw from `rng` (so a model's
 * seed fixes its routers too).
 */
export function buildRouter(config: RouterConfig, experts: number, dim: number, rng?: Rng): Router {
  const seed = config.seed ?? (rng ? rng.nextUint32() : undefined);
  return createRouter({ ...config, experts, dim, seed });
}
