/**
 * The router study behind `pnpm demo compare`: which cells it runs, what each cell measures,
 * and the tables made from their results (markdown for the README, HTML for the report).
 *
 * A study is a plan of cells, each independent once its inputs exist:
 * - `pretrain`  one router × corpus × seed: train, then validation bits per character on clean
 *               text and on corrupted inputs with clean targets (the robustness setting: the
 *               model reads corrupted text and is scored on predicting the original);
 * - `swap`      a training-free selection rule (USMoE@k̄) on that seed's token-choice model,
 *               renormalised or with the paper's raw weights, calibrated on training batches;
 * - `finetune`  a Moby Dick pre-trained model fine-tuned on SpamAssassin (whole messages read
 *               in chunks), test accuracy and F1 on clean and on corrupted messages;
 * - `baseline`  the multinomial naive Bayes classifier on the same messages.
 * Every cell writes `cells/<id>.json` in the study folder when it is done, so a study resumes
 * where it stopped; rows report the mean ± standard deviation over seeds (sample std, n − 1).
 */
import type { Corruption } from './corruption.js';
import type { DatasetName, RunSettings } from './settings.js';

/** One unit of work of a study. */
export type Cell =
  | { id: string; kind: 'pretrain'; corpus: DatasetName; row: string; seed: number }
  | { id: string; kind: 'swap'; corpus: DatasetName; row: string; seed: number; source: string; rule: string; topK: number; renormalize: boolean }
  | { id: string; kind: 'finetune'; row: string; seed: number; source: string }
  | { id: string; kind: 'baseline'; row: string };

/** What a study is (written to study.json; a study folder resumes only the same plan). */
export interface StudyPlan {
  /** Pre-training settings shared by every cell (router, seed and dataset are per cell). */
  settings: RunSettings;
  /** Fine-tuning settings (steps 0: no fine-tuning). */
  finetune: RunSettings;
  corruption: Corruption;
  /** Corruption of the fine-tuning test messages. */
  messageCorruption: Corruption;
  /** Training-free swap calibration: training batches the thresholds are calibrated on. */
  calibrationBatches: number;
  cells: Cell[];
}

/** What a cell measured. */
export interface CellResult {
  id: string;
  /** Validation bits per character, clean and with corrupted inputs (language models). */
  clean?: number;
  corrupted?: number;
  tokensPerSecond?: number;
  loadCv?: number;
  /** Expert FFN evaluations per token that ran (VQMoE's mixed regime runs two). */
  expertRunsPerToken?: number;
  parameters?: number;
  /** Parameters a token passes through: the dense ones plus expertRunsPerToken experts per MoE layer. */
  activeParameters?: number;
  /** Fine-tuning: test accuracy and spam F1, clean and with corrupted messages. */
  accuracy?: number;
  f1?: number;
  corruptedAccuracy?: number;
  corruptedF1?: number;
  seconds: number;
}

/** A training row: 'router' or 'router@k' (k: experts per token, k̄ for USMoE). */
export function parseRow(row: string): { router: string; topK?: number } {
  const [router, k] = row.split('@');
  return k === undefined ? { router } : { router, topK: Number(k) };
}

/** The cells of a study: every training row × corpus × seed, the swaps, the fine-tuning and the baseline. */
export function planCells(options: { rows: readonly string[]; corpora: readonly DatasetName[]; seeds: readonly number[]; swaps: readonly string[]; finetune: boolean }): Cell[] {
  const cells: Cell[] = [];
  const pretrainId = (corpus: string, row: string, seed: number): string => `pretrain.${corpus}.${row}.seed-${seed}`;
  for (const corpus of options.corpora) {
    for (const seed of options.seeds) {
      for (const row of options.rows) cells.push({ id: pretrainId(corpus, row, seed), kind: 'pretrain', corpus, row, seed });
      if (!options.rows.includes('tokenChoice')) continue;
      for (const swap of options.swaps) {
        const { router: rule, topK } = parseRow(swap);
        for (const renormalize of [true, false]) {
          const row = `tokenChoice → ${swap}${renormalize ? '' : ' (raw)'}`;
          cells.push({ id: `swap.${corpus}.${swap}${renormalize ? '' : '-raw'}.seed-${seed}`, kind: 'swap', corpus, row, seed, source: pretrainId(corpus, 'tokenChoice', seed), rule, topK: topK ?? 2, renormalize });
        }
      }
    }
  }
  if (options.finetune && options.corpora.includes('moby-dick')) {
    cells.push({ id: 'baseline.naiveBayes', kind: 'baseline', row: 'naive Bayes (words)' });
    for (const seed of options.seeds) {
      for (const row of options.rows) cells.push({ id: `finetune.${row}.seed-${seed}`, kind: 'finetune', row, seed, source: pretrainId('moby-dick', row, seed) });
    }
  }
  return cells;
}

/** The cells `cell` needs done first. */
export function dependencies(cell: Cell): string[] {
  return cell.kind === 'swap' || cell.kind === 'finetune' ? [cell.source] : [];
}

/** Mean and sample standard deviation (0 for one value). */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** A table: a title, column headers and rows of cells (already formatted). */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

type Metric = keyof Omit<CellResult, 'id' | 'seconds'>;

function summarise(results: readonly CellResult[], metric: Metric, digits: number, scale = 1): string {
  const values = results.map((r) => r[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return '–';
  const { mean, std, n } = meanStd(values.map((v) => v * scale));
  return n > 1 ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/** The study's tables from its plan and the results present (rows missing a cell say how many seeds they hold). */
export function studyTables(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): Table[] {
  const tables: Table[] = [];
  const { corruption, messageCorruption } = plan;
  const corpora = [...new Set(plan.cells.flatMap((c) => (c.kind === 'pretrain' || c.kind === 'swap' ? [c.corpus] : [])))];
  const rowsOf = (cells: readonly Cell[]): string[] => [...new Set(cells.map((c) => c.row))];
  const seeds = (cells: readonly Cell[]): string => {
    const done = cells.filter((c) => results.has(c.id)).length;
    return done === cells.length ? String(done) : `${done} of ${cells.length}`;
  };
  for (const corpus of corpora) {
    const cells = plan.cells.filter((c) => (c.kind === 'pretrain' || c.kind === 'swap') && c.corpus === corpus);
    const rows = rowsOf(cells).map((row) => {
      const own = cells.filter((c) => c.row === row);
      const r = own.flatMap((c) => results.get(c.id) ?? []);
      const delta = r.flatMap((x) => (x.clean !== undefined && x.corrupted !== undefined ? [{ ...x, corrupted: x.corrupted - x.clean }] : []));
      return [row, summarise(r, 'clean', 3), summarise(r, 'corrupted', 3), summarise(delta, 'corrupted', 3), summarise(r, 'tokensPerSecond', 0), summarise(r, 'loadCv', 3), summarise(r, 'expertRunsPerToken', 2), summarise(r, 'parameters', 0), summarise(r, 'activeParameters', 0), seeds(own)];
    });
    tables.push({
      title: `${corpus}: validation bits per character (mean ± std over seeds)`,
      columns: ['router', 'clean BPC ↓', `${corruption.kind}:${corruption.severity} inputs BPC ↓`, 'degradation ↓', 'tokens/s', 'load CV', 'experts run/token', 'parameters', 'active parameters', 'seeds'],
      rows,
    });
  }
  const tuning = plan.cells.filter((c) => c.kind === 'finetune' || c.kind === 'baseline');
  if (tuning.length) {
    const rows = rowsOf(tuning).map((row) => {
      const own = tuning.filter((c) => c.row === row);
      const r = own.flatMap((c) => results.get(c.id) ?? []);
      return [row, summarise(r, 'accuracy', 1, 100), summarise(r, 'f1', 3), summarise(r, 'corruptedAccuracy', 1, 100), summarise(r, 'corruptedF1', 3), seeds(own)];
    });
    tables.push({
      title: `SpamAssassin fine-tuning: test accuracy (%) and spam F1, clean and with ${messageCorruption.kind}:${messageCorruption.severity} messages`,
      columns: ['model', 'accuracy ↑', 'F1 ↑', 'corrupted accuracy ↑', 'corrupted F1 ↑', 'seeds'],
      rows,
    });
  }
  return tables;
}

/** How the study was run, in a sentence under the tables. */
export function studyNote(plan: StudyPlan): string {
  const s = plan.settings;
  const f = plan.finetune;
  const seedList = [...new Set(plan.cells.flatMap((c) => ('seed' in c ? [c.seed] : [])))].join(', ');
  const tuning = plan.cells.some((c) => c.kind === 'finetune') ? ` Fine-tuning: ${f.steps} steps of ${f.batch} messages, each read whole up to ${f.context} characters in chunks of ${s.context}.` : '';
  return `Budget per cell: ${s.steps} steps of ${s.batch}×${s.context} characters, ${s.layers} layers, width ${s.modelDim}, ${s.experts} experts of width ${s.ffDim} (dense row: one FFN of width k·${s.ffDim}, the active parameters of top-${s.topK}); seeds ${seedList}; validation: the first ${s.evalSize || 'all'} characters of the validation split; corrupted inputs: ${plan.corruption.kind}:${plan.corruption.severity}, scored against the clean text. Training-free swaps are calibrated on ${plan.calibrationBatches} training batches.${tuning} tokens/s come from a shared 2-core machine: compare them as ratios within one study.`;
}

/** Markdown of the tables and the note. */
export function studyMarkdown(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): string {
  const parts = studyTables(plan, results).map((t) => `**${t.title}**\n\n| ${t.columns.join(' | ')} |\n|${t.columns.map(() => '---').join('|')}|\n${t.rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`);
  return `${parts.join('\n\n')}\n\n${studyNote(plan)}\n`;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A standalone HTML page of the tables and the note. */
export function studyHtml(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): string {
  const tables = studyTables(plan, results)
    .map((t) => `<h2>${escape(t.title)}</h2>\n<table>\n<thead><tr>${t.columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead>\n<tbody>\n${t.rows.map((r) => `<tr>${r.map((c, i) => `<t${i === 0 ? 'h scope="row"' : 'd'}>${escape(c)}</t${i === 0 ? 'h' : 'd'}>`).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`)
    .join('\n');
  const style = 'body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th[scope=row],thead th{text-align:left;background:#f6f6f6}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>smoe router study</title><style>${style}</style></head>\n<body>\n<h1>Router study</h1>\n${tables}\n<p>${escape(studyNote(plan))}</p>\n</body></html>\n`;
}
