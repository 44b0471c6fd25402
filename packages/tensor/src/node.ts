// @smoe/tensor/node — the Node entry point: everything from the core, plus WebGPU in Node
// through the `webgpu` package (Dawn), which provides `navigator.gpu`.
import { createRequire } from 'node:module';
import { registerBackendProbe } from './backend.js';

export * from './index.js';

let webgpuReady: Promise<boolean> | undefined;

/**
 * Installs `navigator.gpu` from the `webgpu` package when the process has none. Resolves true
 * when an adapter answers (a real GPU, or a software Vulkan driver such as Mesa's lavapipe).
 */
export function installWebGPU(): Promise<boolean> {
  webgpuReady ??= (async () => {
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      try {
        if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = '/tmp';
        const require = createRequire(import.meta.url);
        const webgpu = require('webgpu') as { create(flags: string[]): unknown; globals: Record<string, unknown> };
        Object.assign(globalThis, webgpu.globals);
        const gpu = webgpu.create([]);
        if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
        else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
      } catch {
        return false;
      }
    }
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
    try {
      return Boolean(await gpu?.requestAdapter());
    } catch {
      return false;
    }
  })();
  return webgpuReady;
}

registerBackendProbe('webgpu', installWebGPU);
