import { expect, it } from 'vitest';
import { Rng, randn, setBackend, type BackendName } from '@smoe/tensor';
import { describeEachBackend, maxAbsDiff } from '@smoe/tensor/testing';
import { MoELayer } from './moe_layer.js';

// One MoE layer's forward and backward, read back as host arrays.
async function run(backend: BackendName, expertType: 'gelu' | 'swiglu'): Promise<Float32Array[]> {
  await setBackend(backend);
  const moe = new MoELayer({ dim: 8, expertDim: 16, experts: 4, expertType, sharedExperts: 1, router: { strategy: 'tokenChoice', topK: 2, seed: 3 } }, { rng: new Rng(1) });
  const x = randn([16, 8], 1, { rng: new Rng(2), requiresGrad: true });
  const y = await moe.forward(x, { training: true });
  y.mul(randn([16, 8], 1, { rng: new Rng(4) })).sum().add(moe.auxLoss ?? 0).backward();
  const out = [(await y.data()) as Float32Array, (await x.grad?.data()) as Float32Array];
  for (const p of moe.parameters()) out.push((await p.grad?.data()) as Float32Array);
  return out;
}

describeEachBackend('MoE layer across backends', (backend) => {
  for (const expertType of ['gelu', 'swiglu'] as const) {
    it(`forward and backward agree with cpu (${expertType})`, async () => {
      const reference = await run('cpu', expertType);
      const got = await run(backend, expertType);
      expect(got.length).toBe(reference.length);
      got.forEach((values, i) => expect(maxAbsDiff(values, reference[i]), `output ${i}`).toBeLessThan(1e-3));
    });
  }
}, ['webasm', 'webgpu']);
