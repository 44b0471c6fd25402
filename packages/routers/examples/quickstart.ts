// A tour of @smoe/routers: build routers from the registry, route a batch, read the plan and
// its statistics, swap the selection rule of a "trained" router (training-free USMoE), and
// register a strategy of your own.
//   node --conditions=@smoe/source --import tsx packages/routers/examples/quickstart.ts
import { Rng, init, setBackend, tensor, type Tensor } from '@smoe/tensor/node';
import {
  ScoredRouter,
  Scorer,
  createRouter,
  createSelection,
  registerRouter,
  routingFluctuation,
  tokenChoiceSelect,
  topExpert,
  usmoe,
  validatePlan,
  withSelection,
  type RouterShape,
  type ScoreOutput,
} from '@smoe/routers';

await setBackend('cpu');
const experts = 8;
const dim = 16;
const x = tensor(new Rng(1).normalArray(32 * dim), [32, dim]); // [tokens, dim]: 2 sequences of 16

// Token choice top-2 (the SMoE baseline): a plan of (token, expert, weight) triples.
const smoe = createRouter({ strategy: 'tokenChoice', experts, dim, topK: 2, seed: 0 });
const plan = await smoe.route(x, { training: true });
console.log('pairs', plan.tokenIndex.length, 'counts', Array.from(plan.counts)); // 64 pairs
console.log('load cv', plan.stats.loadCv.toFixed(3), 'aux loss', (await plan.auxLoss!.item()).toFixed(4));
plan.auxLoss!.add(plan.weight.sum()).backward(); // gradients reach the gate W_g

// The same gate weights, selected by USMoE: global top-c per sequence, 1.5 experts per token.
const unified = withSelection(smoe, 'usmoe', { topK: 1.5, alpha: 0.5 });
const cheaper = await unified.route(x, { training: false, groupSize: 16 });
console.log('usmoe pairs', cheaper.tokenIndex.length, 'tokens with 0 experts', cheaper.unroutedTokens); // 48

// Or build one from a configuration, as the MoE layer does.
const fresh = createRouter({ ...usmoe({ topK: 1.5 }), experts, dim });
await validatePlan(await fresh.route(x, { training: true, groupSize: 16 }));

// Routing fluctuation between two checkpoints (StableMoE's measure).
const before = await topExpert(plan);
const after = await topExpert(await createRouter({ strategy: 'tokenChoice', experts, dim, seed: 1 }).route(x, { training: false }));
console.log('fluctuation', routingFluctuation(before, after).toFixed(2));

// Your own strategy: a scorer (the parameters) + a selection rule + loss weights, and one
// line of registration.
class CosineScorer extends Scorer {
  readonly experts: number;
  readonly dim: number;
  weight: Tensor; // [dim, experts]
  constructor({ experts, dim }: RouterShape) {
    super();
    this.experts = experts;
    this.dim = dim;
    this.weight = init.normal([dim, experts], 0.1);
  }
  score(x: Tensor): ScoreOutput {
    const unit = (m: Tensor, axis: number): Tensor => m.div(m.square().sum(axis, true).sqrt().add(1e-6));
    return { scores: unit(x, -1).matmul(unit(this.weight, 0)).mul(10) }; // [tokens, experts] cosine / 0.1
  }
}
registerRouter('cosineTopK', (options) => {
  const scorer = new CosineScorer(options);
  const selection = createSelection('tokenChoice', options.experts, { topK: 2 });
  return new ScoredRouter({ strategy: 'cosineTopK', scorer, selection, lossWeights: { balance: 0.01, z: 0, importance: 0 } });
});
const mine = await createRouter({ strategy: 'cosineTopK', experts, dim }).route(x, { training: true });
console.log('cosineTopK experts per token', mine.stats.expertsPerToken);

// Every selection rule is also a pure function of a score matrix [tokens, experts].
const tc = await tokenChoiceSelect(
  tensor([
    [2, 1, 0],
    [0, 3, 1],
    [4, 0, 0],
  ]),
  { topK: 1, capacity: 1 }
);
console.log('token', Array.from(tc.tokenIndex), 'expert', Array.from(tc.expertIndex), 'dropped', tc.droppedPairs); // token 2 dropped
