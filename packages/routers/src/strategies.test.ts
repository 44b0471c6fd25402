// Every registered strategy: builds from the registry, routes in training and evaluation with
// valid plans, and sends gradients where its method says; plus each one's own behaviour.
import { describe, expect, it } from 'vitest';
import { Rng, matmul, noGrad, tensor, type Tensor } from '@smoe/tensor';
import {
  AuxiliaryLossFreeRouter,
  CompeteSMoERouter,
  HashRouter,
  HyperRouter,
  NoisyTopKRouter,
  ScoredRouter,
  SmoeDropoutRouter,
  StableMoERouter,
  TokenChoiceRouter,
  XMoERouter,
  createRouter,
  expertChoiceSelect,
  orthogonalInit,
  registerRouter,
  routerNames,
  smoeDropoutTopK,
  usmoe,
  usmoeSelect,
  validatePlan,
  withSelection,
  type RouteContext,
  type Router,
  type RoutingPlan,
} from './index.js';

const experts = 4;
const dim = 6;
const tokens = 8;
const x = tensor(new Rng(7).normalArray(tokens * dim), [tokens, dim]);
const tokenIds = Int32Array.from({ length: tokens }, (_, i) => (i * 7) % 13);
const train: RouteContext = { training: true, tokenIds, rng: new Rng(3) };
const evaluate: RouteContext = { training: false, tokenIds };

/** The gate's probabilities softmax(x·W_g), computed here in float64 from the router's weight: [tokens][experts]. */
async function gateProbabilities(router: Router, input: Tensor): Promise<number[][]> {
  const weight = await new Map(router.namedParameters()).get('scorer.weight')!.data();
  const values = await input.data();
  const [rows, width] = input.shape;
  const columns = weight.length / width;
  return Array.from({ length: rows }, (_, t) => {
    const scores = Array.from({ length: columns }, (_, j) => Array.from({ length: width }, (_, k) => values[t * width + k] * weight[k * columns + j]).reduce((a, b) => a + b, 0));
    const top = Math.max(...scores);
    const exps = scores.map((v) => Math.exp(v - top));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((v) => v / total);
  });
}

async function gradNames(router: Router, plan: RoutingPlan): Promise<string[]> {
  router.zeroGrad();
  let loss = plan.weight.sum();
  if (plan.auxLoss) loss = loss.add(plan.auxLoss);
  if (!loss.requiresGrad) return [];
  loss.backward();
  const names: string[] = [];
  for (const [name, p] of router.namedParameters()) {
    if (!p.grad) continue;
    const g = await p.grad.data();
    if (g.some((v) => v !== 0)) names.push(name);
  }
  return names;
}

describe('the registry', () => {
  it('lists every built-in strategy', () => {
    expect(routerNames()).toEqual(
      expect.arrayContaining([
        'tokenChoice',
        'switch',
        'gshard',
        'batchPrioritized',
        'noisyTopK',
        'expertChoice',
        'usmoe',
        'vq',
        'xmoe',
        'stableMoE',
        'smoeDropout',
        'hyperRouter',
        'competeSMoE',
        'topP',
        'auxiliaryLossFree',
        'hash',
      ])
    );
  });

  it('builds, routes and differentiates every strategy in training and evaluation', async () => {
    const trainable: Record<string, string[]> = {
      tokenChoice: ['scorer.weight'],
      switch: ['scorer.weight'],
      gshard: ['scorer.weight'],
      batchPrioritized: ['scorer.weight'],
      noisyTopK: ['scorer.gate.weight', 'scorer.noiseWeight'],
      expertChoice: ['scorer.weight'],
      usmoe: ['scorer.weight'],
      xmoe: ['scorer.projection', 'scorer.expertEmbeddings'],
      stableMoE: ['scorer.centroids', 'distilled.weight', 'distilled.expertEmbeddings'],
      smoeDropout: [],
      hyperRouter: ['scorer.embedding'],
      competeSMoE: ['scorer.weight'],
      topP: ['scorer.weight'],
      auxiliaryLossFree: ['scorer.weight'],
      hash: [],
    };
    for (const [strategy, expected] of Object.entries(trainable)) {
      const router = createRouter({ strategy, experts, dim, seed: 1 });
      expect(router.strategy).toBe(strategy);
      expect(router.experts).toBe(experts);
      const plan = await router.route(x, train);
      await validatePlan(plan);
      expect(plan.tokens).toBe(tokens);
      expect((await gradNames(router, plan)).sort()).toEqual([...expected].sort());
      await validatePlan(await router.route(x, evaluate));
    }
  });

  it('registers a user strategy, refuses a duplicate name, and reports unknown ones', async () => {
    class FirstExpert extends TokenChoiceRouter {}
    registerRouter('firstExpertTest', (o) => new FirstExpert({ experts: o.experts, dim: o.dim, topK: 1, weighting: 'softmax' }));
    const router = createRouter({ strategy: 'firstExpertTest', experts, dim });
    await validatePlan(await router.route(x, train));
    expect(() => registerRouter('firstExpertTest', (o) => new FirstExpert(o))).toThrow(/already registered/);
    registerRouter('firstExpertTest', (o) => new FirstExpert(o), { replace: true });
    expect(() => createRouter({ strategy: 'nope', experts, dim })).toThrow(/strategy = 'nope' is not registered; registered: tokenChoice/);
  });

  it('takes configurations from the helpers', async () => {
    const router = createRouter({ ...usmoe({ topK: 1.5, alpha: 0.5 }), experts, dim });
    const plan = await router.route(x, train);
    expect(plan.tokenIndex.length).toBe(12);
  });
});

describe('swapping the selection rule of a trained router (training-free USMoE)', () => {
  it('shares the gate weights and routes like the pure rule on the same scores', async () => {
    const trained = createRouter({ strategy: 'tokenChoice', experts, dim, seed: 2 }) as TokenChoiceRouter;
    const swapped = withSelection(trained, 'usmoe', { topK: 1.5, alpha: 0.4 });
    expect(swapped.strategy).toBe('usmoe');
    expect(swapped.parameters()).toEqual(trained.parameters());
    expect(swapped.parameters()[0]).toBe(trained.parameters()[0]);
    const plan = await swapped.route(x, evaluate);
    // token choice's weights sum to 1 per token (softmax over the selected): the swap renormalises
    expect(swapped.selection.options.renormalize).toBe(true);
    const reference = await usmoeSelect(matmul(x, trained.scorer.parameters()[0]), { topK: 1.5, alpha: 0.4, renormalize: true });
    expect(Array.from(plan.tokenIndex)).toEqual(Array.from(reference.tokenIndex));
    expect(Array.from(plan.expertIndex)).toEqual(Array.from(reference.expertIndex));
    expect(Array.from(await plan.weight.data())).toEqual(Array.from(await reference.weight.data()));
    const ec = await withSelection(trained, 'expertChoice', { topK: 2 }).route(x, evaluate);
    const ecReference = await expertChoiceSelect(matmul(x, trained.scorer.parameters()[0]), { topK: 2 });
    expect(Array.from(ec.expertIndex)).toEqual(Array.from(ecReference.expertIndex));
    expect(Array.from(ec.tokenIndex)).toEqual(Array.from(ecReference.tokenIndex));
  });

  it('renormalises by default only when the trained weights summed to 1 per token; renormalize: false keeps the raw unified weights', async () => {
    const topK = createRouter({ strategy: 'tokenChoice', experts, dim, seed: 2 });
    const raw = withSelection(topK, 'usmoe', { topK: 1.5, renormalize: false });
    expect(raw.selection.options.renormalize).toBe(false);
    const plan = await raw.route(x, evaluate);
    const sums = new Float64Array(plan.tokens);
    const w = await plan.weight.data();
    plan.tokenIndex.forEach((t, p) => (sums[t] += w[p]));
    expect(Math.max(...sums)).toBeLessThan(1); // unified weights: a fraction of the trained scale
    const switchRouter = createRouter({ strategy: 'switch', experts, dim, seed: 2 }); // softmax over all, not renormalised
    expect(withSelection(switchRouter, 'usmoe', { topK: 1.5 }).selection.options.renormalize).toBe(false);
  });

  it('also works through a checkpoint: a token-choice state dict loads into a usmoe router', async () => {
    const trained = createRouter({ strategy: 'tokenChoice', experts, dim, seed: 2 });
    const fresh = createRouter({ strategy: 'usmoe', experts, dim, seed: 9 });
    fresh.loadStateDict(trained.stateDict());
    const a = await fresh.route(x, evaluate);
    const b = await withSelection(trained, 'usmoe', { renormalize: false }).route(x, evaluate);
    expect(Array.from(a.expertIndex)).toEqual(Array.from(b.expertIndex));
  });

  it('refuses routers without a score matrix, and unknown rules', () => {
    expect(() => withSelection(new HashRouter({ experts }), 'usmoe')).toThrow(/'hash' router does not route from a score matrix/);
    expect(() => withSelection(createRouter({ strategy: 'tokenChoice', experts, dim }), 'bogus')).toThrow(/unknown selection rule 'bogus'/);
  });
});

describe('strategy behaviour', () => {
  it('switch: capacity factor 1.25 in training, 2.0 at evaluation', async () => {
    const router = createRouter({ strategy: 'switch', experts, dim, seed: 1 });
    expect((await router.route(x, train)).capacity).toBe(Math.ceil((1.25 * tokens) / experts));
    expect((await router.route(x, evaluate)).capacity).toBe(Math.ceil((2 * tokens) / experts));
    // The Switch balance loss N · Σ_j f_j · P̄_j: f_j the fraction of tokens whose top-1 is j
    // (before capacity), P̄_j the mean gate probability of expert j.
    const P = await gateProbabilities(router, x);
    const demand = new Array<number>(experts).fill(0);
    for (const row of P) demand[row.indexOf(Math.max(...row))]++;
    const balance = experts * demand.reduce((sum, count, j) => sum + (count / tokens) * (P.reduce((s, row) => s + row[j], 0) / tokens), 0);
    expect(await (await router.route(x, train)).losses.balance.item()).toBeCloseTo(balance, 5);
  });

  it('gshard: top-2 weights renormalised over the pair', async () => {
    const plan = await createRouter({ strategy: 'gshard', experts, dim, seed: 1, capacityFactor: null }).route(x, train);
    const w = await plan.weight.data();
    const sums = new Float64Array(tokens);
    plan.tokenIndex.forEach((t, p) => (sums[t] += w[p]));
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
  });

  it('noisyTopK: noise only in training; importance and load losses', async () => {
    const router = new NoisyTopKRouter({ experts, dim, seed: 1 });
    const a = await router.route(x, { training: true, rng: new Rng(1) });
    const b = await router.route(x, { training: true, rng: new Rng(2) });
    expect(Array.from(await a.probabilities!.data())).not.toEqual(Array.from(await b.probabilities!.data()));
    expect(Object.keys(a.losses).sort()).toEqual(['importance', 'load']);
    const e1 = await router.route(x, evaluate);
    const e2 = await router.route(x, evaluate);
    expect(Array.from(await e1.weight.data())).toEqual(Array.from(await e2.weight.data()));
    expect(e1.losses.load).toBeUndefined();
  });

  it('expertChoice: perfect balance; in causal models, per-token thresholds saved with the router', async () => {
    const router = createRouter({ strategy: 'expertChoice', experts, dim, seed: 1 });
    const plan = await router.route(x, { training: true, groupSize: 4 });
    expect(Array.from(plan.counts)).toEqual([4, 4, 4, 4]);
    expect(await router.routerState!()).toEqual({});
    await router.route(x, { training: true, groupSize: 4, causal: true });
    const state = await router.routerState!();
    expect(Object.keys(state)).toEqual(['selection.threshold']);
    expect(state['selection.threshold']).toHaveLength(experts);
    const copy = createRouter({ strategy: 'expertChoice', experts, dim, seed: 1 });
    copy.loadRouterState!(state);
    const a = await router.route(x, { ...evaluate, causal: true });
    const b = await copy.route(x, { ...evaluate, causal: true });
    expect(Array.from(b.tokenIndex)).toEqual(Array.from(a.tokenIndex));
    expect(a.stats.calibrated).toBe(1);
    expect(() => copy.loadRouterState!({ bias: new Float32Array(experts) })).toThrow(/unexpected router state 'bias'/);
  });

  it('tokenChoice refuses topK 1 with the softmax over the selected expert (every weight would be 1: no router gradient)', () => {
    expect(() => createRouter({ strategy: 'tokenChoice', experts, dim, topK: 1 })).toThrow(/topK = 1.*no gradient/);
    expect(() => createRouter({ strategy: 'tokenChoice', experts, dim, topK: 1, weighting: 'softmax' })).not.toThrow();
  });

  it('smoeDropout: frozen random router, k grows linearly', async () => {
    expect(smoeDropoutTopK(0, 100, 1, 4)).toBe(1);
    expect(smoeDropoutTopK(50, 100, 1, 4)).toBe(3);
    expect(smoeDropoutTopK(100, 100, 1, 4)).toBe(4);
    const router = new SmoeDropoutRouter({ experts, dim, seed: 1, minTopK: 1, maxTopK: 3 });
    expect(router.parameters()).toHaveLength(0);
    expect((await router.route(x, { training: true, step: 0, totalSteps: 10 })).stats.expertsPerToken).toBe(1);
    expect((await router.route(x, { training: true, step: 10, totalSteps: 10 })).stats.expertsPerToken).toBe(3);
    expect((await router.route(x, evaluate)).stats.expertsPerToken).toBe(3);
    const copy = new SmoeDropoutRouter({ experts, dim, seed: 99, minTopK: 1, maxTopK: 3 });
    copy.loadRouterState(await router.routerState());
    expect(Array.from((await copy.route(x, evaluate)).expertIndex)).toEqual(Array.from((await router.route(x, evaluate)).expertIndex));
  });

  it('stableMoE: stage 1 distils, stage 2 routes by the frozen distilled router', async () => {
    const router = new StableMoERouter({ experts, dim, seed: 1, stage1Steps: 5 });
    const stage1 = await router.route(x, { training: true, step: 0 });
    expect(stage1.stats.stage).toBe(1);
    expect(Object.keys(stage1.losses).sort()).toEqual(['balance', 'distillation']);
    const stage2 = await router.route(x, { training: true, step: 5 });
    expect(router.stage).toBe(2);
    expect(stage2.stats.stage).toBe(2);
    expect(await gradNames(router, stage2)).toEqual(['scorer.centroids']);
    // The assignment is the distilled router's argmax.
    const distilled = await router.distilled.score(x, evaluate, true).scores.data();
    const expected = Array.from({ length: tokens }, (_, t) => {
      const row = Array.from(distilled.slice(t * experts, (t + 1) * experts));
      return row.indexOf(Math.max(...row));
    });
    const assigned = new Array<number>(tokens);
    stage2.tokenIndex.forEach((t, p) => (assigned[t] = stage2.expertIndex[p]));
    expect(assigned).toEqual(expected);
    expect(await router.routerState()).toEqual({ stage: Float32Array.of(2) });
  });

  it('stableMoE with stage1Fraction 1 stays in stage 1 through the last step (steps count from 0)', async () => {
    const router = new StableMoERouter({ experts, dim, seed: 1, stage1Fraction: 1, distillationLossWeight: 0 });
    expect((await router.route(x, { training: true, step: 9, totalSteps: 10 })).stats.stage).toBe(1);
    expect(router.stage).toBe(1);
  });

  it('stableMoE with a token-embedding distilled router needs token ids', async () => {
    const router = new StableMoERouter({ experts, dim, seed: 1, vocab: 13, stage: 2 });
    await validatePlan(await router.route(x, train));
    await expect(router.route(x, { training: false })).rejects.toThrow(/needs context.tokenIds/);
  });

  it('hyperRouter: only the embedding is trained; the hypernetwork is fixed state', async () => {
    const router = new HyperRouter({ experts, dim, seed: 1, hiddenDim: 16 });
    expect(router.namedParameters().map(([n]) => n)).toEqual(['scorer.embedding']);
    const state = await router.routerState();
    expect(state['hyper.w2'].length).toBe(16 * (experts * dim + experts));
    const copy = new HyperRouter({ experts, dim, seed: 5, hiddenDim: 16 });
    copy.loadRouterState(state);
    copy.loadStateDict(router.stateDict());
    expect(Array.from(await (await copy.route(x, evaluate)).weight.data())).toEqual(Array.from(await (await router.route(x, evaluate)).weight.data()));
  });

  it('competeSMoE: competition by expert output norms, with the imitation loss', async () => {
    const router = new CompeteSMoERouter({ experts, dim, seed: 1, topK: 1, competitionProbability: 1 });
    const norms = tensor(Array.from({ length: tokens }, (_, t) => [0, 1, 2, 3].map((e) => (e === t % experts ? 5 : 1))));
    const plan = await router.route(x, { training: true, expertOutputNorms: () => norms });
    expect(plan.stats.competition).toBe(1);
    plan.tokenIndex.forEach((t, p) => expect(plan.expertIndex[p]).toBe(t % experts));
    // The imitation loss: mean squared distance of softmax(S) to the competition's winners (one-hot: top-1 of norms 5 vs 1).
    const P = await gateProbabilities(router, x);
    const imitation = P.reduce((sum, row, t) => sum + row.reduce((s, p, j) => s + (p - (j === t % experts ? 1 : 0)) ** 2, 0), 0) / (tokens * experts);
    expect(await plan.losses.imitation.item()).toBeCloseTo(imitation, 6);
    expect(await plan.auxLoss!.item()).toBeCloseTo(5 * imitation + 0.01 * (await plan.losses.balance.item()), 5);
    expect(await gradNames(router, plan)).toEqual(['scorer.weight']);
    expect((await router.route(x, { training: true })).stats.competition).toBe(0);
    expect((await router.route(x, { training: false, expertOutputNorms: () => norms })).stats.competition).toBe(0);
  });

  it('topP: each token keeps the fewest most probable experts whose probability reaches p, plus the entropy loss', async () => {
    // Gate probabilities chosen by hand; with p = 0.75 the kept sets follow from the definition
    // (add experts in order of probability, ties to the lower index, until the sum reaches p).
    const P = [
      [0.8, 0.1, 0.05, 0.05], // 0.8                      → {0}
      [0.1, 0.3, 0.4, 0.2], //   0.4 + 0.3 + 0.2 = 0.9     → {2, 1, 3}
      [0.05, 0.15, 0.2, 0.6], // 0.6 + 0.2 = 0.8           → {3, 2}
      [0.22, 0.26, 0.24, 0.28], // 0.28 + 0.26 + 0.24 = 0.78 → {3, 1, 2}
      [0.3, 0.1, 0.35, 0.25], // 0.35 + 0.3 + 0.25 = 0.9   → {2, 0, 3}
      [0.1, 0.7, 0.1, 0.1], //   0.7 + 0.1 (expert 0 of the tied three) → {1, 0}
      [0.4, 0.4, 0.1, 0.1], //   0.4 (expert 0 of the tie) + 0.4 → {0, 1}
      [0.05, 0.05, 0.05, 0.85], // 0.85                    → {3}
    ];
    const kept = [[0], [2, 1, 3], [3, 2], [3, 1, 2], [2, 0, 3], [1, 0], [0, 1], [3]];
    const router = createRouter({ strategy: 'topP', experts: 4, dim: 4, seed: 1, threshold: 0.75 });
    // An identity gate makes the scores log P, so softmax(scores) = P.
    noGrad(() => new Map(router.namedParameters()).get('scorer.weight')!.assign(tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])));
    const plan = await router.route(tensor(P.map((row) => row.map(Math.log))), train);
    await validatePlan(plan);
    const weight = await plan.weight.data();
    const sets: number[][] = P.map(() => []);
    plan.tokenIndex.forEach((t, p) => {
      sets[t].push(plan.expertIndex[p]);
      expect(weight[p]).toBeCloseTo(P[t][plan.expertIndex[p]], 6);
    });
    expect(sets.map((set) => [...set].sort())).toEqual(kept.map((set) => [...set].sort()));
    expect(plan.stats.expertsPerToken).toBeCloseTo(17 / 8, 6);
    expect(plan.unroutedTokens).toBe(0);
    // maxK caps the set at the k most probable experts.
    const capped = createRouter({ strategy: 'topP', experts: 4, dim: 4, seed: 1, threshold: 0.75, maxK: 2 });
    noGrad(() => new Map(capped.namedParameters()).get('scorer.weight')!.assign(tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])));
    const cappedPlan = await capped.route(tensor(P.map((row) => row.map(Math.log))), train);
    const cappedSets: number[][] = P.map(() => []);
    cappedPlan.tokenIndex.forEach((t, p) => cappedSets[t].push(cappedPlan.expertIndex[p]));
    expect(cappedSets.map((set) => [...set].sort())).toEqual(kept.map((set) => set.slice(0, 2).sort()));
    // The entropy (dynamic) loss: 1e-4 · mean over tokens of H(P_t).
    const entropy = P.reduce((sum, row) => sum - row.reduce((h, p) => h + p * Math.log(p), 0), 0) / P.length;
    expect(await plan.losses.entropy.item()).toBeCloseTo(entropy, 5);
    expect(await plan.auxLoss!.item()).toBeCloseTo(1e-4 * entropy + 0.01 * (await plan.losses.balance.item()), 7);
  });

  it('auxiliaryLossFree: the bias moves load from busy experts to idle ones', async () => {
    const router = new AuxiliaryLossFreeRouter({ experts, dim, seed: 1, topK: 1, biasUpdateRate: 0.1 });
    const plan = await router.route(x, train);
    expect(plan.auxLoss).toBeNull();
    const bias = await router.bias.data();
    const mean = tokens / experts;
    for (let e = 0; e < experts; e++) expect(bias[e]).toBeCloseTo(0.1 * Math.sign(mean - plan.counts[e]), 6);
    await router.route(x, evaluate);
    expect(Array.from(await router.bias.data())).toEqual(Array.from(bias));
    // A skewed gate on a larger batch: small sign steps even the load out.
    const big = tensor(new Rng(11).normalArray(64 * dim), [64, dim]).add(tensor([1, 1, 1, 1, 1, 1]));
    const balancing = new AuxiliaryLossFreeRouter({ experts, dim, seed: 1, topK: 1, biasUpdateRate: 0.005 });
    const cvs: number[] = [];
    for (let step = 0; step < 40; step++) cvs.push((await balancing.route(big, train)).stats.loadCv);
    const late = cvs.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(cvs[0]).toBeGreaterThan(0.5);
    expect(late).toBeLessThan(0.2);
    const copy = new AuxiliaryLossFreeRouter({ experts, dim, seed: 1, topK: 1 });
    copy.loadRouterState(await router.routerState());
    expect(Array.from(await copy.bias.data())).toEqual(Array.from(await router.bias.data()));
  });

  it('hash: needs token ids', async () => {
    const router = new HashRouter({ experts });
    await validatePlan(await router.route(x, train));
    await expect(router.route(x, { training: true })).rejects.toThrow(/context.tokenIds/);
  });

  it('xmoe: orthogonal expert embeddings; cosine scores bounded by 1/τ with a learned τ', async () => {
    const e = orthogonalInit(3, 8, 0.32, new Rng(1));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let dot = 0;
        for (let c = 0; c < 8; c++) dot += e[i * 8 + c] * e[j * 8 + c];
        expect(dot).toBeCloseTo(i === j ? 0.32 ** 2 : 0, 5);
      }
    }
    const router = new XMoERouter({ experts, dim, seed: 1, normalizeInput: true, learnTemperature: true, temperature: 0.5 });
    const scores = await (router.scorer.score(x, train).scores as Tensor).data();
    for (const s of scores) expect(Math.abs(s)).toBeLessThanOrEqual(2 + 1e-5);
    const plan = await router.route(x, train);
    expect((await gradNames(router, plan)).sort()).toEqual(['scorer.expertEmbeddings', 'scorer.projection', 'scorer.temperature']);
  });

  it('scored routers put their weighted losses in auxLoss', async () => {
    const router = createRouter({ strategy: 'tokenChoice', experts, dim, seed: 1, balanceLossWeight: 0.5, zLossWeight: 0.25 }) as ScoredRouter;
    const plan = await router.route(x, train);
    const expected = 0.5 * (await plan.losses.balance.item()) + 0.25 * (await plan.losses.z.item());
    expect(await plan.auxLoss!.item()).toBeCloseTo(expected, 5);
  });
});
