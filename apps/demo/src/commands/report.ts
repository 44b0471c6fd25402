/**
 * report: an HTML page for one run folder or several overlaid — the settings as a table (the
 * rows where runs differ marked), the results, training and validation loss, the learning rate
 * and the expert-load coefficient of variation over steps, the tokens each expert receives per
 * MoE layer, and a routing map (each character of a validation sample coloured by the expert
 * each layer sends it to). Charts are Vega-Lite rendered to SVG (../svg.ts).
 *
 *   pnpm demo report --from runs/pretrain          → runs/pretrain/report.html
 *   pnpm demo report runs/a runs/b --out cmp.html  → one page, the runs overlaid
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { textCorpus, type CorpusName } from '@smoe/datasets/node';
import { LanguageModelBase } from '@smoe/moe';
import { topExpert } from '@smoe/routers';
import { noGrad } from '@smoe/tensor';
import { readMetrics, writeFileAtomic } from '@smoe/trainer/node';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { loadModel, useBackend } from '../run.js';
import { writeStudyReport } from './compare.js';
import { escapeHtml, expertLoadChart, figure, lineChart, renderSvg, routingMapChart, type CurvePoint, type ExpertLoad, type RoutedCharacter } from '../svg.js';
import { tokenizer } from '../tasks.js';

const flags: FlagSpecs = {
  from: { type: 'string', help: 'run folder (several: give them as arguments, report runA runB …)' },
  out: { type: 'string', help: 'HTML file to write (default: <run>/report.html for one run, report.html here for several)' },
  backend: { type: 'string', help: 'auto | cpu | webasm | webgpu' },
  readme: { type: 'string', help: "also replace a generated block of this markdown file: a study folder (from 'compare') writes its tables between <!-- study:begin --> and <!-- study:end -->; a pretrain run folder its measured figures between <!-- run:begin --> and <!-- run:end -->" },
  help: { type: 'boolean', help: 'show this help' },
};

/** What the report reads from one run folder. */
interface RunData {
  name: string;
  folder: string;
  curves: { loss: CurvePoint[]; lr: CurvePoint[]; loadCv: CurvePoint[] };
  settings: Record<string, unknown>;
  results: Record<string, number | string>;
  loads: ExpertLoad[];
  routing: RoutedCharacter[];
  /** Why the routing panels are missing, when they are. */
  routingNote?: string;
}

function finite(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
}

/** Numbers and strings of a summary, one level of nesting flattened (`validation.bitsPerCharacter`); settings excluded. */
function flattenResults(summary: Record<string, unknown>): Record<string, number | string> {
  const results: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(summary)) {
    if (key === 'settings' || key === 'command') continue;
    if (typeof value === 'number' || typeof value === 'string') results[key] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) if (typeof v === 'number' || typeof v === 'string') results[`${key}.${inner}`] = v;
    }
  }
  return results;
}

/** Expert loads and the routing map of a language model on a validation sample. */
async function routingOf(run: string, folder: string, settings: Record<string, unknown>): Promise<{ loads: ExpertLoad[]; routing: RoutedCharacter[]; note?: string }> {
  const { model } = await loadModel(folder);
  if (!(model instanceof LanguageModelBase) || !model.config.moe) {
    return { loads: [], routing: [], note: 'the routing panels are drawn for MoE language models; this run is another kind of model' };
  }
  const dataset = (settings.dataset ?? 'moby-dick') as CorpusName;
  const sample = textCorpus(dataset === 'sotu' ? 'sotu' : 'moby-dick', 'validation').slice(1000, 1000 + Math.min(model.config.context, 96));
  const ids = tokenizer.encode(sample);
  model.eval();
  await noGrad(() => model.forward(ids, [1, ids.length]));
  const loads: ExpertLoad[] = [];
  const routing: RoutedCharacter[] = [];
  const characters = Array.from(sample);
  for (const { layer, moe } of model.body.moeLayers()) {
    if (!moe.lastPlan) continue;
    Array.from(moe.lastPlan.counts).forEach((tokens, expert) => loads.push({ run, layer, expert, tokens }));
    const top = await topExpert(moe.lastPlan);
    top.forEach((expert, position) => routing.push({ run, layer, position, character: characters[position] ?? '', expert }));
  }
  return { loads, routing };
}

async function readRun(folder: string, name: string): Promise<RunData> {
  const metricsFile = join(folder, 'metrics.jsonl');
  if (!existsSync(metricsFile)) throw new UsageError(`report: ${folder} has no metrics.jsonl; give a run folder written by pretrain or finetune`);
  const lines = readMetrics(metricsFile);
  const train = lines.filter((l) => l.type === 'train');
  const evaluations = lines.filter((l) => l.type === 'eval' && typeof l.loss === 'number');
  const point = (curve: string, step: number, value: unknown): CurvePoint => ({ run: name, curve, step, value: finite(value) });
  const curves = {
    loss: [...train.map((l) => point('train', l.step, l.loss)), ...evaluations.map((l) => point('validation', l.step, l.loss))],
    lr: train.map((l) => point('learning rate', l.step, l.lr)),
    loadCv: train.filter((l) => typeof l['routing.loadCv'] === 'number').map((l) => point('load CV', l.step, l['routing.loadCv'])),
  };
  const summaryFile = join(folder, 'summary.json');
  const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as Record<string, unknown>) : {};
  const settings = (summary.settings ?? {}) as Record<string, unknown>;
  let routing: Awaited<ReturnType<typeof routingOf>>;
  try {
    routing = await routingOf(name, folder, settings);
  } catch (error) {
    routing = { loads: [], routing: [], note: `routing panels unavailable: ${(error as Error).message}` };
  }
  return { name, folder, curves, settings, results: flattenResults(summary), loads: routing.loads, routing: routing.routing, routingNote: routing.note };
}

/** Short, distinct names for the runs: folder names, or full paths where two folder names clash. */
function runNames(folders: readonly string[]): string[] {
  const names = folders.map((f) => basename(resolve(f)));
  return names.map((name, i) => (names.indexOf(name) !== names.lastIndexOf(name) ? folders[i] : name));
}

function formatValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4).replace(/\.?0+$/, '');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A table with one row per key and one column per run; rows where the runs differ are marked. */
function table(caption: string, rowTitle: string, runs: readonly RunData[], rowsOf: (run: RunData) => Record<string, unknown>): string {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(rowsOf(run))))];
  if (keys.length === 0) return '';
  const header = `<tr><th scope="col">${escapeHtml(rowTitle)}</th>${runs.map((r) => `<th scope="col">${escapeHtml(r.name)}</th>`).join('')}</tr>`;
  const body = keys.map((key) => {
    const cells = runs.map((run) => formatValue(rowsOf(run)[key]));
    const differs = runs.length > 1 && new Set(cells).size > 1;
    return `<tr${differs ? ' class="differs"' : ''}><th scope="row">${escapeHtml(key)}</th>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  return `<table><caption>${escapeHtml(caption)}</caption><thead>${header}</thead><tbody>${body.join('')}</tbody></table>`;
}

/**
 * Builds the report of one run folder, or of several overlaid; returns the HTML path. The page
 * goes to `options.output`, else `<run>/report.html` (one run) or `report.html` here (several).
 */
export async function buildReport(folders: string | readonly string[], options: { output?: string } = {}): Promise<string> {
  const list = typeof folders === 'string' ? [folders] : [...folders];
  if (list.length === 0) throw new UsageError('report: give at least one run folder');
  const names = runNames(list);
  const runs: RunData[] = [];
  for (const [i, folder] of list.entries()) runs.push(await readRun(folder, names[i]));

  const several = runs.length > 1;
  const sections: string[] = [];
  sections.push(table(several ? 'Settings (rows where the runs differ are marked)' : 'Settings', 'setting', runs, (r) => r.settings));
  sections.push(table('Results', 'result', runs, (r) => r.results));
  const loss = runs.flatMap((r) => r.curves.loss);
  sections.push('<h2>Training</h2>');
  sections.push(figure('Loss: training (every step) and validation (every evaluation)', await renderSvg(lineChart(loss, 'loss (nats per token)'))));
  sections.push(figure('Learning rate', await renderSvg(lineChart(runs.flatMap((r) => r.curves.lr), 'learning rate', { zero: true }))));
  const loadCv = runs.flatMap((r) => r.curves.loadCv);
  if (loadCv.length > 0) {
    sections.push(figure('Expert-load coefficient of variation over the batch (0 is perfectly balanced)', await renderSvg(lineChart(loadCv, 'load CV (std / mean of tokens per expert)', { zero: true }))));
  }
  sections.push('<h2>Routing on a validation sample</h2>');
  const loads = runs.flatMap((r) => r.loads);
  if (loads.length > 0) sections.push(figure('Tokens routed to each expert, per MoE layer (the count above each bar)', await renderSvg(expertLoadChart(loads))));
  const routing = runs.flatMap((r) => r.routing);
  if (routing.length > 0) sections.push(figure('Routing map: each character of the sample (left to right), coloured by its top-1 expert in each MoE layer', await renderSvg(routingMapChart(routing))));
  for (const run of runs) if (run.routingNote) sections.push(`<p class="note">${escapeHtml(run.name)}: ${escapeHtml(run.routingNote)}</p>`);

  const title = `smoe ${several ? 'runs' : 'run'}: ${runs.map((r) => r.name).join(', ')}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
figure{margin:1.5em 0;overflow-x:auto}figcaption{font-weight:600;margin-bottom:.4em}
table{border-collapse:collapse;margin:1em 0;font-size:14px}caption{text-align:left;font-weight:600;padding-bottom:.4em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}th[scope=row]{font-weight:500;background:#fafafa}
td{font-variant-numeric:tabular-nums}tr.differs td,tr.differs th{background:#fff4d6}.note{color:#666}
</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${runs.map((r) => `<code>${escapeHtml(r.name)}</code>: ${escapeHtml(resolve(r.folder))}`).join('<br>')}</p>
${sections.join('\n')}
</body></html>
`;
  const path = options.output ?? (several ? 'report.html' : join(list[0], 'report.html'));
  await writeFileAtomic(path, new TextEncoder().encode(html));
  return path;
}

/** Splits `report`'s arguments into run folders (bare words) and flags with their values. */
function splitArguments(argv: readonly string[]): { folders: string[]; flagArgs: string[] } {
  const folders: string[] = [];
  const flagArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      folders.push(arg);
      continue;
    }
    flagArgs.push(arg);
    const spec = flags[arg.slice(2)];
    if (spec && spec.type !== 'boolean' && !arg.includes('=') && i + 1 < argv.length) flagArgs.push(argv[++i]);
  }
  return { folders, flagArgs };
}

/** `pnpm demo report --from <run folder>` or `pnpm demo report <run> <run> … [--out file]`. */
export async function report(argv: readonly string[]): Promise<void> {
  const { folders, flagArgs } = splitArguments(argv);
  const parsed = parseFlags('report', flagArgs, flags);
  if (parsed.help) {
    process.stdout.write(
      helpText('report', 'Writes an HTML report of one run folder, or of several overlaid: settings, results, loss curves, expert load and a routing map.', flags),
    );
    return;
  }
  if (typeof parsed.from === 'string') folders.unshift(parsed.from);
  if (folders.length === 0) throw new UsageError("report: give a run folder: --from <run folder>, or several as arguments ('pnpm demo report runs/a runs/b')");
  if (folders.length === 1 && existsSync(join(folders[0], 'study.json'))) {
    // a router study from 'compare': its tables, as markdown and HTML (and into a README)
    const markdown = await writeStudyReport(folders[0]);
    if (typeof parsed.readme === 'string') await replaceBlock(parsed.readme, 'study', markdown, `from ${folders[0]}/study.json and cells/`, folders[0]);
    console.log(`written: ${join(folders[0], 'study.md')}, ${join(folders[0], 'study.html')}${typeof parsed.readme === 'string' ? `, ${parsed.readme}` : ''}`);
    return;
  }
  if (typeof parsed.readme === 'string') {
    if (folders.length !== 1) throw new UsageError(`report --readme: give one study folder or one pretrain run folder, not ${folders.length}`);
    await replaceBlock(parsed.readme, 'run', runFigures(folders[0]), `from ${folders[0]}/summary.json`, folders[0]);
    console.log(`written: ${parsed.readme}`);
    return;
  }
  await useBackend(typeof parsed.backend === 'string' ? parsed.backend : 'auto');
  console.log(`written: ${await buildReport(folders, { output: typeof parsed.out === 'string' ? parsed.out : undefined })}`);
}

/** The measured figures of a pretrain run folder (its summary.json) as a markdown table. */
export function runFigures(folder: string): string {
  const file = join(folder, 'summary.json');
  if (!existsSync(file)) throw new UsageError(`report --readme: ${folder} has no summary.json; give a finished pretrain run folder (or a study folder)`);
  const r = JSON.parse(readFileSync(file, 'utf8')) as { command?: string; seconds?: number; steps?: number; backend?: string; tokensPerSecond?: number; validation?: { bitsPerCharacter?: number }; baseline?: { unigramBitsPerCharacter?: number } };
  const bpc = r.validation?.bitsPerCharacter;
  if (r.command !== 'pretrain' || bpc === undefined || r.seconds === undefined) throw new UsageError(`report --readme: ${file} is not a finished language-model pretrain run (command ${r.command ?? 'unknown'})`);
  const number = (v: number | undefined, digits: number): string => (v === undefined ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  return [
    '| steps | run time (training and evaluation) | validation bits per character | unigram baseline | tokens/s | backend |',
    '|---|---|---|---|---|---|',
    `| ${r.steps ?? '–'} | ${number(r.seconds, 0)} s | ${number(bpc, 3)} | ${number(r.baseline?.unigramBitsPerCharacter, 3)} | ${number(r.tokensPerSecond, 0)} | ${r.backend ?? '–'} |`,
  ].join('\n');
}

/** Replaces the generated `<!-- name:begin -->` … `<!-- name:end -->` block of a markdown file (with the command that made it). */
async function replaceBlock(file: string, name: 'study' | 'run', markdown: string, source: string, folder: string): Promise<void> {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new UsageError(`report --readme ${file}: the file has no '${begin}' … '${end}' block to replace`);
  const generated = `${begin}\n<!-- generated by 'pnpm demo report ${folder} --readme ${file}' ${source}; do not edit by hand -->\n\n${markdown}\n`;
  await writeFileAtomic(file, new TextEncoder().encode(text.slice(0, from) + generated + text.slice(to)));
}
