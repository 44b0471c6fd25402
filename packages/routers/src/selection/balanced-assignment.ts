/**
 * Balanced assignment — the routing of BASE layers ("BASE Layers: Simplifying Training of
 * Large, Sparse Models", Lewis, Bhosale, Dettmers, Goyal and Zettlemoyer, 2021): every token goes
 * to exactly one expert and every expert receives exactly T/N tokens, the assignment that
 * maximises the total score. A linear assignment problem, solved exactly on the host:
 *
 *   maximise Σ_t S_{t, a(t)}   subject to |{t : a(t) = e}| ≤ C for every expert e,  C = ⌈T/N⌉
 *   (exactly T/N each when N divides T)
 *   w_t = σ(S_{t, a(t)})         (the paper: h_t + σ(h_t · w_e) · f_e(h_t))
 *
 * Solver: the Hungarian method in its successive-shortest-path form (Kuhn 1955; Jonker and
 * Volgenant 1987), one token at a time. Because all C slots of an expert are alike, shortest
 * paths run over the N experts only: moving token u from expert e to f costs S_ue − S_uf, and
 * the new token enters the expert with a free slot at the least total cost (Bellman-Ford; no
 * negative cycle exists while the partial assignment is optimal). O(T² · N) per call.
 *
 * At evaluation the paper assigns greedily (each token its best expert, top-1), which sees no
 * other token. Defaults: evaluation 'greedy' ('balanced' keeps the assignment at evaluation).
 */
import { gather, sigmoid, tensor, type Tensor } from '@smoe/tensor';
import { buildPlan } from '../build-plan.js';
import { checkKeys, orDefault, checkOneOf } from '../options.js';
import type { RouteContext, RoutingPlan } from '../plan.js';
import { checkScores, type SelectionRule } from './rule.js';
import { tokenChoiceSelect } from './token-choice.js';

/** Options of balanced assignment. */
export interface BalancedAssignmentOptions {
  /** Routing when context.training is false: 'greedy' top-1 (default, the paper's) or 'balanced'. */
  evaluation?: 'greedy' | 'balanced';
}

export const balancedAssignmentKeys = ['evaluation'];

/**
 * The assignment a: [tokens] (an expert per token) maximising Σ_t scores[t, a(t)] with at most
 * `capacity` tokens per expert (default ⌈tokens / experts⌉). `scores` is row-major [tokens, experts].
 */
export function balancedAssignment(scores: ArrayLike<number>, tokens: number, experts: number, capacity = Math.ceil(tokens / experts)): Int32Array {
  if (capacity * experts < tokens) throw new Error(`balancedAssignment: ${experts} experts of capacity ${capacity} cannot take ${tokens} tokens`);
  const s = (t: number, e: number): number => scores[t * experts + e];
  const assigned = new Int32Array(tokens).fill(-1);
  const members: number[][] = Array.from({ length: experts }, () => []);
  const distance = new Float64Array(experts);
  const previous = new Int32Array(experts); // expert the path came from (−1: straight from the new token)
  const mover = new Int32Array(experts); // token moved along that edge
  for (let t = 0; t < tokens; t++) {
    for (let e = 0; e < experts; e++) {
      distance[e] = -s(t, e);
      previous[e] = -1;
      mover[e] = t;
    }
    // Bellman-Ford over the experts: leave a full expert e by moving one of its tokens u to f.
    for (let round = 0; round < experts; round++) {
      let changed = false;
      for (let e = 0; e < experts; e++) {
        if (members[e].length < capacity) continue;
        for (let f = 0; f < experts; f++) {
          if (f === e) continue;
          let best = Infinity;
          let who = -1;
          for (const u of members[e]) {
            const cost = s(u, e) - s(u, f);
            if (cost < best) [best, who] = [cost, u];
          }
          if (distance[e] + best < distance[f] - 1e-12) {
            distance[f] = distance[e] + best;
            previous[f] = e;
            mover[f] = who;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    let target = -1;
    for (let e = 0; e < experts; e++) if (members[e].length < capacity && (target < 0 || distance[e] < distance[target])) target = e;
    // Walk the path back: each mover enters the expert it points to and leaves the previous one.
    for (let f = target; f >= 0; ) {
      const u = mover[f];
      const from = previous[f];
      if (from >= 0) members[from].splice(members[from].indexOf(u), 1);
      members[f].push(u);
      assigned[u] = f;
      f = from;
    }
  }
  return assigned;
}

/** Balanced-assignment routing of scores S: [tokens, experts]; weights σ(S) of the assigned pairs. */
export async function balancedAssignmentSelect(scores: Tensor): Promise<RoutingPlan> {
  const [tokens, experts] = checkScores('balancedAssignment', scores);
  const assignment = balancedAssignment(await scores.data(), tokens, experts);
  const token = Int32Array.from({ length: tokens }, (_, t) => t);
  const probabilities = sigmoid(scores);
  // [tokens, 1] → one weight per token: σ(S_{t, a(t)}).
  const weights = gather(probabilities, tensor(assignment, [tokens, 1], { dtype: 'int32' }));
  return buildPlan({ tokens, experts, token, expert: assignment, weights, position: token, probabilities, stats: { capacity: Math.ceil(tokens / experts) } });
}

/** The balanced-assignment rule: the exact assignment in training, greedy top-1 at evaluation by default. */
export class BalancedAssignmentSelection implements SelectionRule {
  readonly name = 'balancedAssignment';
  readonly options: Readonly<Required<BalancedAssignmentOptions>>;

  constructor(options: BalancedAssignmentOptions, readonly experts: number, owner = 'balancedAssignment') {
    checkKeys(owner, options, balancedAssignmentKeys);
    this.options = Object.freeze({ evaluation: checkOneOf(owner, 'evaluation', orDefault<unknown>(options.evaluation, 'greedy'), ['greedy', 'balanced'] as const) });
  }

  select(scores: Tensor, context: RouteContext): Promise<RoutingPlan> {
    checkScores(this.name, scores, this.experts);
    if (context.training || this.options.evaluation === 'balanced') return balancedAssignmentSelect(scores);
    return tokenChoiceSelect(scores, { topK: 1, weighting: 'sigmoid', renormalize: false });
  }
}
