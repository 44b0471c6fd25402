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
 * - `baseline`  the multinomial naive Bayes classifier on the same characters of the same
 *               messages, and (a reference the models cannot see) on the whole messages.
 * Every cell writes `cells/<id>.json` in the study folder when it is done, so a study resumes
 * where it stopped; rows report the mean ± standard deviation over seeds (sample std, n − 1),
 * tokens/s the median (a seed timed while the machine was busy does not move it). A claim needs
 * more than overlapping spreads: every row is also compared with token choice seed by seed (the
 * same seed gives the same data order and initial draw), by a paired two-sided t-test at 95 %.
 */
import type { Corruption } from './corruption.js';
import type { DatasetName, RunSettings } from './settings.js';

/** One unit of work of a study. */
export type Cell =
  | { id: string; kind: 'pretrain'; corpus: DatasetName; row: string; seed: number }
  | { id: string; kind: 'swap'; corpus: DatasetName; row: string; seed: number; source: string; rule: string; topK: number; renormalize: boolean }
  | { id: string; kind: 'finetune'; row: string; seed: number; source: string }
  | { id: string; kind: 'baseline'; row: string; whole?: boolean };

/** What a study is (written to study.json; a study folder resumes only the same plan). */
export interface StudyPlan {
  /** Pre-training settings shared by every cell (router, seed and dataset are per cell). */
  settings: RunSettings;
  /** Fine-tuning settings (steps 0: no fine-tuning). */
  finetune: RunSettings;
  /** Fine-tuning's regularisers: the auxiliary next-character loss's weight, and dropout (absent: 0). */
  finetuneOptions?: { lmWeight?: number; dropout?: number };
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
  /** The cell's inputs when it ran (cellInputs): a result is only read back for the plan it was computed for. */
  inputs?: unknown;
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
    cells.push({ id: 'baseline.naiveBayes.whole', kind: 'baseline', row: 'naive Bayes (words, whole messages)', whole: true });
    for (const seed of options.seeds) {
      for (const row of options.rows) cells.push({ id: `finetune.${row}.seed-${seed}`, kind: 'finetune', row, seed, source: pretrainId('moby-dick', row, seed) });
    }
  }
  return cells;
}

/**
 * What a cell's result depends on: the cell itself, the parts of the plan it reads, and its
 * source cell's inputs. Two plans give a cell the same inputs exactly when its result carries over.
 */
export function cellInputs(study: StudyPlan, cell: Cell): unknown {
  const plan = withoutFolder(study);
  const source = (id: string): unknown => {
    const c = plan.cells.find((other) => other.id === id);
    return c ? cellInputs(plan, c) : id;
  };
  switch (cell.kind) {
    case 'pretrain':
      return { cell, settings: plan.settings, corruption: plan.corruption };
    case 'swap':
      return { cell, settings: plan.settings, corruption: plan.corruption, calibrationBatches: plan.calibrationBatches, source: source(cell.source) };
    case 'finetune':
      return { cell, finetune: plan.finetune, options: finetuneOptions(plan), messageCorruption: plan.messageCorruption, source: source(cell.source) };
    case 'baseline':
      return { cell, chars: cell.whole ? 'whole' : plan.finetune.context, messageCorruption: plan.messageCorruption };
  }
}

/** Fine-tuning's options with their defaults filled in (a plan written before they existed has none). */
export function finetuneOptions(plan: StudyPlan): { lmWeight: number; dropout: number } {
  return { lmWeight: plan.finetuneOptions?.lmWeight ?? 0, dropout: plan.finetuneOptions?.dropout ?? 0 };
}

/** `plan` without the folder it was written in, which is no input to any cell: a copied or moved study carries its cells over. */
function withoutFolder(plan: StudyPlan): StudyPlan {
  return { ...plan, settings: { ...plan.settings, out: '' }, finetune: { ...plan.finetune, out: '' } };
}

/** Whether two plans ask for the same results: equal but for the folder they were written in. */
export function samePlan(a: StudyPlan, b: StudyPlan): boolean {
  return JSON.stringify(withoutFolder(a)) === JSON.stringify(withoutFolder(b));
}

/** The cells of `plan` whose results from `previous` do not carry over: new cells, or cells whose inputs changed. */
export function staleCells(previous: StudyPlan, plan: StudyPlan): string[] {
  const before = new Map(previous.cells.map((c) => [c.id, JSON.stringify(cellInputs(previous, c))]));
  return plan.cells.filter((c) => before.get(c.id) !== JSON.stringify(cellInputs(plan, c))).map((c) => c.id);
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

/** Two-sided 95 % critical values of Student's t for 1…30 degrees of freedom (beyond: 1.96). */
const tCritical95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * The paired comparison of `a` − `b` over the seeds both have: mean ± std of the differences,
 * t = mean / (std / √n), and whether |t| passes the 95 % two-sided threshold. Never significant
 * with fewer than 2 pairs, nor when the differences are the same on every seed (`same`, t NaN):
 * with no spread t is undefined, and accuracies, being counts of test messages, tie that way on a
 * few seeds without saying anything of the spread.
 */
export function pairedDifference(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): { mean: number; std: number; n: number; t: number; significant: boolean; same: boolean } {
  const differences = [...a].flatMap(([seed, v]) => (b.has(seed) ? [v - b.get(seed)!] : []));
  const { mean, std, n } = meanStd(differences);
  // a spread within the rounding of the differences is none (the same count of messages, twice)
  const same = n >= 2 && std <= 1e-9 * Math.max(...differences.map(Math.abs));
  if (n < 2 || same) return { mean, std: same ? 0 : std, n, t: NaN, significant: false, same };
  const t = mean / (std / Math.sqrt(n));
  return { mean, std, n, t, significant: Math.abs(t) > (tCritical95[n - 2] ?? 1.96), same };
}

/** Median of the values (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A table: a title, column headers and rows of cells (already formatted). */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
}

type Metric = keyof Omit<CellResult, 'id' | 'seconds'>;

function values(results: readonly CellResult[], metric: Metric): number[] {
  return results.map((r) => r[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

function summarise(results: readonly CellResult[], metric: Metric, digits: number, scale = 1): string {
  const list = values(results, metric);
  if (list.length === 0) return '–';
  const { mean, std, n } = meanStd(list.map((v) => v * scale));
  return n > 1 ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/** A count such as a parameter total: one value when every seed has it, else mean ± std. */
function summariseCount(results: readonly CellResult[], metric: Metric): string {
  const list = values(results, metric);
  return list.length > 0 && list.every((v) => v === list[0]) ? list[0].toFixed(0) : summarise(results, metric, 0);
}

function summariseMedian(results: readonly CellResult[], metric: Metric, digits: number): string {
  const list = values(results, metric);
  return list.length === 0 ? '–' : median(list).toFixed(digits);
}

/** `metric` of each seed's cell of a row (`measure` may derive it from the result). */
function bySeed(cells: readonly Cell[], results: ReadonlyMap<string, CellResult>, measure: (r: CellResult) => number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of cells) {
    const r = results.get(c.id);
    const v = r && 'seed' in c ? measure(r) : undefined;
    if (v !== undefined && Number.isFinite(v)) out.set((c as { seed: number }).seed, v);
  }
  return out;
}

/** "−0.012 ± 0.004 (t −5.2, lower)": a paired difference, its t and what the test says. */
function pairedCell(d: ReturnType<typeof pairedDifference>, digits: number, scale = 1): string {
  if (d.n === 0) return '–';
  // signs of the rounded values: a difference that rounds to zero shows as +0.00, not −0.00
  const rounded = (v: number, places: number): number => Number(v.toFixed(places)) || 0;
  const mean = rounded(d.mean * scale, digits);
  const signed = `${mean >= 0 ? '+' : '−'}${Math.abs(mean).toFixed(digits)}`;
  // one pair has no spread: show the difference alone, not a "± 0.000" it never measured
  if (d.n < 2) return `${signed} (1 seed)`;
  const shown = `${signed} ± ${(d.std * scale).toFixed(digits)}`;
  if (d.same) return `${shown} (the same on every seed: no t, no clear difference)`;
  const t = rounded(d.t, 1).toFixed(1).replace('-', '−');
  return `${shown} (t ${t}${d.significant ? (d.mean < 0 ? ', lower' : ', higher') : ', no clear difference'})`;
}

/** One row compared with a reference (token choice, or the naive Bayes baseline) on one measure, seed by seed. */
export interface Comparison {
  /** A corpus, or 'fine-tuning'. */
  scope: string;
  measure: 'clean BPC' | 'degradation' | 'accuracy' | 'corrupted accuracy';
  row: string;
  /** The row compared with: 'token choice', or the baseline's row name. */
  reference: string;
  difference: ReturnType<typeof pairedDifference>;
}

const cleanBpc = (r: CellResult) => r.clean;
const degradation = (r: CellResult) => (r.clean !== undefined && r.corrupted !== undefined ? r.corrupted - r.clean : undefined);
const measures: Record<Comparison['measure'], (r: CellResult) => number | undefined> = {
  'clean BPC': cleanBpc,
  degradation,
  accuracy: (r) => r.accuracy,
  'corrupted accuracy': (r) => r.corruptedAccuracy,
};

/** Every row against token choice (same seeds), per corpus on clean BPC and degradation, and after fine-tuning on accuracy clean and corrupted. */
export function comparisons(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): Comparison[] {
  const out: Comparison[] = [];
  const compare = (scope: string, cells: readonly Cell[], names: Array<Comparison['measure']>) => {
    const reference = cells.filter((c) => c.row === 'tokenChoice');
    if (!reference.length) return;
    for (const row of [...new Set(cells.map((c) => c.row))].filter((r) => r !== 'tokenChoice')) {
      const own = cells.filter((c) => c.row === row);
      for (const measure of names) out.push({ scope, measure, row, reference: 'token choice', difference: pairedDifference(bySeed(own, results, measures[measure]), bySeed(reference, results, measures[measure])) });
    }
  };
  for (const corpus of new Set(plan.cells.flatMap((c) => (c.kind === 'pretrain' || c.kind === 'swap' ? [c.corpus] : [])))) {
    compare(corpus, plan.cells.filter((c) => (c.kind === 'pretrain' || c.kind === 'swap') && c.corpus === corpus), ['clean BPC', 'degradation']);
  }
  compare('fine-tuning', plan.cells.filter((c) => c.kind === 'finetune'), ['accuracy', 'corrupted accuracy']);
  return out;
}

/**
 * Every fine-tuned row against the naive Bayes baseline on the same characters: each seed's
 * accuracy minus the baseline's, which has no seed (a one-sample t-test of the row against it).
 */
export function baselineComparisons(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): Comparison[] {
  const baseline = plan.cells.find((c) => c.kind === 'baseline' && !c.whole);
  const fixed = baseline && results.get(baseline.id);
  if (!baseline || !fixed) return [];
  const tuned = plan.cells.filter((c) => c.kind === 'finetune');
  const out: Comparison[] = [];
  for (const row of new Set(tuned.map((c) => c.row))) {
    for (const measure of ['accuracy', 'corrupted accuracy'] as const) {
      const reference = measures[measure](fixed);
      if (reference === undefined) continue;
      const own = bySeed(tuned.filter((c) => c.row === row), results, measures[measure]);
      out.push({ scope: 'fine-tuning', measure, row, reference: baseline.row, difference: pairedDifference(own, new Map([...own.keys()].map((seed) => [seed, reference]))) });
    }
  }
  return out;
}

/**
 * What the tests support, one line per scope, measure and reference: the rows that differ
 * from token choice (or from the naive Bayes baseline) at 95 % (better or worse) and those that
 * do not — the only claims the study makes.
 */
export function studyFindings(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): string[] {
  const all = [...comparisons(plan, results), ...baselineComparisons(plan, results)].filter((c) => c.difference.n >= 2);
  const list = (rows: readonly Comparison[]): string => (rows.length ? rows.map((c) => c.row).join(', ') : 'none');
  const lines: string[] = [];
  const keyOf = (c: Comparison): string => `${c.scope} · ${c.measure} · ${c.reference}`;
  for (const key of new Set(all.map(keyOf))) {
    const these = all.filter((c) => keyOf(c) === key);
    const { scope, measure, reference } = these[0];
    const higherIsBetter = measure === 'accuracy' || measure === 'corrupted accuracy';
    const better = these.filter((c) => c.difference.significant && (c.difference.mean > 0) === higherIsBetter);
    const worse = these.filter((c) => c.difference.significant && (c.difference.mean > 0) !== higherIsBetter);
    const same = these.filter((c) => !c.difference.significant);
    lines.push(`${scope}, ${measure}: better than ${reference}: ${list(better)}; worse: ${list(worse)}; no clear difference: ${list(same)}.`);
  }
  return lines;
}

/** Rows of a paired table: each compared row with its cells for `names`, in order. */
function pairedRows(compared: readonly Comparison[], names: Array<Comparison['measure']>, digits: number, scale = 1): string[][] {
  return [...new Set(compared.map((c) => c.row))].map((row) => [row, ...names.map((measure) => {
    const c = compared.find((x) => x.row === row && x.measure === measure);
    return c ? pairedCell(c.difference, digits, scale) : '–';
  })]);
}

/** The study's tables from its plan and the results present (rows missing a cell say how many seeds they hold). */
export function studyTables(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): Table[] {
  const tables: Table[] = [];
  const { corruption, messageCorruption } = plan;
  const compared = comparisons(plan, results);
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
      return [row, summarise(r, 'clean', 3), summarise(r, 'corrupted', 3), summarise(delta, 'corrupted', 3), summariseMedian(r, 'tokensPerSecond', 0), summarise(r, 'loadCv', 3), summarise(r, 'expertRunsPerToken', 2), summariseCount(r, 'parameters'), summariseCount(r, 'activeParameters'), seeds(own)];
    });
    tables.push({
      title: `${corpus}: validation bits per character (mean ± std over seeds)`,
      columns: ['router', 'clean BPC ↓', `${corruption.kind}:${corruption.severity} inputs BPC ↓`, 'degradation ↓', 'tokens/s (median)', 'load CV', 'experts run/token', 'parameters', 'active parameters', 'seeds'],
      rows,
    });
    const paired = pairedRows(compared.filter((c) => c.scope === corpus), ['clean BPC', 'degradation'], 3);
    if (paired.length) {
      tables.push({
        title: `${corpus}: each row minus token choice, seed by seed (mean ± std of the differences; paired t-test, 95 %)`,
        columns: ['router', 'Δ clean BPC (negative: better)', 'Δ degradation (negative: more robust)'],
        rows: paired,
      });
    }
  }
  const tuning = plan.cells.filter((c) => c.kind === 'finetune' || c.kind === 'baseline');
  if (tuning.length) {
    const rows = rowsOf(tuning).map((row) => {
      const own = tuning.filter((c) => c.row === row);
      const r = own.flatMap((c) => results.get(c.id) ?? []);
      return [row, summarise(r, 'accuracy', 2, 100), summarise(r, 'f1', 3), summarise(r, 'corruptedAccuracy', 2, 100), summarise(r, 'corruptedF1', 3), seeds(own)];
    });
    tables.push({
      title: `SpamAssassin fine-tuning: test accuracy (%) and spam F1, clean and with ${messageCorruption.kind}:${messageCorruption.severity} messages`,
      columns: ['model', 'accuracy ↑', 'F1 ↑', 'corrupted accuracy ↑', 'corrupted F1 ↑', 'seeds'],
      rows,
    });
    const paired = pairedRows(compared.filter((c) => c.scope === 'fine-tuning'), ['accuracy', 'corrupted accuracy'], 2, 100);
    if (paired.length) {
      tables.push({
        title: 'SpamAssassin fine-tuning: each row minus token choice, seed by seed (accuracy points; paired t-test, 95 %)',
        columns: ['model', 'Δ accuracy (positive: better)', 'Δ corrupted accuracy (positive: more robust)'],
        rows: paired,
      });
    }
    const againstBaseline = pairedRows(baselineComparisons(plan, results), ['accuracy', 'corrupted accuracy'], 2, 100);
    if (againstBaseline.length) {
      tables.push({
        title: 'SpamAssassin fine-tuning: each row minus naive Bayes on the same characters, seed by seed (accuracy points; one-sample t-test, 95 %)',
        columns: ['model', 'Δ accuracy (positive: better)', 'Δ corrupted accuracy (positive: more robust)'],
        rows: againstBaseline,
      });
    }
  }
  return tables;
}

/** Fine-tuning's regularisers, as a clause of the study note ('' when none). */
function regularisers(plan: StudyPlan): string {
  const { lmWeight, dropout } = finetuneOptions(plan);
  const parts = [dropout > 0 ? `dropout ${dropout}` : '', lmWeight > 0 ? `the next-character loss beside the label's (weight ${lmWeight})` : ''].filter(Boolean);
  return parts.length ? `, with ${parts.join(' and ')}` : '';
}

/** How the study was run, in a sentence under the tables. */
export function studyNote(plan: StudyPlan): string {
  const s = plan.settings;
  const f = plan.finetune;
  const seedList = [...new Set(plan.cells.flatMap((c) => ('seed' in c ? [c.seed] : [])))].join(', ');
  const tuning = plan.cells.some((c) => c.kind === 'finetune') ? ` Fine-tuning: ${f.steps} steps of ${f.batch} messages at learning rate ${f.lr} (warm-up: ${f.warmup} steps), each read whole up to ${f.context} characters ${f.context <= s.context ? 'in one window of the pre-trained context' : `in chunks of ${s.context}, pooled`}${regularisers(plan)}.` : '';
  return `Budget per cell: ${s.steps} steps of ${s.batch}×${s.context} characters, ${s.layers} layers, width ${s.modelDim}, ${s.experts} experts of width ${s.ffDim} (dense row: one FFN of width k·${s.ffDim}, the active parameters of top-${s.topK}); seeds ${seedList}; validation: the first ${s.evalSize || 'all'} characters of the validation split; corrupted inputs: ${plan.corruption.kind}:${plan.corruption.severity}, scored against the clean text. Training-free swaps are calibrated on ${plan.calibrationBatches} training batches.${tuning} tokens/s come from a shared 2-core machine: compare them as ratios within one study.`;
}

/** Markdown of the tables and the note. */
export function studyMarkdown(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): string {
  const parts = studyTables(plan, results).map((t) => `**${t.title}**\n\n| ${t.columns.join(' | ')} |\n|${t.columns.map(() => '---').join('|')}|\n${t.rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`);
  const findings = studyFindings(plan, results);
  const claims = findings.length ? `\n\n**What the tests support** (95 %; against token choice seed by seed, against naive Bayes its one value; nothing else is claimed):\n\n${findings.map((f) => `- ${f}`).join('\n')}` : '';
  return `${parts.join('\n\n')}${claims}\n\n${studyNote(plan)}\n`;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A standalone HTML page of the tables and the note. */
export function studyHtml(plan: StudyPlan, results: ReadonlyMap<string, CellResult>): string {
  const tables = studyTables(plan, results)
    .map((t) => `<h2>${escape(t.title)}</h2>\n<table>\n<thead><tr>${t.columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead>\n<tbody>\n${t.rows.map((r) => `<tr>${r.map((c, i) => `<t${i === 0 ? 'h scope="row"' : 'd'}>${escape(c)}</t${i === 0 ? 'h' : 'd'}>`).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`)
    .join('\n');
  const lines = studyFindings(plan, results);
  const findings = lines.length ? `<h2>What the tests support (95 %; against token choice seed by seed, against naive Bayes its one value)</h2>\n<ul>\n${lines.map((l) => `<li>${escape(l)}</li>`).join('\n')}\n</ul>\n` : '';
  const style = 'body{font:14px system-ui,sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin-bottom:2em}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}th[scope=row],thead th{text-align:left;background:#f6f6f6}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>smoe router study</title><style>${style}</style></head>\n<body>\n<h1>Router study</h1>\n${tables}\n${findings}<p>${escape(studyNote(plan))}</p>\n</body></html>\n`;
}
