/**
 * hash — hash routing ("Hash Layers For Large Sparse Models", Roller et al. 2021): each
 * token goes to the expert given by a fixed hash of its token id (context.tokenIds). No
 * parameters, no scores, no auxiliary loss; weight 1.
 *
 *   expert(t) = murmur3_fmix32(id_t, seed) mod N
 *
 * Defaults: seed 0.
 */
import { Module, type Tensor } from '@smoe/tensor';
import { checkKeys, orDefault, checkInteger } from '../options.js';
import type { RouteContext, Router, RoutingPlan } from '../plan.js';
import type { RouterConfig } from '../registry.js';
import { hashSelect } from '../selection/hash.js';
import type { WithoutShape } from './token-choice.js';

/** Options of hash routing. */
export interface HashRouterOptions {
  experts: number;
  /** Accepted for a uniform interface; unused. */
  dim?: number;
  /** Seed of the hash. Default 0. */
  seed?: number;
}

/** Routes by a hash of the token id. */
export class HashRouter extends Module implements Router {
  readonly strategy = 'hash';
  readonly experts: number;
  readonly seed: number;

  constructor(options: HashRouterOptions) {
    super();
    checkKeys('hash', options, ['experts', 'dim', 'seed']);
    this.experts = checkInteger('hash', 'experts', options.experts, 1);
    this.seed = checkInteger('hash', 'seed', orDefault<unknown>(options.seed, 0), -(2 ** 31), 2 ** 32);
  }

  async route(x: Tensor, context: RouteContext): Promise<RoutingPlan> {
    const ids = context.tokenIds;
    if (!ids || ids.length !== x.shape[0]) throw new Error(`hash: context.tokenIds must give the id of each of the ${x.shape[0]} tokens, got ${ids ? ids.length : 'none'}`);
    return hashSelect(ids, this.experts, { seed: this.seed });
  }
}

/** A hash configuration. */
export function hashRouting(options: WithoutShape<HashRouterOptions> = {}): RouterConfig {
  return { strategy: 'hash', ...options };
}
