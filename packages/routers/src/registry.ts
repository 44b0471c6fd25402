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

/** What the documentation and the model builders need to know about a strategy. */
export interface RouterInfo {
  /** The family it belongs to: 'token choice', 'expert choice', 'unified', 'vector quantized', … */
  family: string;
  /** The paper (title, authors, year) or '' for a user strategy. */
  paper: string;
  /**
   * True when a token's routing depends only on itself and earlier positions of its sequence
   * in a causal model (context.causal set; docs/routing.md §2), so the strategy may be used in
   * a decoder. Default true.
   */
  causal: boolean;
  /** The defaults worth showing in a table (topK, capacity factor, loss weights, …). */
  defaults?: Record<string, unknown>;
}

const factories = new Map<string, RouterFactory>();
const infos = new Map<string, RouterInfo>();

/** Registers a strategy (throws if the name is taken, unless `replace`), with what is known of it. */
export function registerRouter(name: string, factory: RouterFactory, options: { replace?: boolean; info?: Partial<RouterInfo> } = {}): void {
  if (!name || typeof name !== 'string') throw new Error(`registerRouter: name must be a non-empty string, got ${String(name)}`);
  if (typeof factory !== 'function') throw new Error(`registerRouter: the factory of '${name}' must be a function`);
  if (factories.has(name) && !options.replace) throw new Error(`registerRouter: '${name}' is already registered; pass { replace: true } to replace it`);
  factories.set(name, factory);
  infos.set(name, { family: 'user', paper: '', causal: true, ...options.info });
}

/** What is known of the registered strategy `name` (family, paper, causal, defaults). */
export function routerInfo(name: string): RouterInfo {
  const info = infos.get(name);
  if (!info) throw new Error(`routerInfo: strategy = '${name}' is not registered; registered: ${routerNames().join(', ')}`);
  return info;
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
