/**
 * `pnpm bench:table FILE…`: markdown tables of bench runs, from the JSON lines they printed
 * (saved with `… | tee FILE`), so that no figure is typed by hand:
 * - `pnpm bench:train`: one row per (model, router, variant); the ratios compare each variant
 *   with the PyTorch line and with the eager line of the same model and router, in wall time and
 *   in CPU time; and its kernel profiles (SMOE_BENCH_PROFILE).
 * - the MoE layer bench (`pnpm --filter @smoe/moe bench`): one row per (backend, experts), and
 *   its summary per backend (t(N 64) / t(N 4), and the step at N 8 against PyTorch).
 * - the matmul bench (`pnpm --filter @smoe/tensor bench`): GFLOP/s per (op, backend, size)
 *   beside tfjs-wasm's.
 */
import { readFileSync } from 'node:fs';

interface Line {
  bench?: string;
  model?: string;
  router?: string;
  variant?: string;
  skipped?: string;
  executor?: string;
  plans?: number;
  eagerBecause?: string;
  backend?: string;
  torch?: string;
  /** PyTorch's intra-op threads; for webasm, whether kernels ran on the worker pool. */
  threads?: number | boolean;
  steps?: number;
  tokensPerSecond?: number;
  /** Tokens/s of the variant's fastest round (absent in older runs). */
  bestRoundTokensPerSecond?: number;
  /** A kernel-profile line (SMOE_BENCH_PROFILE), not a timing. */
  profile?: boolean;
  msPerStep?: number;
  cpuMsPerStep?: number;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: pnpm bench:table FILE… (JSON lines printed by pnpm bench:train, the MoE layer bench or the matmul bench)');
  process.exit(2);
}
/** A kernel-profile line: the compiled step's largest shares of kernel time. */
interface ProfileLine extends Line {
  kernelMs?: number;
  kernels?: Array<{ op: string; kernel: string; share: number; calls: number }>;
}
/** A line of the MoE layer bench (moeLayer) or of the matmul bench (matmul, groupedMatmul). */
interface OpBenchLine {
  bench?: string;
  backend?: string;
  threads?: boolean;
  summary?: boolean;
  experts?: number;
  msPerStep?: number;
  msBest?: number;
  pytorchMsPerStep?: number;
  ratio64over4?: number;
  pytorchRatio64over4?: number;
  overPytorchAt8?: number;
  n?: number;
  path?: string;
  gflops?: number;
  tfjsWasmGflops?: number;
  ratio?: number;
}

// each file is one run: a row is compared with PyTorch and eager of its own run only
const parsed: Array<ProfileLine & OpBenchLine & { run: number }> = files.flatMap((file, run) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => ({ ...(JSON.parse(l) as ProfileLine & OpBenchLine), run })),
);
const lines = parsed.filter((l) => l.bench === 'train' && l.variant !== undefined && !l.profile);

/** A markdown table: a header row, its separator, then the rows (cells already formatted). */
const table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string => [`| ${header.join(' | ')} |`, `|${header.map(() => '---|').join('')}`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');

const fmt = (v: number | undefined, digits = 0): string => (v === undefined ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? (b / a).toFixed(2) : '–');

const rows: string[][] = [];
const notes: string[] = [];
for (const line of lines) {
  const router = line.router ?? 'tokenChoice';
  const key = (variant: string) => lines.find((l) => l.run === line.run && l.model === line.model && (l.router ?? 'tokenChoice') === router && l.variant === variant && !l.skipped);
  if (line.skipped) {
    notes.push(`${line.model}, ${router}, ${line.variant}: skipped (${line.skipped})`);
    continue;
  }
  const torch = key('pytorch');
  const eager = key('eager');
  const backend = `${line.backend}${line.threads === false ? ' (one thread)' : ''}`;
  const where = line.torch ? `torch ${line.torch}, ${line.threads} threads` : `${backend}${line.executor ? `, ${line.executor}${line.plans !== undefined ? ` (${line.plans} plans)` : ''}` : ''}`;
  if (line.eagerBecause) notes.push(`${line.model}, ${router}, compiled: ended eager: ${line.eagerBecause}`);
  const vsTorch = line.variant === 'pytorch' ? '1' : `${ratio(line.msPerStep, torch?.msPerStep)}, ${ratio(line.cpuMsPerStep, torch?.cpuMsPerStep)}`;
  const vsTorchBest = line.variant === 'pytorch' ? '1' : ratio(torch?.bestRoundTokensPerSecond, line.bestRoundTokensPerSecond);
  const vsEager = line.variant === 'pytorch' ? '–' : `${ratio(line.msPerStep, eager?.msPerStep)}, ${ratio(line.cpuMsPerStep, eager?.cpuMsPerStep)}`;
  rows.push([line.model ?? '–', router, line.variant ?? '–', where, fmt(line.tokensPerSecond), fmt(line.msPerStep), fmt(line.cpuMsPerStep), vsTorch, vsTorchBest, vsEager]);
}
if (lines.length) {
  console.log(table(['model', 'router', 'variant', 'runs on', 'tokens/s', 'ms/step', 'CPU-ms/step', '÷ PyTorch time (wall, CPU)', '÷ PyTorch, fastest rounds', '÷ eager time (wall, CPU)'], rows));
  if (notes.length) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
  console.log('\nA ratio above 1 means this variant takes less time per step than the other (it is that many times faster).');
}
// kernel profiles (SMOE_BENCH_PROFILE=1): the compiled step's largest shares of kernel time
for (const p of parsed) {
  if (!p.profile || !p.kernels) continue;
  console.log(`\nKernel time of the ${p.model} model's compiled step by op (${fmt(p.kernelMs)} ms in all, warm-up included):\n`);
  // an elementwise op is named by its whole expression: its first 40 characters say which it is
  const name = (op: string): string => (op.length > 40 ? `${op.slice(0, 40)}…` : op);
  console.log(table(['op', 'kernel', 'share', 'calls'], p.kernels.map((k) => [name(k.op), k.kernel, `${(100 * k.share).toFixed(1)} %`, String(k.calls)])));
}

// the MoE layer bench: T 1024, d 128, ff 256, top-2, forward + backward
const layer = parsed.filter((l) => l.bench === 'moeLayer');
if (layer.length) {
  console.log('\nOne MoE layer, forward and backward (T 1024, d 128, ff 256, top-2), milliseconds per step:\n');
  const rows = layer.filter((l) => !l.summary).map((l) => [l.backend ?? '–', String(l.experts), fmt(l.msPerStep, 1), fmt(l.msBest, 1), fmt(l.pytorchMsPerStep, 1), l.msPerStep && l.pytorchMsPerStep ? (l.msPerStep / l.pytorchMsPerStep).toFixed(2) : '–']);
  console.log(table(['backend', 'experts', 'smoe (median)', 'smoe (best)', 'PyTorch (median)', 'smoe ÷ PyTorch time'], rows));
  for (const l of layer.filter((l) => l.summary)) {
    console.log(`\n${l.backend}: t(N 64) / t(N 4) = ${fmt(l.ratio64over4, 2)} (target ≤ 1.3; PyTorch's own ${fmt(l.pytorchRatio64over4, 2)}); at N 8 smoe takes ${fmt(l.overPytorchAt8, 2)}× PyTorch's time (target ≤ 1).`);
  }
}
// the matmul bench: GFLOP/s beside tfjs-wasm (XNNPACK, one thread) in the same process
const products = parsed.filter((l) => l.bench === 'matmul' || l.bench === 'groupedMatmul');
if (products.length) {
  console.log('\nProducts of [n, n] × [n, n] (grouped: n rows over 8 groups), GFLOP/s beside tfjs-wasm (XNNPACK, SIMD, one thread) in the same process:\n');
  const rows = products.map((l) => [l.bench ?? '–', `${l.backend}${l.threads === false ? ' (one thread)' : ''}`, String(l.n), l.path ?? '–', fmt(l.gflops, 2), fmt(l.tfjsWasmGflops, 2), fmt(l.ratio, 2)]);
  console.log(table(['op', 'backend', 'n', 'path', 'GFLOP/s', 'tfjs-wasm GFLOP/s', 'ratio'], rows));
}
