/**
 * Chained methods on Tensor (`x.matmul(w).add(b).relu()`), each a thin call of the op
 * function of the same name — the op functions stay the one definition.
 */
import * as ops from './ops/index.js';
import { Tensor } from './tensor.js';

type Operand = ops.Operand;

declare module './tensor.js' {
  interface Tensor {
    add(b: Operand): Tensor;
    sub(b: Operand): Tensor;
    mul(b: Operand): Tensor;
    div(b: Operand): Tensor;
    maximum(b: Operand): Tensor;
    minimum(b: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    abs(): Tensor;
    relu(): Tensor;
    gelu(): Tensor;
    silu(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    softplus(): Tensor;
    sum(axes?: ops.Axes, keepDims?: boolean): Tensor;
    mean(axes?: ops.Axes, keepDims?: boolean): Tensor;
    max(axes?: ops.Axes, keepDims?: boolean): Tensor;
    min(axes?: ops.Axes, keepDims?: boolean): Tensor;
    matmul(b: Tensor, options?: ops.MatmulOptions): Tensor;
    reshape(shape: readonly number[]): Tensor;
    permute(order: readonly number[]): Tensor;
    transpose(axis0?: number, axis1?: number): Tensor;
    slice(axis: number, start: number, length: number): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    argmax(): Tensor;
    argmin(): Tensor;
    topk(k: number): { values: Tensor; indices: Tensor };
    gather(indices: Tensor): Tensor;
    indexSelect(axis: number, indices: Tensor): Tensor;
  }
}

const methods: Record<string, (this: Tensor, ...args: never[]) => unknown> = {
  add(b: Operand) { return ops.add(this, b); },
  sub(b: Operand) { return ops.sub(this, b); },
  mul(b: Operand) { return ops.mul(this, b); },
  div(b: Operand) { return ops.div(this, b); },
  maximum(b: Operand) { return ops.maximum(this, b); },
  minimum(b: Operand) { return ops.minimum(this, b); },
  neg() { return ops.neg(this); },
  exp() { return ops.exp(this); },
  log() { return ops.log(this); },
  sqrt() { return ops.sqrt(this); },
  rsqrt() { return ops.rsqrt(this); },
  square() { return ops.square(this); },
  abs() { return ops.abs(this); },
  relu() { return ops.relu(this); },
  gelu() { return ops.gelu(this); },
  silu() { return ops.silu(this); },
  tanh() { return ops.tanh(this); },
  sigmoid() { return ops.sigmoid(this); },
  softplus() { return ops.softplus(this); },
  sum(axes?: ops.Axes, keepDims?: boolean) { return ops.sum(this, axes, keepDims); },
  mean(axes?: ops.Axes, keepDims?: boolean) { return ops.mean(this, axes, keepDims); },
  max(axes?: ops.Axes, keepDims?: boolean) { return ops.max(this, axes, keepDims); },
  min(axes?: ops.Axes, keepDims?: boolean) { return ops.min(this, axes, keepDims); },
  matmul(b: Tensor, options?: ops.MatmulOptions) { return ops.matmul(this, b, options); },
  reshape(shape: readonly number[]) { return ops.reshape(this, shape); },
  permute(order: readonly number[]) { return ops.permute(this, order); },
  transpose(axis0?: number, axis1?: number) { return ops.transpose(this, axis0, axis1); },
  slice(axis: number, start: number, length: number) { return ops.slice(this, axis, start, length); },
  broadcastTo(shape: readonly number[]) { return ops.broadcastTo(this, shape); },
  softmax(axis?: number) { return ops.softmax(this, axis); },
  logSoftmax(axis?: number) { return ops.logSoftmax(this, axis); },
  argmax() { return ops.argmax(this); },
  argmin() { return ops.argmin(this); },
  topk(k: number) { return ops.topk(this, k); },
  gather(indices: Tensor) { return ops.gather(this, indices); },
  indexSelect(axis: number, indices: Tensor) { return ops.indexSelect(this, axis, indices); },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
