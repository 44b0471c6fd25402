/**
 * Selection rules: the half of a router that turns a score matrix S: [tokens, experts] into a
 * routing plan (top-k by row, capacity, expert choice by column, global top-c, top-p). A
 * router is a scorer (its parameters produce S) plus a selection rule plus losses, so the rule
 * of a trained router can be swapped at inference with the same gate weights (`withSelection`).
 *
 * Rules are registered by name; `registerSelection` adds one (a new rule is its file plus one
 * line of registration in `builtins.ts`, or a call in user code).
 */
import type { Tensor } from '@smoe/tensor';
import type { RouteContext, RoutingPlan } from '../plan.js';

/** A selection rule with its resolved options. */
export interface SelectionRule {
  /** Registered name ('tokenChoice', 'expertChoice', 'usmoe', 'topP', …). */
  readonly name: string;
  /** The resolved options, defaults filled in. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Routes scores S: [tokens, experts] (logits; each rule applies its own normalisation). */
  select(scores: Tensor, context: RouteContext): Promise<RoutingPlan>;
  /**
   * True when each token's selected weights sum to 1 (softmax over the selected experts, or
   * renormalised): the training-free swap then renormalises the new rule's weights too.
   */
  readonly normalized?: boolean;
  /** State kept between batches (the causal thresholds of expert choice and USMoE), for checkpoints. */
  state?(): Record<string, Float32Array>;
  /** Restores what `state()` returned. */
  loadState?(state: Record<string, Float32Array>): void;
}

/** Builds a rule from its options and the number of experts. */
export type SelectionFactory = (options: Record<string, unknown>, experts: number) => SelectionRule;

const rules = new Map<string, SelectionFactory>();

/** Registers a selection rule under `name` (throws if taken, unless `replace`). */
export function registerSelection(name: string, factory: SelectionFactory, options: { replace?: boolean } = {}): void {
  if (!name || typeof name !== 'string') throw new Error(`registerSelection: name must be a non-empty string, got ${String(name)}`);
  if (rules.has(name) && !options.replace) throw new Error(`registerSelection: '${name}' is already registered; pass { replace: true } to replace it`);
  rules.set(name, factory);
}

/** Names of the registered selection rules. */
export function selectionNames(): string[] {
  return [...rules.keys()];
}

/** Builds the registered rule `name` for `experts` experts. */
export function createSelection(name: string, experts: number, options: Record<string, unknown> = {}): SelectionRule {
  const factory = rules.get(name);
  if (!factory) throw new Error(`createSelection: unknown selection rule '${name}'; registered: ${selectionNames().join(', ')}`);
  return factory(options, experts);
}

/** Validates the scores handed to a rule: a [tokens, experts] float matrix. */
export function checkScores(where: string, scores: Tensor, experts?: number): [number, number] {
  if (scores.rank !== 2 || scores.dtype !== 'float32') throw new Error(`${where}: scores must be a float32 [tokens, experts] matrix, got ${scores}`);
  const [tokens, n] = scores.shape;
  if (experts !== undefined && n !== experts) throw new Error(`${where}: scores have ${n} experts, the rule was built for ${experts}`);
  return [tokens, n];
}

/** Tokens per selection group (one sequence or image), from the context; all tokens by default. */
export function groupSizeOf(where: string, tokens: number, context: RouteContext | undefined): number {
  const size = context?.groupSize ?? tokens;
  if (!Number.isInteger(size) || size < 1 || tokens % size !== 0) {
    throw new Error(`${where}: groupSize = ${size} must be a positive integer that divides the ${tokens} tokens`);
  }
  return size;
}
