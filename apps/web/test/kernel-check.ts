/**
 * A test-only page, built with the site by the browser test: runs a 64×64 matmul through
 * @smoe/tensor on webasm, exactly as the page's bundle resolves it, and reports whether the
 * WebAssembly the bundled gpu.js generated carries smoe's code-generator changes — contiguous
 * `v128.load` (0xfd 0x00, align 4 bytes) and `v128.load32_splat` (0xfd 0x09) — which stock
 * gpu.js never emits. The report lands in `document.body.dataset.report` as JSON.
 */
import { matmul, randn, Rng, setBackend } from '@smoe/tensor';

interface WasmKernel {
  _active?: { bytes?: Uint8Array | null } | null;
}

const contains = (bytes: Uint8Array, sequence: number[]): boolean => bytes.some((_, i) => sequence.every((value, j) => bytes[i + j] === value));

try {
  const backend = await setBackend('webasm', { threads: false });
  const rng = new Rng(1);
  await matmul(randn([64, 64], 1, { rng }), randn([64, 64], 1, { rng })).data();
  // gpu.js keeps every kernel it created on its GPU instance
  const kernels = (backend as unknown as { gpu: { kernels: WasmKernel[] } }).gpu.kernels;
  const modules = kernels.flatMap((kernel) => (kernel._active?.bytes ? [kernel._active.bytes] : []));
  document.body.dataset.report = JSON.stringify({
    kernels: kernels.length,
    modules: modules.length,
    vectorLoad: modules.some((bytes) => contains(bytes, [0xfd, 0x00, 0x02])),
    splatLoad: modules.some((bytes) => contains(bytes, [0xfd, 0x09, 0x02])),
  });
  document.body.dataset.state = 'done';
} catch (error) {
  document.body.dataset.report = JSON.stringify({ error: (error as Error).message });
  document.body.dataset.state = 'error';
}
