/**
 * Expert capacity (GShard, Lepikhin et al. 2021; Switch Transformer, Fedus et al. 2022): each
 * expert keeps at most C pairs and drops the rest (their MoE output is 0; the residual carries
 * the token):
 *   C = ceil(capacityFactor · pairs / experts)           (pairs = k·T for token choice)
 * Which pairs an expert keeps: 'arrival' (token order, as Switch) or 'weight' (largest routing
 * weight first, V-MoE's batch-prioritised routing, Riquelme et al. 2021).
 * A capacity factor of 0 means dropless. Defaults: priority 'arrival'.
 * In a causal model (`causalGroupSize` = tokens per sequence) an expert keeps pairs
 * position-major — position 0 of every sequence, then position 1, … (weight orders pairs within
 * one position) — so whether a pair is dropped depends only on tokens at the same or earlier
 * positions (docs/routing.md §2).
 *
 * `padPlan` pads a plan with zero-weight pairs to `staticRowCount(plan)` rows, so the expert
 * kernels see shapes that repeat from step to step (gpu.js compiles one kernel per shape) while
 * capacity drops a varying number of pairs, or a strategy selects a varying number (top-p,
 * causal thresholds):
 *   with a capacity C:  min(selected pairs, experts · C)        (fixed for a given batch size)
 *   otherwise:          pairs rounded up to a multiple of ceil(tokens / 4)   (`paddedRows`)
 * Inside a compiled step `applyCapacity` already gathers the kept weights into those rows, so no
 * kernel of the step has a shape that follows the data (build-plan.ts in @smoe/routers).
 */
import { concat, indexSelect, isCompiling, tensor, zeros, type Tensor } from '@smoe/tensor';
import { pairRows, paddedRows, type RoutingPlan } from '@smoe/routers';

/** Which pairs an expert keeps when it is over capacity. */
export type CapacityPriority = 'arrival' | 'weight';

/** Pairs one expert may keep: ceil(capacityFactor · pairs / experts) (Infinity when dropless). */
export function expertCapacity(capacityFactor: number, pairs: number, experts: number): number {
  if (!(capacityFactor > 0)) return Infinity;
  return Math.max(1, Math.ceil((capacityFactor * pairs) / experts));
}

function int32(values: Int32Array): Tensor {
  return tensor(values, [values.length], { dtype: 'int32' });
}

/**
 * Drops the pairs beyond each expert's capacity: a plan holding only the kept pairs (still
 * sorted by expert, then token), with counts, droppedPairs, unroutedTokens and capacity
 * updated. `weights` are the host values of `plan.weight` (needed only for priority 'weight').
 */
export function applyCapacity(plan: RoutingPlan, capacity: number, priority: CapacityPriority = 'arrival', weights?: Float32Array, causalGroupSize?: number): RoutingPlan {
  if (!Number.isFinite(capacity)) return plan;
  // inside a compiled step every plan takes the same path (drops or not), so the kernels recorded do not follow the data
  const compiling = isCompiling();
  if (!compiling && plan.counts.every((c) => c <= capacity)) return { ...plan, capacity: Math.min(capacity, plan.capacity ?? Infinity) };
  if (priority === 'weight' && !weights) throw new Error("applyCapacity: priority 'weight' needs the host values of plan.weight");
  const pairs = plan.expertIndex.length;
  const keep: number[] = [];
  let start = 0;
  while (start < pairs) {
    const expert = plan.expertIndex[start];
    let end = start;
    while (end < pairs && plan.expertIndex[end] === expert) end++;
    let members = Array.from({ length: end - start }, (_, i) => start + i);
    if (members.length > capacity) {
      const position = (p: number): number => (causalGroupSize ? plan.tokenIndex[p] % causalGroupSize : 0);
      const weight = (p: number): number => (priority === 'weight' ? -(weights as Float32Array)[p] : 0);
      members.sort((a, b) => position(a) - position(b) || weight(a) - weight(b) || a - b);
      members = members.slice(0, capacity).sort((a, b) => a - b);
    }
    keep.push(...members);
    start = end;
  }
  const kept = Int32Array.from(keep);
  // inside a compiled step the kept weights are gathered straight into the static rows, padding
  // from an appended 0 (appended even when no row pads, so the recorded kernels stay the same)
  const rows = compiling ? Math.max(kept.length, Math.min(pairs, capacity * plan.experts)) : kept.length;
  const keptRows = new Int32Array(rows).fill(plan.weight.size);
  keptRows.set(kept);
  const tokenIndex = Int32Array.from(kept, (p) => plan.tokenIndex[p]);
  const expertIndex = Int32Array.from(kept, (p) => plan.expertIndex[p]);
  const counts = new Int32Array(plan.experts);
  for (const e of expertIndex) counts[e]++;
  const routed = new Uint8Array(plan.tokens);
  for (const t of tokenIndex) routed[t] = 1;
  let unroutedTokens = 0;
  for (const r of routed) unroutedTokens += r ? 0 : 1;
  return {
    ...plan,
    ...pairRows(tokenIndex, expertIndex, rows, plan.experts),
    tokenIndex,
    expertIndex,
    weight: indexSelect(compiling ? concat([plan.weight, zeros([1])]) : plan.weight, 0, int32(keptRows)),
    counts,
    droppedPairs: plan.droppedPairs + (pairs - kept.length),
    unroutedTokens,
    capacity: Math.min(capacity, plan.capacity ?? Infinity),
  };
}

/** The row count a plan is padded to before dispatch (see the header). */
export function staticRowCount(plan: RoutingPlan): number {
  const pairs = plan.tokenIndex.length;
  if (plan.capacity !== undefined && Number.isFinite(plan.capacity)) return Math.max(pairs, Math.min(pairs + plan.droppedPairs, plan.capacity * plan.experts));
  return paddedRows(pairs, plan.tokens);
}

/**
 * Pads a plan's tensors to `rows` rows with pairs (token 0, the last expert, weight 0), so they
 * stay sorted by expert: they add nothing to the output and no gradient, and keep the experts'
 * input shapes fixed from step to step. The host copies, counts and statistics keep describing
 * the real pairs. A plan already that long (build-plan.ts pads inside a compiled step) is returned as is.
 */
export function padPlan(plan: RoutingPlan, rows: number): RoutingPlan {
  const current = plan.token.size;
  if (rows <= current) return plan;
  const weight = current === 0 ? zeros([rows]) : concat([plan.weight, zeros([rows - current])]);
  return { ...plan, ...pairRows(plan.tokenIndex, plan.expertIndex, rows, plan.experts), weight };
}
