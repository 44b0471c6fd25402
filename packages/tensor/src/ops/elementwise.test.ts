// Elementwise ops: binary arithmetic with broadcasting, unary maps, comparisons and where,
// against float64 references (tolerances in reference.test-helpers.ts), on every backend.
import { expect, it } from 'vitest';
import * as ops from '../index.js';
import { scalar, tensor, type Tensor } from '../index.js';
import { describeEachBackend } from '../testing.js';
import {
  binaryRefs,
  expectClose,
  expectGradcheck,
  ref,
  refZip,
  refZipN,
  seeded,
  toleranceFor,
  unaryRefs,
} from './reference.test-helpers.js';

type BinaryName = keyof typeof binaryRefs;
type UnaryName = keyof typeof unaryRefs;

const binaryOps: Record<BinaryName, (a: Tensor | number, b: Tensor | number) => Tensor> = {
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
  maximum: ops.maximum,
  minimum: ops.minimum,
};

const unaryOps: Record<UnaryName, (x: Tensor) => Tensor> = {
  neg: ops.neg,
  exp: ops.exp,
  log: ops.log,
  sqrt: ops.sqrt,
  rsqrt: ops.rsqrt,
  square: ops.square,
  abs: ops.abs,
  relu: ops.relu,
  gelu: ops.gelu,
  silu: ops.silu,
  tanh: ops.tanh,
  sigmoid: ops.sigmoid,
  softplus: ops.softplus,
};

// Shape pairs covering every broadcast layout: same, scalar, suffix, general (both sides
// broadcast), size-1 dimensions, odd sizes and rank 4.
const shapePairs: Array<[number[], number[]]> = [
  [[2, 3], [2, 3]],
  [[7], [7]],
  [[3, 5], []],
  [[], [4]],
  [[1], [1]],
  [[4, 3], [3]],
  [[3, 1], [1, 4]],
  [[2, 1, 3], [4, 1]],
  [[5, 1], [5, 3]],
  [[2, 3, 1, 5], [3, 4, 1]],
  // Rank 5 works where no general broadcast is needed (same shape, scalar, suffix).
  [[1, 2, 1, 3, 2], [3, 2]],
  [[2, 1, 1, 2, 1], []],
];

// Inputs of positive-only ops stay inside their domain; the others cover both signs.
const domain: Partial<Record<UnaryName, { low: number; high: number }>> = {
  log: { low: 0.1, high: 3 },
  sqrt: { low: 0.1, high: 3 },
  rsqrt: { low: 0.1, high: 3 },
};

describeEachBackend('elementwise ops', (backend) => {
  const tol = toleranceFor(backend);

  for (const name of Object.keys(binaryOps) as BinaryName[]) {
    it(`${name}: forward with broadcasting`, async () => {
      for (const [n, [sa, sb]] of shapePairs.entries()) {
        const [a, ra] = seeded(sa, 10 + n);
        // Denominators away from 0.
        const [b, rb] = seeded(sb, 50 + n, name === 'div' ? { avoid: [0], margin: 0.5 } : {});
        await expectClose(binaryOps[name](a, b), refZip(ra, rb, binaryRefs[name]), tol, `${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
      }
    });

    it(`${name}: accepts numbers on either side`, async () => {
      const [a, ra] = seeded([2, 3], 3, { avoid: [0], margin: 0.5 });
      await expectClose(binaryOps[name](a, 1.5), refZip(ra, ref([], [1.5]), binaryRefs[name]), tol, `${name}(a, 1.5)`);
      await expectClose(binaryOps[name](-0.75, a), refZip(ref([], [-0.75]), ra, binaryRefs[name]), tol, `${name}(-0.75, a)`);
    });
  }

  for (const name of ['add', 'sub', 'mul', 'div'] as const) {
    it(`${name}: gradient by finite differences, with broadcasting on both sides`, async () => {
      const [a] = seeded([3, 1], 1, { requiresGrad: true });
      const [b] = seeded([1, 4], 2, { requiresGrad: true, ...(name === 'div' ? { avoid: [0], margin: 0.5 } : {}) });
      await expectGradcheck((x, y) => binaryOps[name](x, y), [a, b]);
      const [c] = seeded([2, 3], 3, { requiresGrad: true });
      const [d] = seeded([3], 4, { requiresGrad: true, ...(name === 'div' ? { avoid: [0], margin: 0.5 } : {}) });
      await expectGradcheck((x, y) => binaryOps[name](x, y), [c, d]);
      // A scalar tensor against a rank-3 tensor with a size-1 dimension.
      const [e] = seeded([2, 1, 3], 5, { requiresGrad: true });
      const [f] = seeded([], 6, { requiresGrad: true, ...(name === 'div' ? { avoid: [0], margin: 0.5 } : {}) });
      await expectGradcheck((x, y) => binaryOps[name](x, y), [e, f]);
    });
  }

  for (const name of ['maximum', 'minimum'] as const) {
    it(`${name}: gradient by finite differences away from ties`, async () => {
      // a on the grid 0.2k + 0.1 and b on 0.2k: every pair differs by ≥ 0.1, far beyond the step.
      const a = tensor([-0.9, 0.3, 1.1, -0.1, 0.5, -1.3], [2, 3], { requiresGrad: true });
      const b = tensor([0.2, -0.4, 1.0], [3], { requiresGrad: true });
      await expectGradcheck((x, y) => binaryOps[name](x, y), [a, b]);
    });

    it(`${name}: on ties the gradient goes to the first operand`, async () => {
      const a = tensor([1, 2, 3], [3], { requiresGrad: true });
      const b = tensor([1, 0, 5], [3], { requiresGrad: true });
      binaryOps[name](a, b).sum().backward();
      const toA = name === 'maximum' ? [1, 1, 0] : [1, 0, 1];
      expect(Array.from(await a.grad!.data())).toEqual(toA);
      expect(Array.from(await b.grad!.data())).toEqual(toA.map((v, i) => (i === 0 ? 0 : 1 - v)));
    });
  }

  for (const name of Object.keys(unaryOps) as UnaryName[]) {
    it(`${name}: forward`, async () => {
      const range = domain[name] ?? { low: -4, high: 4 };
      for (const [n, shape] of [[3, 5], [7], [1], [], [2, 1, 3]].entries()) {
        const [x, rx] = seeded(shape, 20 + n, range);
        await expectClose(unaryOps[name](x), { shape: rx.shape, data: rx.data.map(unaryRefs[name]) }, tol, `${name} ${JSON.stringify(shape)}`);
      }
    });

    it(`${name}: gradient by finite differences`, async () => {
      const range = domain[name] ?? { low: -3, high: 3 };
      // Away from the kinks of relu and abs at 0.
      const [x] = seeded([2, 5], 30, { ...range, requiresGrad: true, avoid: [0], margin: 0.1 });
      await expectGradcheck((t) => unaryOps[name](t), [x]);
    });
  }

  it('stable at extreme inputs: sigmoid, softplus, silu, tanh, gelu stay finite and exact', async () => {
    const values = [-100, -30, 0, 30, 100];
    const [x, rx] = [tensor(values, [5]), ref([5], values)];
    for (const name of ['sigmoid', 'softplus', 'silu', 'tanh', 'gelu', 'relu', 'abs'] as const) {
      await expectClose(unaryOps[name](x), { shape: [5], data: rx.data.map(unaryRefs[name]) }, tol, name);
    }
  });

  it('relu and abs: gradient 0 at 0', async () => {
    const x = tensor([0, -1, 2], [3], { requiresGrad: true });
    ops.relu(x).sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([0, 0, 1]);
    x.grad = null;
    ops.abs(x).sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([0, -1, 1]);
  });

  it('chained methods match the op functions', async () => {
    const [x, rx] = seeded([2, 3], 5, { low: 0.5, high: 2 });
    const y = x.mul(2).add(1).sqrt().log().neg();
    await expectClose(y, { shape: [2, 3], data: rx.data.map((v) => -Math.log(Math.sqrt(v * 2 + 1))) }, tol);
  });

  it('compare ops: greater, greaterEqual, equal with ties and broadcasting', async () => {
    const a = tensor([[1, 2, 3], [3, 2, 1]]);
    const b = tensor([2, 2, 2]);
    const ra = ref([2, 3], [1, 2, 3, 3, 2, 1]);
    const rb = ref([3], [2, 2, 2]);
    await expectClose(ops.greater(a, b), refZip(ra, rb, (x, y) => (x > y ? 1 : 0)), tol, 'greater');
    await expectClose(ops.greaterEqual(a, b), refZip(ra, rb, (x, y) => (x >= y ? 1 : 0)), tol, 'greaterEqual');
    await expectClose(ops.equal(a, b), refZip(ra, rb, (x, y) => (x === y ? 1 : 0)), tol, 'equal');
    await expectClose(ops.greater(2, a), refZip(ref([], [2]), ra, (x, y) => (x > y ? 1 : 0)), tol, 'greater(2, a)');
    expect(ops.equal(a, 2).dtype).toBe('float32');
    // Seeded, with a general broadcast.
    const [c, rc] = seeded([3, 1], 8);
    const [d, rd] = seeded([1, 4], 9);
    await expectClose(ops.greater(c, d), refZip(rc, rd, (x, y) => (x > y ? 1 : 0)), tol, 'greater seeded');
  });

  it('where: forward with a broadcast condition and operands', async () => {
    const cond = tensor([1, 0, 0, 1, 1, 0], [2, 3]);
    const rcond = ref([2, 3], [1, 0, 0, 1, 1, 0]);
    const [a, ra] = seeded([2, 3], 11);
    const [b, rb] = seeded([3], 12);
    const pick = (c: number, x: number, y: number): number => (c !== 0 ? x : y);
    await expectClose(ops.where(cond, a, b), refZipN([rcond, ra, rb], pick), tol, 'where tensors');
    await expectClose(ops.where(cond, a, -1), refZipN([rcond, ra, ref([], [-1])], pick), tol, 'where number');
    const rowCond = tensor([0, 1], [2, 1]);
    await expectClose(ops.where(rowCond, a, b), refZipN([ref([2, 1], [0, 1]), ra, rb], pick), tol, 'where row condition');
  });

  it('where: gradient to each operand where it was picked, summed over broadcasts', async () => {
    const cond = tensor([1, 0, 0, 1, 1, 0], [2, 3]);
    const [a] = seeded([2, 3], 13, { requiresGrad: true });
    const [b] = seeded([3], 14, { requiresGrad: true });
    await expectGradcheck((x, y) => ops.where(cond, x, y), [a, b]);
    a.grad = null;
    b.grad = null;
    ops.where(cond, a, b).sum().backward();
    expect(Array.from(await a.grad!.data())).toEqual([1, 0, 0, 1, 1, 0]);
    expect(Array.from(await b.grad!.data())).toEqual([0, 1, 2]);
  });

  it('scalar tensors broadcast against everything', async () => {
    const [x, rx] = seeded([2, 2], 15);
    await expectClose(ops.mul(x, scalar(3)), refZip(rx, ref([], [3]), (p, q) => p * q), tol);
  });
});
