// The kernel registry: matmul and groupedMatmul find their kernel by (kernel, backend), a
// backend's own implementation replaces the gpu.js one without touching the op, and a missing
// entry is an error that names the kernel, the backend and where the kernel is registered.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendNames, setBackend, type BackendName } from './backend.js';
import { groupedMatmul, matmul } from './ops/index.js';
import { getKernel, registerKernel, registeredBackends, unregisterKernel, type KernelName } from './registry.js';
import { tensor } from './creation.js';

/** Runs `body` with `kernelName` on `backendName` removed, then puts it back. */
function without<Name extends KernelName>(kernelName: Name, backendName: BackendName, body: () => void): void {
  const removed = unregisterKernel(kernelName, backendName);
  try {
    body();
  } finally {
    if (removed) registerKernel({ kernelName, backendName, kernelFunc: removed });
  }
}

describe('kernel registry', () => {
  beforeAll(async () => {
    await setBackend('cpu');
  });

  it('matmul and groupedMatmul are registered on every backend', () => {
    expect(registeredBackends('matmul')).toEqual([...backendNames]);
    expect(registeredBackends('groupedMatmul')).toEqual([...backendNames]);
  });

  it('an op runs the kernel registered for the current backend', async () => {
    const gpujs = getKernel('matmul', 'cpu');
    const calls: number[] = [];
    registerKernel({ kernelName: 'matmul', backendName: 'cpu', kernelFunc: (a, b, geometry) => (calls.push(geometry.m * geometry.n * geometry.k), gpujs(a, b, geometry)) }, { replace: true });
    try {
      const out = matmul(tensor([[1, 2], [3, 4], [5, 6]]), tensor([[1, 0, 2], [0, 1, 3]]));
      expect(Array.from(await out.data())).toEqual([1, 2, 8, 3, 4, 18, 5, 6, 28]);
      expect(calls).toEqual([3 * 3 * 2]);
    } finally {
      registerKernel({ kernelName: 'matmul', backendName: 'cpu', kernelFunc: gpujs }, { replace: true });
    }
  });

  it('a missing entry names the kernel, the backend and the backends it is registered on', async () => {
    without('matmul', 'webgpu', () => {
      expect(() => getKernel('matmul', 'webgpu')).toThrow(
        "getKernel: kernel 'matmul' has no implementation on backend 'webgpu' (registered on: webasm, cpu); register one with registerKernel({ kernelName: 'matmul', backendName: 'webgpu', kernelFunc })",
      );
    });
    // the op itself reports it on the current backend
    const group = tensor([0, 1], [2], { dtype: 'int32' });
    without('groupedMatmul', 'cpu', () => {
      expect(() => groupedMatmul(tensor([[1, 2], [3, 4]]), tensor([[[1], [1]], [[2], [2]]]), group)).toThrow(
        /kernel 'groupedMatmul' has no implementation on backend 'cpu' \(registered on: webasm, webgpu\)/,
      );
    });
    expect(Array.from(await groupedMatmul(tensor([[1, 2], [3, 4]]), tensor([[[1], [1]], [[2], [2]]]), group).data())).toEqual([3, 14]);
  });

  it('refuses a taken pair without replace, and an unknown backend', () => {
    const gpujs = getKernel('matmul', 'webasm');
    expect(() => registerKernel({ kernelName: 'matmul', backendName: 'webasm', kernelFunc: gpujs })).toThrow(
      "registerKernel: 'matmul' is already registered on backend 'webasm'; pass { replace: true } to replace it",
    );
    expect(() => registerKernel({ kernelName: 'matmul', backendName: 'tpu' as never, kernelFunc: gpujs })).toThrow(
      "registerKernel: backendName = 'tpu' is not a backend; use one of webasm, webgpu, cpu",
    );
  });
});
