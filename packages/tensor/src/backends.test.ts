// Cross-backend agreement: a set of ops (forward values and gradients) computed on cpu and on
// every other available backend from the same seeded inputs must agree within
// BACKEND_TOLERANCE (rtol 1e-4, atol 1e-4; see ops/reference.test-helpers.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import * as ops from './index.js';
import { Rng, setBackend, tensor, type BackendName, type BackendOptions, type Tensor } from './index.js';
import { testBackends } from './testing.js';
import { BACKEND_TOLERANCE, expectArrayClose } from './ops/reference.test-helpers.js';

/** A seeded float32 tensor; the same values on every backend. */
function input(shape: number[], seed: number, requiresGrad = true, low = -2, high = 2): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(new Rng(seed).uniformArray(n, low, high), shape, { requiresGrad });
}

function int(values: number[], shape: number[] = [values.length]): Tensor {
  return tensor(new Int32Array(values), shape, { dtype: 'int32' });
}

/** Runs `loss` backward and returns [outputs..., gradients of `inputs`...]. */
function withGrads(outputs: Tensor[], loss: Tensor, inputs: Tensor[]): Tensor[] {
  loss.backward();
  return [...outputs, ...inputs.map((x) => x.grad ?? ops.zeros(x.shape))];
}

/** Weighted sum, so every output element contributes a distinct gradient. */
function weighted(t: Tensor, seed: number): Tensor {
  return ops.sum(ops.mul(t, tensor(new Rng(seed).uniformArray(t.size, 0.5, 1.5), t.shape)));
}

interface Case {
  name: string;
  run: () => Tensor[];
}

const cases: Case[] = [
  {
    name: 'broadcast arithmetic',
    run: () => {
      const a = input([3, 1], 1);
      const b = input([1, 4], 2);
      const c = input([4], 3, true, 0.5, 2);
      const y = ops.maximum(ops.div(ops.sub(ops.mul(a, b), c), c), ops.minimum(a, 0.3)).add(1);
      return withGrads([y], weighted(y, 4), [a, b, c]);
    },
  },
  {
    name: 'unary ops',
    run: () => {
      const x = input([4, 5], 5, true, -4, 4);
      const pos = ops.add(ops.abs(x), 0.1);
      const outs = [ops.neg(x), ops.exp(x), ops.log(pos), ops.sqrt(pos), ops.rsqrt(pos), ops.square(x), ops.relu(x), ops.gelu(x), ops.silu(x), ops.tanh(x), ops.sigmoid(x), ops.softplus(x)];
      return withGrads(outs, outs.map((o, i) => weighted(o, 10 + i)).reduce((s, v) => ops.add(s, v)), [x]);
    },
  },
  {
    name: 'reductions',
    run: () => {
      const x = input([2, 3, 4], 6);
      const outs = [ops.sum(x, [0, 2]), ops.mean(x, 1, true), ops.max(x, -1), ops.min(x), ops.max(x, [0, 1], true), ops.sum(x)];
      return withGrads(outs, outs.map((o, i) => weighted(o, 20 + i)).reduce((s, v) => ops.add(s, v)), [x]);
    },
  },
  {
    name: 'layout: broadcastTo, permute, slice, concat, reshape',
    run: () => {
      const x = input([2, 3, 4], 7);
      const y = input([2, 1, 4], 8);
      const joined = ops.concat([ops.permute(x, [0, 2, 1]).reshape([2, 3, 4]), ops.broadcastTo(y, [2, 2, 4])], 1);
      const out = ops.slice(ops.transpose(joined, 0, 2), 1, 1, 3);
      return withGrads([joined, out], weighted(out, 30), [x, y]);
    },
  },
  {
    name: 'matmul: batched, transposed, shared operand',
    run: () => {
      const a = input([2, 4, 3], 9);
      const b = input([2, 5, 4], 10);
      const w = input([5, 6], 11);
      const h = ops.matmul(a, b, { transposeA: true, transposeB: true }); // [2, 3, 5]
      const y = ops.matmul(h, w); // shared 2-D operand
      const z = ops.matmul(input([3, 7], 12, false), input([7, 2], 13, false));
      return withGrads([h, y, z], weighted(y, 31), [a, b, w]);
    },
  },
  {
    name: 'groupedMatmul',
    run: () => {
      const x = input([6, 3], 14);
      const w = input([4, 3, 2], 15);
      const y = ops.groupedMatmul(x, w, int([3, 0, 3, 1, 0, 3]));
      return withGrads([y], weighted(y, 32), [x, w]);
    },
  },
  {
    name: 'softmax, logSoftmax, logSumExp',
    run: () => {
      const x = input([3, 5], 16, true, -5, 5);
      const outs = [ops.softmax(x), ops.softmax(x, 0), ops.logSoftmax(x), ops.logSumExp(x, true)];
      return withGrads(outs, outs.map((o, i) => weighted(o, 40 + i)).reduce((s, v) => ops.add(s, v)), [x]);
    },
  },
  {
    name: 'crossEntropy with an ignored row',
    run: () => {
      const logits = input([5, 4], 17, true, -3, 3);
      const targets = int([3, -100, 0, 2, 2]);
      const loss = ops.crossEntropy(logits, targets);
      const rows = ops.crossEntropy(logits, targets, { reduction: 'none' });
      return withGrads([loss, rows], loss, [logits]);
    },
  },
  {
    name: 'layerNorm, rmsNorm',
    run: () => {
      const x = input([3, 6], 18);
      const g = input([6], 19, true, 0.5, 1.5);
      const b = input([6], 20);
      const ln = ops.layerNorm(x, g, b);
      const rn = ops.rmsNorm(x, g);
      return withGrads([ln, rn], ops.add(weighted(ln, 50), weighted(rn, 51)), [x, g, b]);
    },
  },
  {
    name: 'rope',
    run: () => {
      const x = input([2, 2, 5, 6], 24);
      const y = ops.rope(x, { offset: 1 });
      return withGrads([y], weighted(y, 52), [x]);
    },
  },
  {
    name: 'index ops: gather, indexSelect, indexAdd, embedding',
    run: () => {
      const x = input([3, 4], 21);
      const src = input([4, 4], 22);
      const table = input([5, 3], 23);
      const outs = [
        ops.gather(x, int([3, 3, 0, 1, 2, 1, 0, 0, 0], [3, 3])),
        ops.indexSelect(x, 1, int([2, 2, 0])),
        ops.indexAdd(x, 0, int([2, 0, 2, 2]), src),
        ops.embedding(table, int([4, 1, 4, 0], [2, 2])),
      ];
      return withGrads(outs, outs.map((o, i) => weighted(o, 60 + i)).reduce((s, v) => ops.add(s, v)), [x, src, table]);
    },
  },
  {
    name: 'topk, argmax, argmin, oneHot, compare, where',
    run: () => {
      const x = input([4, 6], 24);
      const { values, indices } = ops.topk(x, 3);
      const cond = ops.greater(x, 0);
      const picked = ops.where(cond, x, ops.neg(x));
      return withGrads(
        [values, indices, ops.argmax(x), ops.argmin(x), ops.oneHot(ops.argmax(x), 6), cond, ops.equal(x, x), ops.greaterEqual(x, 0.5)],
        ops.add(weighted(values, 70), weighted(picked, 71)),
        [x],
      );
    },
  },
  {
    name: 'seeded dropout (the same mask on every backend)',
    run: () => {
      const x = input([4, 8], 25);
      const y = ops.dropout(x, 0.4, { rng: new Rng(77) });
      return withGrads([y], weighted(y, 80), [x]);
    },
  },
  {
    name: 'attention through splitHeads / mergeHeads, causal and not',
    run: () => {
      const x = input([2, 3, 4], 26);
      const wq = input([4, 4], 27);
      const q = ops.splitHeads(ops.matmul(x, wq), 2);
      const k = ops.splitHeads(x, 2);
      const causal = ops.mergeHeads(ops.attention(q, k, k));
      const full = ops.mergeHeads(ops.attention(q, k, k, { causal: false }));
      return withGrads([causal, full], ops.add(weighted(causal, 90), weighted(full, 91)), [x, wq]);
    },
  },
];

async function computeAll(): Promise<Map<string, Float32Array[]>> {
  const out = new Map<string, Float32Array[]>();
  for (const c of cases) {
    const tensors = c.run();
    const values: Float32Array[] = [];
    for (const t of tensors) values.push(Float32Array.from(await t.data()));
    out.set(c.name, values);
  }
  return out;
}

describe('cross-backend agreement with cpu', () => {
  let reference: Map<string, Float32Array[]>;

  beforeAll(async () => {
    await setBackend('cpu');
    reference = await computeAll();
  });

  it('cpu is deterministic: the same inputs give bit-identical results', async () => {
    await setBackend('cpu');
    const again = await computeAll();
    for (const c of cases) {
      const want = reference.get(c.name)!;
      again.get(c.name)!.forEach((v, i) => expect(Array.from(v), `${c.name} output ${i}`).toEqual(Array.from(want[i])));
    }
  });

  // Every other backend, plus webasm's synchronous single-thread mode.
  const variants: Array<{ label: string; backend: BackendName; options: BackendOptions }> = testBackends
    .filter((b) => b !== 'cpu')
    .map((b) => ({ label: b, backend: b, options: {} }));
  if (testBackends.includes('webasm')) variants.push({ label: 'webasm (threads: false)', backend: 'webasm', options: { threads: false } });

  for (const { label, backend, options } of variants) {
    describe(label, () => {
      beforeAll(async () => {
        const selected = await setBackend(backend, options);
        expect(selected.name).toBe(backend);
        if (options.threads === false) expect(selected.async).toBe(false);
      });
      for (const c of cases) {
        it(`${c.name}: agrees within rtol ${BACKEND_TOLERANCE.rtol}, atol ${BACKEND_TOLERANCE.atol}`, async () => {
          const tensors = c.run();
          const want = reference.get(c.name)!;
          expect(tensors).toHaveLength(want.length);
          for (const [i, t] of tensors.entries()) {
            expectArrayClose(await t.data(), want[i], BACKEND_TOLERANCE, `${c.name} on ${label}, output ${i} ${JSON.stringify(t.shape)}`);
          }
        });
      }
    });
  }
});
