/** Plain SGD for tests: p ← p − lr·∇p on every parameter that received a gradient. */
import { noGrad, type Module } from '@smoe/tensor';

export function sgdStep(model: Module, lr: number): void {
  noGrad(() => {
    for (const p of model.parameters()) {
      if (p.grad) p.assign(p.sub(p.grad.mul(lr)));
    }
  });
  model.zeroGrad();
}
