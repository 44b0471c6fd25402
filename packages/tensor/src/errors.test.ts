// Bad input: every error names the op and the shapes, dtype or index at fault, on every backend.
//
// Shape and dtype errors are thrown when the op is called. Index range errors are raised when
// the kernel runs: on synchronous backends the op throws, on asynchronous ones the awaited read
// rejects. `expectRunError` accepts either.
import { expect, it } from 'vitest';
import * as ops from './index.js';
import { getBackend, scalar, setBackend, tensor, type Tensor } from './index.js';
import { describeEachBackend } from './testing.js';

const int = (values: number[], shape: number[] = [values.length]): Tensor => tensor(new Int32Array(values), shape, { dtype: 'int32' });
const floats = (shape: number[]): Tensor => ops.ones(shape);

/** Expects building `run()` or reading its values to fail with `pattern`. */
async function expectRunError(run: () => Tensor, pattern: RegExp): Promise<void> {
  await expect(
    (async () => {
      const t = run();
      await t.data();
    })(),
  ).rejects.toThrow(pattern);
}

describeEachBackend('errors', () => {
  it('mismatched shapes in broadcasting name the op and both shapes', () => {
    expect(() => ops.add(floats([2, 3]), floats([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
    expect(() => floats([2, 3]).mul(floats([3, 2]))).toThrow(/mul: shapes \[2, 3\] and \[3, 2\] cannot be broadcast/);
    expect(() => ops.maximum(floats([5]), floats([2, 4]))).toThrow(/maximum: shapes \[5\] and \[2, 4\]/);
    expect(() => ops.where(floats([2]), floats([3]), 0)).toThrow(/where: shapes \[2\] and \[3\]/);
    expect(() => ops.greater(floats([2]), floats([3]))).toThrow(/greater: shapes \[2\] and \[3\]/);
    expect(() => ops.broadcastTo(floats([2, 3]), [3, 3])).toThrow(/broadcastTo: .*\[2, 3\].*\[3, 3\]/);
    expect(() => ops.broadcastTo(floats([3]), [1])).toThrow(/broadcastTo: cannot broadcast \[3\] to \[1\]/);
  });

  it('matmul: inner dimensions, batch dimensions and rank', () => {
    expect(() => ops.matmul(floats([2, 3]), floats([4, 5]))).toThrow(/matmul: inner dimensions differ: \[2, 3\] × \[4, 5\] \(3 vs 4\)/);
    expect(() => ops.matmul(floats([2, 3]), floats([4, 3]), { transposeB: false })).toThrow(/matmul: inner dimensions differ: \[2, 3\] × \[4, 3\]/);
    expect(() => ops.matmul(floats([3, 2]), floats([4, 5]), { transposeA: true })).toThrow(/matmul: inner dimensions differ: \[3, 2\]ᵀ × \[4, 5\] \(3 vs 4\)/);
    expect(() => ops.matmul(floats([2, 2, 3]), floats([3, 3, 4]))).toThrow(/matmul: batch dimensions differ: \[2, 2, 3\] × \[3, 3, 4\]/);
    expect(() => ops.matmul(floats([3]), floats([3, 2]))).toThrow(/matmul: operands need rank ≥ 2, got \[3\] and \[3, 2\]/);
    expect(() => ops.matmul(int([1, 2, 3, 4], [2, 2]), floats([2, 2]))).toThrow(/matmul: expected float32/);
  });

  it('groupedMatmul: shapes and group dtype', () => {
    expect(() => ops.groupedMatmul(floats([4, 3]), floats([2, 4, 5]), int([0, 0, 1, 1]))).toThrow(/groupedMatmul: inner dimensions differ: x \[4, 3\] and w \[2, 4, 5\] \(3 vs 4\)/);
    expect(() => ops.groupedMatmul(floats([4, 3]), floats([3, 5]), int([0, 0, 1, 1]))).toThrow(/groupedMatmul: expected x \[rows, K\] and w \[groups, K, N\], got \[4, 3\] and \[3, 5\]/);
    expect(() => ops.groupedMatmul(floats([4, 3]), floats([2, 3, 5]), floats([4]))).toThrow(/groupedMatmul: group must be int32 \[4\]/);
    expect(() => ops.groupedMatmul(floats([4, 3]), floats([2, 3, 5]), int([0, 1]))).toThrow(/groupedMatmul: group must be int32 \[4\]/);
  });

  it('wrong dtypes: float targets, indices and ids; int32 into float ops', () => {
    expect(() => ops.crossEntropy(floats([2, 4]), tensor([1, 2]))).toThrow(/crossEntropy: targets must be int32, got float32/);
    expect(() => ops.gather(floats([2, 4]), tensor([[0], [1]]))).toThrow(/gather: indices must be int32, got float32/);
    expect(() => ops.indexSelect(floats([3, 2]), 0, tensor([0, 1]))).toThrow(/indexSelect: indices must be a 1-D int32 tensor, got .*float32/);
    expect(() => ops.indexAdd(floats([3, 2]), 0, tensor([0, 1]), floats([2, 2]))).toThrow(/indexAdd: indices must be a 1-D int32 tensor/);
    expect(() => ops.embedding(floats([5, 3]), tensor([0, 1]))).toThrow(/embedding: ids must be int32, got float32/);
    expect(() => ops.oneHot(tensor([0, 1]), 3)).toThrow(/oneHot: indices must be int32, got float32/);
    expect(() => ops.exp(int([1, 2]))).toThrow(/exp: expected a float32 tensor, got int32/);
    expect(() => ops.add(int([1, 2]), floats([2]))).toThrow(/add: expected float32 tensors, got .*int32/);
    expect(() => ops.softmax(int([1, 2]))).toThrow(/softmax: expected a float32 tensor/);
  });

  it('mismatched index shapes', () => {
    expect(() => ops.crossEntropy(floats([2, 4]), int([1, 2, 3]))).toThrow(/crossEntropy: targets \[3\] do not match logits \[2, 4\]; expected \[2\]/);
    expect(() => ops.crossEntropy(floats([2, 3, 4]), int([1, 2]))).toThrow(/crossEntropy: logits must be \[rows, classes\], got \[2, 3, 4\]/);
    expect(() => ops.gather(floats([2, 4]), int([0, 1, 2], [3, 1]))).toThrow(/gather: indices \[3, 1\] must match \[2, 4\] in all but the last dimension/);
    expect(() => ops.indexSelect(floats([3, 2]), 0, int([0, 1], [1, 2]))).toThrow(/indexSelect: indices must be a 1-D int32 tensor/);
    expect(() => ops.indexAdd(floats([3, 2]), 0, int([0, 1]), floats([3, 2]))).toThrow(/indexAdd: src \[3, 2\] does not match base \[3, 2\] with 2 indices along axis 0; expected \[2, 2\]/);
    expect(() => ops.embedding(floats([5]), int([0]))).toThrow(/embedding: weight must be \[vocabulary, dim\]/);
  });

  it('out-of-range indices name the op, the index and the shape (indexSelect)', async () => {
    await expectRunError(() => ops.indexSelect(floats([3, 2]), 0, int([0, 5])), /indexSelect: index 5 at position 1 is out of range for axis 0 of .*\[3, 2\]/);
    await expectRunError(() => ops.indexSelect(floats([3, 2]), 1, int([-1])), /indexSelect: index -1 at position 0 is out of range for axis 1 of .*\[3, 2\]/);
  });

  it('out-of-range indices (gather)', async () => {
    await expectRunError(() => ops.gather(floats([2, 4]), int([0, 1, 4, 0], [2, 2])), /gather: index 4 at position 2 is out of range for the last axis of .*\[2, 4\]/);
  });

  it('out-of-range indices (embedding)', async () => {
    await expectRunError(() => ops.embedding(floats([5, 3]), int([1, 7, 2])), /embedding: index 7 at position 1 is out of range for axis 0 of .*\[5, 3\]/);
  });

  it('out-of-range targets (crossEntropy), whatever the reduction; the ignore index passes', async () => {
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      await expectRunError(() => ops.crossEntropy(floats([3, 4]), int([0, 4, 1]), { reduction }), /crossEntropy: target 4 at row 1 is outside \[0, 4\) and is not the ignore index -100/);
    }
    await expectRunError(() => ops.crossEntropy(floats([3, 4]), int([0, 1, -1])), /crossEntropy: target -1 at row 2 is outside \[0, 4\)/);
    await expectRunError(() => ops.crossEntropy(floats([3, 4]), int([0, -100, 1]), { ignoreIndex: 3 }), /crossEntropy: target -100 at row 1 .*ignore index 3/);
    expect(Number.isFinite(await ops.crossEntropy(floats([3, 4]), int([0, -100, 3])).item())).toBe(true);
  });

  it('out-of-range indices (indexAdd, groupedMatmul, oneHot)', async () => {
    await expectRunError(() => ops.indexAdd(floats([3, 2]), 0, int([3, 0]), floats([2, 2])), /indexAdd: index 3 at position 0 is out of range for axis 0 of \[3, 2\]/);
    await expectRunError(() => ops.groupedMatmul(floats([2, 3]), floats([2, 3, 4]), int([0, 2])), /groupedMatmul: index 2 at position 1 is out of range for the groups of w of size 2/);
    await expectRunError(() => ops.oneHot(int([0, 3]), 3), /oneHot: index 3 at position 1 is out of range for depth of size 3/);
  });

  it('out-of-range indices computed by an earlier op are caught too', async () => {
    // Indices produced by a kernel (argmax of a [2, 5] tensor gives values up to 4).
    const idx = ops.argmax(tensor([[0, 0, 0, 0, 9], [1, 0, 0, 0, 0]]));
    await expectRunError(() => ops.indexSelect(floats([3, 2]), 0, idx), /indexSelect: index 4 at position 0 is out of range/);
  });

  it('axes, slices, permutations, reshapes and k out of range', () => {
    expect(() => ops.sum(floats([2, 3]), 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2 \(use -2..1\)/);
    expect(() => ops.max(floats([2, 3]), -3)).toThrow(/max: axis -3 is out of range for a tensor of rank 2/);
    expect(() => ops.softmax(floats([2, 3]), 2)).toThrow(/softmax: axis 2 is out of range/);
    expect(() => ops.slice(floats([2, 3]), 1, 2, 2)).toThrow(/slice: \[2, 4\) is outside axis 1 of size 3 of .*\[2, 3\]/);
    expect(() => ops.permute(floats([2, 3]), [0, 0])).toThrow(/permute: order \[0, 0\] is not a permutation of the 2 dimensions of \[2, 3\]/);
    expect(() => ops.permute(floats([2, 3]), [1, 0, 2])).toThrow(/permute: .*out of range|permute: order \[1, 0, 2\]/);
    expect(() => ops.add(floats([2, 1, 2, 1, 2]), floats([2, 1]))).toThrow(/add: broadcasting \[2, 1, 2, 1, 2\] with \[2, 1\] needs rank ≤ 4/);
    expect(() => ops.permute(floats([1, 2, 1, 2, 1]), [4, 3, 2, 1, 0])).toThrow(/permute: rank 5 > 4 is not supported/);
    expect(() => ops.reshape(floats([2, 3]), [4])).toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4\]/);
    expect(() => ops.reshape(floats([2, 3]), [4, -1])).toThrow(/reshape: cannot infer −1 in \[4, -1\] from \[2, 3\]/);
    expect(() => ops.topk(floats([2, 4]), 5)).toThrow(/topk: k = 5 must be an integer in \[1, 4\] for \[2, 4\]/);
    expect(() => ops.topk(floats([2, 4]), 0)).toThrow(/topk: k = 0/);
    expect(() => ops.concat([floats([2, 3]), floats([3, 2])], 0)).toThrow(/concat: \[3, 2\] \(float32\) does not match \[2, 3\] \(float32\) outside axis 0/);
    expect(() => ops.concat([floats([2]), int([1])])).toThrow(/concat: \[1\] \(int32\) does not match \[2\] \(float32\)/);
    expect(() => ops.concat([])).toThrow(/concat: needs at least one tensor/);
    expect(() => ops.splitHeads(floats([1, 2, 6]), 4)).toThrow(/splitHeads: \[1, 2, 6\] cannot be split into 4 heads/);
    expect(() => ops.attention(floats([2, 3, 4]), floats([2, 3, 4]), floats([2, 3, 4]))).toThrow(/attention: q, k, v must be \[batch, heads, tokens, headDim\], got \[2, 3, 4\]/);
    expect(() => ops.causalMask(floats([3]))).toThrow(/causalMask: scores need rank ≥ 2/);
    expect(() => ops.dropout(floats([2]), 1)).toThrow(/dropout: p must be in \[0, 1\), got 1/);
    expect(() => ops.dropout(floats([2]), -0.1)).toThrow(/dropout: p must be in \[0, 1\), got -0.1/);
    expect(() => ops.oneHot(int([0]), 0)).toThrow(/oneHot: depth must be a positive integer, got 0/);
    expect(() => ops.argmax(scalar(1))).toThrow(/argmax: needs rank ≥ 1/);
  });

  it('building tensors: ragged arrays, values that do not fill the shape, non-integer int32', async () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: ragged nested array/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values do not fill shape \[2, 2\]/);
    expect(() => tensor([1.5], [1], { dtype: 'int32' })).toThrow(/tensor: int32 tensor got non-integer value 1.5 at index 0/);
    expect(() => tensor([1], [-1])).toThrow(/tensor: .*\[-1\]/);
    await expect(floats([2, 3]).item()).rejects.toThrow(/item: tensor of shape \[2, 3\] has 6 elements, expected 1/);
  });

  it('setBackend rejects unknown names and keeps the current backend', async () => {
    const before = getBackend();
    await expect(setBackend('tpu')).rejects.toThrow(/setBackend: unknown backend 'tpu'; use one of .*webasm.*cpu/);
    expect(getBackend()).toBe(before);
  });
});
