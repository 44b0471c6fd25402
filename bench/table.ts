/**
 * `pnpm bench:table FILE…`: the markdown table of `pnpm bench:train` runs, from the JSON lines
 * they printed (saved with `pnpm bench:train | tee FILE`), so that no figure is typed by hand.
 * One row per (model, router, variant); the ratios compare each variant with the PyTorch line and
 * with the eager line of the same model and router, in wall time and in CPU time.
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
  console.error('usage: pnpm bench:table FILE… (JSON lines printed by pnpm bench:train)');
  process.exit(2);
}
/** A kernel-profile line: the compiled step's largest shares of kernel time. */
interface ProfileLine extends Line {
  kernelMs?: number;
  kernels?: Array<{ op: string; kernel: string; share: number; calls: number }>;
}

// each file is one run: a row is compared with PyTorch and eager of its own run only
const parsed: Array<ProfileLine & { run: number }> = files.flatMap((file, run) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => ({ ...(JSON.parse(l) as ProfileLine), run })),
);
const lines = parsed.filter((l) => l.bench === 'train' && l.variant !== undefined && !l.profile);

const fmt = (v: number | undefined, digits = 0): string => (v === undefined ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? (b / a).toFixed(2) : '–');

const rows = ['| model | router | variant | runs on | tokens/s | ms/step | CPU-ms/step | ÷ PyTorch time (wall, CPU) | ÷ PyTorch, fastest rounds | ÷ eager time (wall, CPU) |', '|---|---|---|---|---|---|---|---|---|---|'];
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
  rows.push(`| ${line.model} | ${router} | ${line.variant} | ${where} | ${fmt(line.tokensPerSecond)} | ${fmt(line.msPerStep)} | ${fmt(line.cpuMsPerStep)} | ${vsTorch} | ${vsTorchBest} | ${vsEager} |`);
}
console.log(rows.join('\n'));
if (notes.length) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
console.log('\nA ratio above 1 means this variant takes less time per step than the other (it is that many times faster).');
// kernel profiles (SMOE_BENCH_PROFILE=1): the compiled step's largest shares of kernel time
for (const p of parsed) {
  if (!p.profile || !p.kernels) continue;
  console.log(`\nKernel time of the ${p.model} model's compiled step by op (${fmt(p.kernelMs)} ms in all, warm-up included):\n`);
  // an elementwise op is named by its whole expression: its first 40 characters say which it is
  const name = (op: string): string => (op.length > 40 ? `${op.slice(0, 40)}…` : op);
  console.log(['| op | kernel | share | calls |', '|---|---|---|---|', ...p.kernels.map((k) => `| ${name(k.op)} | ${k.kernel} | ${(100 * k.share).toFixed(1)} % | ${k.calls} |`)].join('\n'));
}
