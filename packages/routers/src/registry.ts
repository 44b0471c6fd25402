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

const factories = new Map<string, RouterFactory>();

/** Registers a strategy (throws if the name is taken, unless `replace`). */
export function registerRouter(name: string, factory: RouterFactory, options: { replace?: boolean } = {}): void {
  if (!name || typeof name !== 'string') throw new Error(`registerRouter: name must be a non-empty string, got ${String(name)}`);
  if (typeof factory !== 'function') throw new Error(`registerRouter: the factory of '${name}' must be a function`);
  if (factories.has(name) && !options.replace) throw new Error(`registerRouter: '${name}' is already registered; pass { replace: true } to replace it`);
  factories.set(name, factory);
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
