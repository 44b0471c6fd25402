/**
 * The router registry: strategies by name. `createRouter({ strategy, experts, dim, ...options })`
 * builds one; `registerRouter(name, factory)` adds one (the built-in strategies are registered
 * in builtins.ts, one line each); `routerNames()` lists them.
 */
import type { Router } from './plan.js';

/** The sizes every router is built for. */
export interface RouterShape {
  /** Number of experts N. */
  experts: number;
  /** Input dimension d. */
  dim: number;
}

/** A strategy name and its options (sizes supplied later, e.g. by the MoE layer). */
export interface RouterConfig {
  strategy: string;
  [option: string]: unknown;
}

/** Builds a router from its options (strategy removed) and sizes. */
export type RouterFactory = (options: RouterShape & Record<string, unknown>) => Router;

/**
 * Whether a strategy's routing of token t reads only token t (and state from past batches), so a
 * causal language model stays causal: 'yes' in training and evaluation, 'evaluation' when only
 * its evaluation routing is per token, 'no' when a token's experts depend on other tokens.
 */
export type Causality = 'yes' | 'evaluation' | 'no';

/** What the documentation says about a strategy (the README's router table is generated from it). */
export interface RouterInfo {
  /** The paper: title, first authors, year. */
  paper: string;
  /** The family: 'token choice', 'expert choice', 'global top-c', 'balanced assignment', 'dense-to-sparse gate', … */
  family: string;
  /** Causal in a causal language model (see `Causality`). */
  causal: Causality;
  /** The defaults, in a line. */
  defaults: string;
}

const factories = new Map<string, RouterFactory>();
const infos = new Map<string, RouterInfo>();

/** Registers a strategy, with its documentation when given (throws if the name is taken, unless `replace`). */
export function registerRouter(name: string, factory: RouterFactory, options: { replace?: boolean; info?: RouterInfo } = {}): void {
  if (!name || typeof name !== 'string') throw new Error(`registerRouter: name must be a non-empty string, got ${String(name)}`);
  if (typeof factory !== 'function') throw new Error(`registerRouter: the factory of '${name}' must be a function`);
  if (factories.has(name) && !options.replace) throw new Error(`registerRouter: '${name}' is already registered; pass { replace: true } to replace it`);
  factories.set(name, factory);
  if (options.info) infos.set(name, options.info);
  else infos.delete(name);
}

/** The documentation a strategy was registered with (undefined when it gave none). */
export function routerInfo(name: string): RouterInfo | undefined {
  return infos.get(name);
}

/** Names of the registered strategies. */
export function routerNames(): string[] {
  return [...factories.keys()];
}

/** True when `name` is registered. */
export function hasRouter(name: string): boolean {
  return factories.has(name);
}

/** Builds the router `config.strategy` with the given sizes and options. */
export function createRouter(config: RouterConfig & RouterShape): Router {
  const { strategy, ...options } = config;
  const factory = factories.get(strategy);
  if (!factory) throw new Error(`createRouter: strategy = '${String(strategy)}' is not registered; registered: ${routerNames().join(', ')}`);
  return factory(options as RouterShape & Record<string, unknown>);
}
