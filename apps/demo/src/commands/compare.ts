/**
 * compare: several routers trained on the same data, seed and budget (steps, batch, model
 * size, experts per token where the method has a k), evaluated clean and under one
 * corruption, printed as a markdown table like the papers' and written to compare.md and
 * compare.json in the output folder. `router@k` sets k for one entry (e.g. usmoe@1.5).
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '@smoe/trainer/node';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { parseCorruption } from '../corruption.js';
import { fmt, writeJson } from '../run.js';
import { buildSettings, defaultSettings, trainingFlags, type RunSettings } from '../settings.js';
import { taskOf } from '../tasks.js';
import { runEvaluation } from './evaluate.js';
import { runPretrain } from './pretrain.js';

const { router: _router, ...sharedFlags } = trainingFlags;
const flags: FlagSpecs = {
  routers: { type: 'string', help: 'comma-separated routers, router@k sets k (default tokenChoice,expertChoice,usmoe,vqmoe)' },
  corrupt: { type: 'string', help: 'corruption for the robustness column, kind:severity (default substitution:3 for text, gaussian-noise:3 for images)' },
  ...sharedFlags,
};

/** One row of the comparison. */
export interface CompareRow {
  router: string;
  topK?: number;
  clean: number;
  corrupted: number;
  metric: string;
  tokensPerSecond?: number;
  loadCv?: number;
  expertsPerToken?: number;
  parameters: number;
  seconds: number;
}

/** `pnpm demo compare [--routers a,b,c] [flags]`. */
export async function compare(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('compare', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('compare', 'Trains several routers on the same data, seed and budget and prints a markdown table (clean and corrupted validation metric, tokens/s, load balance).', flags));
    return;
  }
  const { routers: list, corrupt, ...rest } = parsed;
  const base = buildSettings(rest, { ...defaultSettings, out: 'runs/compare' });
  const entries = String(list ?? 'tokenChoice,expertChoice,usmoe,vqmoe').split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new UsageError('compare: --routers lists no router');
  const task = taskOf(base.dataset);
  if (task === 'spam') throw new UsageError("compare: pre-training comparisons run on moby-dick, sotu, mnist or the digit tasks");
  const corruption = parseCorruption(typeof corrupt === 'string' ? corrupt : task === 'lm' ? 'substitution:3' : 'gaussian-noise:3', task === 'lm' ? 'text' : 'image');
  // Validate every entry before training any.
  const runs: Array<{ name: string; settings: RunSettings }> = entries.map((entry) => {
    const [router, k] = entry.split('@');
    const settings = buildSettings({}, { ...base, router, topK: k === undefined ? base.topK : Number(k), out: join(base.out, entry.replace('@', '-k')) });
    return { name: entry, settings };
  });
  await mkdir(base.out, { recursive: true });
  const rows: CompareRow[] = [];
  for (const { name, settings } of runs) {
    console.log(`\n=== ${name} ===`);
    const r = await runPretrain(settings);
    const e = await runEvaluation(settings.out, { split: 'validation', evalSize: settings.evalSize, batch: settings.batch, seed: settings.seed, corruption });
    const metric = task === 'lm' ? 'bitsPerCharacter' : 'accuracy';
    rows.push({
      router: name,
      topK: settings.topK,
      clean: e.clean[metric],
      corrupted: e.corrupted![metric],
      metric,
      tokensPerSecond: r.tokensPerSecond,
      loadCv: r.routing.loadCv,
      expertsPerToken: r.routing.expertsPerToken,
      parameters: r.parameters,
      seconds: r.seconds,
    });
  }
  const unit = task === 'lm' ? 'BPC ↓' : 'accuracy ↑';
  const header = `| router | clean ${unit} | ${corruption.kind}:${corruption.severity} ${unit} | tokens/s | load CV | experts/token | parameters |\n|---|---|---|---|---|---|---|`;
  const body = rows.map((r) => `| ${r.router} | ${fmt(r.clean)} | ${fmt(r.corrupted)} | ${fmt(r.tokensPerSecond, 0)} | ${fmt(r.loadCv)} | ${fmt(r.expertsPerToken, 2)} | ${r.parameters} |`).join('\n');
  const note = `\n\n${base.dataset}, ${base.steps} steps × ${base.batch}${task === 'lm' ? `×${base.context} tokens` : ' images'}, ${base.layers} layers, d=${base.modelDim}, ${base.experts} experts, seed ${base.seed}; validation ${base.evalSize > 0 ? `first ${base.evalSize} ${task === 'lm' ? 'characters' : 'images'}` : 'all'}.\n`;
  const table = `${header}\n${body}${note}`;
  console.log(`\n${table}`);
  await writeFileAtomic(join(base.out, 'compare.md'), new TextEncoder().encode(table));
  await writeJson(join(base.out, 'compare.json'), { settings: base, corruption, rows });
  console.log(`written: ${join(base.out, 'compare.md')}, compare.json`);
}
