/**
 * Benchmark of the rules that compare tokens (USMoE k̄ 2, expert choice k 2) at the router
 * study's shape: 16 sequences of 256 tokens, 8 experts (not a timed test). For each rule and
 * backend it prints one JSON line with the median milliseconds of one selection in three modes:
 * `causalTraining` (the decoder's rule while training: route by τ̄, then observe τ_b),
 * `causalEval` (route by τ̄ only) and `sequence` (the encoder's global top-c / top-C over each
 * sequence, the peer the causal form replaces in decoders).
 *
 *   pnpm --filter @smoe/routers bench
 *   SMOE_BENCH_BACKENDS=webasm,cpu SMOE_BENCH_ROUNDS=21 pnpm --filter @smoe/routers bench
 */
import { isBackendAvailable, setBackend, tensor, type BackendName } from '@smoe/tensor';
import { installWebGPU } from '@smoe/tensor/node';
import { ExpertChoiceSelection, UsmoeSelection, type RouteContext, type SelectionRule } from '../src/index.js';

const TOKENS = 256;
const GROUPS = 16;
const EXPERTS = 8;
const ROUNDS = Number(process.env.SMOE_BENCH_ROUNDS ?? 11);

await installWebGPU();
const wanted = (process.env.SMOE_BENCH_BACKENDS ?? 'webasm').split(',').map((b) => b.trim()) as BackendName[];

/** Router scores N(0, 1)-like from a fixed linear congruential sequence, [GROUPS·TOKENS, EXPERTS]. */
function scores(): number[][] {
  let state = 1;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2;
  return Array.from({ length: GROUPS * TOKENS }, () => Array.from({ length: EXPERTS }, next));
}

async function medianMs(rule: SelectionRule, rows: number[][], context: RouteContext): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS + 2; r++) {
    const s = tensor(rows);
    const started = performance.now();
    await rule.select(s, context);
    if (r >= 2) times.push(performance.now() - started); // the first two compile kernels
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rows = scores();
for (const backend of wanted) {
  if (!(await isBackendAvailable(backend))) {
    console.log(JSON.stringify({ backend, skipped: 'not available here' }));
    continue;
  }
  await setBackend(backend);
  const rules: Array<[string, () => SelectionRule]> = [
    ['usmoe', () => new UsmoeSelection({ topK: 2 }, EXPERTS)],
    ['expertChoice', () => new ExpertChoiceSelection({ topK: 2 }, EXPERTS)],
  ];
  for (const [name, make] of rules) {
    const rule = make();
    const causalTraining = await medianMs(rule, rows, { training: true, causal: true, groupSize: TOKENS });
    const causalEval = await medianMs(rule, rows, { training: false, causal: true, groupSize: TOKENS });
    const sequence = await medianMs(make(), rows, { training: true, groupSize: TOKENS });
    console.log(JSON.stringify({ backend, rule: name, tokens: GROUPS * TOKENS, groupSize: TOKENS, experts: EXPERTS, rounds: ROUNDS, ms: { causalTraining, causalEval, sequence } }));
  }
}
