/**
 * Reading generated WebAssembly as text (wabt's wasm2wat), and the properties that tell smoe's
 * fast code generator (@smoe/gpu.js) from stock gpu.js 2.24.1 in a compiled kernel:
 *
 * - `v128.load32_splat`: one instruction that broadcasts a uniform load to four lanes. Stock
 *   gpu.js's WebAssembly builder has no such instruction, so it cannot appear in its output.
 * - `v128.load` of four consecutive cells (stock gathers them lane by lane).
 * - integer loop counters: every loop tests its counter with an i32 comparison, and no index
 *   is converted between float and integer (stock counts `for` loops in f32).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
type Wabt = { readWasm(bytes: Uint8Array, options: Record<string, boolean>): { toText(options: Record<string, boolean>): string; destroy(): void } };
let wabt: Promise<Wabt> | undefined;

/** The text form of a module (threads and SIMD enabled). */
export async function wasmText(bytes: Uint8Array): Promise<string> {
  wabt ??= (require('wabt') as () => Promise<Wabt>)();
  // a fresh, unpooled copy: wabt reads the whole underlying buffer
  const module = (await wabt).readWasm(new Uint8Array(bytes), { readDebugNames: false, simd: true, threads: true });
  try {
    return module.toText({ foldExprs: false, inlineExport: true });
  } finally {
    module.destroy();
  }
}

/** What the fast code generator leaves in a kernel module's text. */
export interface FastKernelSigns {
  /** Count of `v128.load32_splat` instructions. */
  splatLoads: number;
  /** Count of full-width `v128.load` instructions (four consecutive cells). */
  vectorLoads: number;
  /** Loops in the kernel bodies whose exit test is an i32 comparison, and all kernel-body loops. */
  integerLoops: number;
  loops: number;
  /** Float ↔ integer conversions (`i32.trunc_*f32*`, `f32.convert_i32*`). */
  conversions: number;
}

/** Counts the signs of the fast code generator in a module's text. */
export function fastKernelSigns(text: string): FastKernelSigns {
  const lines = text.split('\n').map((line) => line.trim());
  let loops = 0;
  let integerLoops = 0;
  let inKernelBody = false;
  lines.forEach((line, i) => {
    // gpu.js's exported `run`/`run_simd` drivers loop over threads with i32 counters in both
    // generators: only the kernel bodies (the functions they call) tell them apart
    if (line.startsWith('(func')) inKernelBody = !line.includes('(export');
    if (!inKernelBody || !line.startsWith('loop')) return;
    loops++;
    // the exit test opens the loop: local.get counter, <bound>, <compare>, i32.eqz, br_if
    const compare = lines[i + 3] ?? '';
    if (/^i32\.(lt|le|gt|ge)_[su]$/.test(compare)) integerLoops++;
  });
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
  return {
    splatLoads: count(/^v128\.load32_splat\b/),
    vectorLoads: count(/^v128\.load\b(?!\d)/),
    integerLoops,
    loops,
    conversions: count(/^(i32\.trunc(_sat)?_f32_[su]|f32\.convert_i32_[su])\b/),
  };
}
