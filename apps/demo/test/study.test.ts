// The router study (compare): its plan, its statistics, a tiny study run end to end in one
// process and resumed, and the same cells run as separate processes with --jobs.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselineComparisons, meanStd, median, pairedDifference, planCells, samePlan, staleCells, studyFindings, studyMarkdown, type CellResult, type StudyPlan } from '../src/study.js';
import { studyPlan, studyTuning } from '../src/commands/compare.js';
import { corruptAligned } from '../src/corruption.js';
import { tokenizer } from '../src/tasks.js';

const root = resolve(__dirname, '../../..');
/** Runs the CLI in a child process, without blocking this worker (its runner keeps talking to it meanwhile). */
function demo(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', join(root, 'apps/demo/src/cli.ts'), ...args], { cwd: root, env: { ...process.env, SMOE_BACKEND: 'cpu' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** A minimal plan around `cells`: the settings the report's tables and note read, nothing trained. */
function tablePlan(cells: StudyPlan['cells']): StudyPlan {
  return { settings: { steps: 1, batch: 1, context: 2, layers: 1, modelDim: 2, experts: 2, ffDim: 2, topK: 2, evalSize: 0 }, finetune: { steps: 1 }, corruption: { kind: 'substitution', severity: 3 }, messageCorruption: { kind: 'substitution', severity: 3 }, calibrationBatches: 1, cells } as unknown as StudyPlan;
}

// Two routers, one corpus, two seeds, the swap and fine-tuning, each cell a few steps.
const tiny = ['--routers', 'dense,tokenChoice', '--datasets', 'moby-dick', '--seeds', '1,2', '--swaps', 'usmoe@1.5', '--steps', '3', '--batch', '2', '--context', '16', '--layers', '1', '--model-dim', '8', '--heads', '2', '--ff-dim', '8', '--experts', '4', '--eval-size', '200', '--finetune-steps', '2', '--finetune-chars', '40', '--calibration-batches', '2', '--backend', 'cpu', '--warmup', '0'];

describe('the study plan and its statistics', () => {
  it('plans every row × corpus × seed, a swap (renormalised and raw) per token-choice model, fine-tuning per Moby Dick model and the naive Bayes baselines (on the characters the models read, and on whole messages)', () => {
    const cells = planCells({ rows: ['dense', 'tokenChoice'], corpora: ['moby-dick', 'sotu'], seeds: [1, 2, 3], swaps: ['usmoe@1.5'], finetune: true });
    const count = (kind: string) => cells.filter((c) => c.kind === kind).length;
    expect([count('pretrain'), count('swap'), count('finetune'), count('baseline')]).toEqual([2 * 2 * 3, 2 * 3 * 2, 2 * 3, 2]);
    expect(cells.filter((c) => c.kind === 'baseline').map((c) => c.kind === 'baseline' && c.whole === true)).toEqual([false, true]);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    const swap = cells.find((c) => c.kind === 'swap' && !c.renormalize);
    expect(swap).toMatchObject({ source: 'pretrain.moby-dick.tokenChoice.seed-1', rule: 'usmoe', topK: 1.5, row: 'tokenChoice → usmoe@1.5 (raw)' });
  });

  it('by default fine-tuning reads each message in one window of the pre-trained context, and the study note says so', () => {
    const plan = studyPlan({});
    expect(plan.finetune.context).toBeLessThanOrEqual(plan.settings.context);
    // two passes over the 4,836 training messages, 8 a step (docs/routing.md §8)
    expect(plan.finetune).toMatchObject({ lr: studyTuning.lr, warmup: studyTuning.warmup, steps: 1200, batch: 8 });
    const note = studyMarkdown(plan, new Map());
    expect(note).toContain(`each read whole up to ${plan.finetune.context} characters in one window of the pre-trained context`);
    // a longer message budget than the context is read in pooled chunks, and the note says that instead
    const chunked = studyPlan({ 'finetune-chars': 2 * plan.settings.context });
    expect(studyMarkdown(chunked, new Map())).toContain(`each read whole up to ${2 * plan.settings.context} characters in chunks of ${plan.settings.context}, pooled`);
  });

  it('a changed plan keeps exactly the cells whose own inputs are unchanged', () => {
    const cells = planCells({ rows: ['dense', 'tokenChoice'], corpora: ['moby-dick'], seeds: [1, 2], swaps: ['usmoe@1.5'], finetune: true });
    const settings = { steps: 400, context: 64 } as unknown as StudyPlan['settings'];
    const corruption = { kind: 'substitution', severity: 3 } as unknown as StudyPlan['corruption'];
    const plan: StudyPlan = { settings, finetune: { steps: 300, context: 256 } as unknown as StudyPlan['finetune'], corruption, messageCorruption: corruption, calibrationBatches: 8, cells };
    const ids = (kind: string, from = cells) => from.filter((c) => c.kind === kind).map((c) => c.id);
    expect(staleCells(plan, plan)).toEqual([]);
    // the folder it lives in is not an input: a copied study carries every cell over
    const moved: StudyPlan = { ...plan, settings: { ...settings, out: 'runs/elsewhere' }, finetune: { ...plan.finetune, out: 'runs/elsewhere/finetune' } };
    expect(staleCells(plan, moved)).toEqual([]);
    expect(samePlan(plan, moved)).toBe(true);
    // a longer fine-tuning, or its auxiliary loss, redoes the fine-tuning only
    expect(staleCells(plan, { ...plan, finetune: { ...plan.finetune, steps: 900 } })).toEqual(ids('finetune'));
    expect(staleCells(plan, { ...plan, finetuneOptions: { lmWeight: 0.5 } })).toEqual(ids('finetune'));
    expect(staleCells(plan, { ...plan, finetuneOptions: { dropout: 0.1 } })).toEqual(ids('finetune'));
    expect(staleCells(plan, { ...plan, finetuneOptions: { dropout: 0 } })).toEqual([]); // the default, spelt out
    // more characters per message: fine-tuning and the baseline on those characters, not the whole-message one
    expect(staleCells(plan, { ...plan, finetune: { ...plan.finetune, context: 512 } })).toEqual(['baseline.naiveBayes', ...ids('finetune')]);
    // another pre-training budget: everything trained from it, not the baselines
    expect(staleCells(plan, { ...plan, settings: { ...settings, steps: 800 } })).toEqual(cells.filter((c) => c.kind !== 'baseline').map((c) => c.id));
    // a new seed: only its cells
    const more = planCells({ rows: ['dense', 'tokenChoice'], corpora: ['moby-dick'], seeds: [1, 2, 3], swaps: ['usmoe@1.5'], finetune: true });
    expect(staleCells(plan, { ...plan, cells: more })).toEqual(more.filter((c) => 'seed' in c && c.seed === 3).map((c) => c.id));
  });

  it('mean ± sample standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
  });

  it('paired differences over common seeds, with the two-sided 95 % t-test (hand-computed)', () => {
    const seeds = (...v: number[]) => new Map(v.map((x, i) => [i + 1, x]));
    // differences −0.1, −0.1, −0.05: mean −1/12, std √(1/1200), t = mean / (std / √3) = −5 beyond t(0.975, 2) = 4.303
    const clear = pairedDifference(seeds(3.0, 3.1, 3.2), seeds(3.1, 3.2, 3.25));
    expect(clear.n).toBe(3);
    expect(clear.mean).toBeCloseTo(-1 / 12, 12);
    expect(clear.std).toBeCloseTo(Math.sqrt(1 / 1200), 12);
    expect(clear.t).toBeCloseTo(-5, 9);
    expect(clear.significant).toBe(true);
    // differences −0.1, +0.05, −0.05: t = −0.756, inside ±4.303
    const unclear = pairedDifference(seeds(3.0, 3.25, 3.2), seeds(3.1, 3.2, 3.25));
    expect(unclear.t).toBeCloseTo(-(1 / 30) / (Math.sqrt(0.0175 / 3) / Math.sqrt(3)), 9);
    expect(unclear.significant).toBe(false);
    // only seeds both rows have count; one pair decides nothing
    const single = pairedDifference(new Map([[1, 2], [5, 9]]), new Map([[1, 1], [2, 7]]));
    expect(single).toMatchObject({ mean: 1, n: 1, significant: false });
    // accuracies of 605 test messages: +5 messages on both seeds, with float rounding in the
    // differences; no spread, so no t and no claim (not t ≈ 1e14, 'higher')
    const tied = pairedDifference(new Map([[1, 560 / 605], [2, 562 / 605]]), new Map([[1, 555 / 605], [2, 557 / 605]]));
    expect(tied).toMatchObject({ n: 2, std: 0, same: true, significant: false });
    expect(tied.mean).toBeCloseTo(5 / 605, 12);
    expect(Number.isNaN(tied.t)).toBe(true);
    // equal values on every seed: a zero difference, no claim either
    expect(pairedDifference(seeds(3, 3), seeds(3, 3))).toMatchObject({ mean: 0, same: true, significant: false });
    // the findings name what the tests support and nothing else
    const cells = planCells({ rows: ['tokenChoice', 'dense'], corpora: ['moby-dick'], seeds: [1, 2, 3], swaps: [], finetune: false });
    const plan = { cells } as unknown as StudyPlan;
    const clean = { tokenChoice: [3.1, 3.2, 3.25], dense: [3.0, 3.1, 3.2] } as Record<string, number[]>;
    const loss = { tokenChoice: [0.32, 0.3, 0.31], dense: [0.3, 0.35, 0.28] } as Record<string, number[]>;
    const results = new Map(cells.map((c) => {
      const i = (c as { seed: number }).seed - 1;
      return [c.id, { id: c.id, clean: clean[c.row][i], corrupted: clean[c.row][i] + loss[c.row][i], seconds: 1 } as CellResult];
    }));
    expect(studyFindings(plan, results)).toEqual([
      'moby-dick, clean BPC: better than token choice: dense; worse: none; no clear difference: none.',
      'moby-dick, degradation: better than token choice: none; worse: none; no clear difference: dense.',
    ]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('fine-tuned rows against naive Bayes on the same characters: each seed minus its one value, a one-sample t-test (hand-computed)', () => {
    const cells = planCells({ rows: ['tokenChoice', 'usmoe'], corpora: ['moby-dick'], seeds: [1, 2, 3], swaps: [], finetune: true });
    const plan = { settings: { steps: 1, batch: 1, context: 256, layers: 1, modelDim: 2, experts: 2, ffDim: 2, topK: 2, evalSize: 0 }, finetune: { steps: 1, batch: 8, lr: 0.001, warmup: 0, context: 256 }, corruption: { kind: 'substitution', severity: 3 }, messageCorruption: { kind: 'substitution', severity: 3 }, calibrationBatches: 1, cells } as unknown as StudyPlan;
    // correct test messages of 605: naive Bayes 571 (560 corrupted); token choice +1, +3, +4 over it, usmoe +9, +10, +11; every corrupted count 560
    const correct: Record<string, number[]> = { tokenChoice: [572, 574, 575], usmoe: [580, 581, 582] };
    const results = new Map<string, CellResult>();
    for (const c of cells) {
      if (c.kind === 'finetune') results.set(c.id, { id: c.id, accuracy: correct[c.row][c.seed - 1] / 605, corruptedAccuracy: 560 / 605, seconds: 1 } as CellResult);
      if (c.kind === 'baseline') results.set(c.id, { id: c.id, accuracy: (c.whole ? 588 : 571) / 605, corruptedAccuracy: 560 / 605, seconds: 1 } as CellResult);
    }
    const [tc, us] = baselineComparisons(plan, results).filter((c) => c.measure === 'accuracy');
    // token choice: differences 1, 3, 4 messages; mean 8/3, std √(7/3), t = (8/3) / (√(7/3) / √3) ≈ 3.02 < 4.303
    expect(tc).toMatchObject({ row: 'tokenChoice', reference: 'naive Bayes (words)', difference: { n: 3, significant: false } });
    expect(tc.difference.mean * 605).toBeCloseTo(8 / 3, 9);
    expect(tc.difference.std * 605).toBeCloseTo(Math.sqrt(7 / 3), 9);
    expect(tc.difference.t).toBeCloseTo(8 / 3 / (Math.sqrt(7 / 3) / Math.sqrt(3)), 9);
    // usmoe: 9, 10, 11; t = 10 / (1 / √3) ≈ 17.3
    expect(us.difference).toMatchObject({ n: 3, significant: true });
    expect(us.difference.t).toBeCloseTo(10 * Math.sqrt(3), 6);
    expect(studyFindings(plan, results)).toEqual([
      'fine-tuning, accuracy: better than token choice: usmoe; worse: none; no clear difference: none.',
      'fine-tuning, corrupted accuracy: better than token choice: none; worse: none; no clear difference: usmoe.',
      'fine-tuning, accuracy: better than naive Bayes (words): usmoe; worse: none; no clear difference: tokenChoice.',
      'fine-tuning, corrupted accuracy: better than naive Bayes (words): none; worse: none; no clear difference: tokenChoice, usmoe.',
    ]);
    const markdown = studyMarkdown(plan, results);
    expect(markdown).toContain('each row minus naive Bayes on the same characters');
    expect(markdown).toContain('| tokenChoice | +0.44 ± 0.25 (t 3.0, no clear difference) | +0.00 ± 0.00 (the same on every seed: no t, no clear difference) |');
    expect(markdown).toContain('| naive Bayes (words) | 94.38 |');
  });

  it('tables say how many seeds a row holds when cells are missing', () => {
    const cells = planCells({ rows: ['tokenChoice'], corpora: ['moby-dick'], seeds: [1, 2], swaps: [], finetune: false });
    const plan = tablePlan(cells);
    const results = new Map<string, CellResult>([[cells[0].id, { id: cells[0].id, clean: 2.5, corrupted: 3, seconds: 1 }]]);
    expect(studyMarkdown(plan, results)).toContain('| tokenChoice | 2.500 | 3.000 | 0.500 | – | – | – | – | – | 1 of 2 |');
    results.set(cells[1].id, { id: cells[1].id, clean: 3.5, corrupted: 4, seconds: 1 });
    expect(studyMarkdown(plan, results)).toContain(`| tokenChoice | 3.000 ± ${Math.SQRT1_2.toFixed(3)} | 3.500 ± ${Math.SQRT1_2.toFixed(3)} | 0.500 ± 0.000 |`);
  });

  it('a difference over one seed is shown without a spread it never measured', () => {
    const cells = planCells({ rows: ['tokenChoice', 'dense'], corpora: ['moby-dick'], seeds: [1, 2], swaps: [], finetune: false });
    const plan = tablePlan(cells);
    const seed1 = (row: string) => cells.find((c) => c.row === row && (c as { seed: number }).seed === 1)!.id;
    // dense − token choice on seed 1: clean 2.4 − 2.5 = −0.1; degradation 0.7 − 0.5 = +0.2
    const results = new Map<string, CellResult>([
      [seed1('tokenChoice'), { id: seed1('tokenChoice'), clean: 2.5, corrupted: 3, seconds: 1 }],
      [seed1('dense'), { id: seed1('dense'), clean: 2.4, corrupted: 3.1, seconds: 1 }],
    ]);
    expect(studyMarkdown(plan, results)).toContain('| dense | −0.100 (1 seed) | +0.200 (1 seed) |');
  });

  it('corrupted inputs stay aligned with the clean text, character by character', () => {
    const text = 'Call me Ishmael. Some years ago — never mind how long precisely';
    const clean = tokenizer.encode(text);
    const corrupted = corruptAligned(text, { kind: 'substitution', severity: 5 }, 3, (s) => tokenizer.encode(s));
    expect(corrupted.length).toBe(clean.length);
    expect(Array.from(corrupted).some((id, i) => id !== clean[i])).toBe(true);
    expect(() => corruptAligned(text, { kind: 'deletion', severity: 5 }, 3, (s) => tokenizer.encode(s))).toThrow(/must keep every character's position/);
  });
});

describe('pnpm demo compare', () => {
  it('runs a tiny study, writes per-seed cells, mean ± std tables and HTML, and resumes without redoing a cell', async () => {
    const out = mkdtempSync(join(tmpdir(), 'smoe-study-'));
    const first = await demo('compare', '--out', out, ...tiny);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.status).toBe(0);
    const plan = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as StudyPlan;
    // a cell that loads a model runs as soon as the model is there, before the next training
    const order = [...first.stdout.matchAll(/^=== (\S+) \(/gm)].map((m) => m[1]);
    expect(order.slice(0, 6)).toEqual(['pretrain.moby-dick.dense.seed-1', 'finetune.dense.seed-1', 'pretrain.moby-dick.tokenChoice.seed-1', 'swap.moby-dick.usmoe@1.5.seed-1', 'swap.moby-dick.usmoe@1.5-raw.seed-1', 'finetune.tokenChoice.seed-1']);
    expect(order).toHaveLength(plan.cells.length);
    const files = readdirSync(join(out, 'cells'));
    expect(files).toHaveLength(plan.cells.length);
    const markdown = readFileSync(join(out, 'study.md'), 'utf8');
    for (const row of ['dense', 'tokenChoice', 'tokenChoice → usmoe@1.5', 'tokenChoice → usmoe@1.5 (raw)', 'naive Bayes (words)', 'naive Bayes (words, whole messages)']) expect(markdown).toContain(`| ${row} |`);
    expect(markdown).toMatch(/\| tokenChoice \| \d\.\d{3} ± \d\.\d{3} \|/);
    expect(readFileSync(join(out, 'study.html'), 'utf8')).toContain('<th scope="row">tokenChoice → usmoe@1.5 (raw)</th>');
    const cell = JSON.parse(readFileSync(join(out, 'cells', 'pretrain.moby-dick.tokenChoice.seed-1.json'), 'utf8')) as CellResult;
    expect(cell.clean).toBeGreaterThan(0);
    expect(cell.corrupted).toBeGreaterThan(cell.clean! - 1);
    expect(cell.expertRunsPerToken).toBe(2);
    const stamp = statSync(join(out, 'cells', files[0])).mtimeMs;
    const again = await demo('compare', '--out', out, ...tiny);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`resuming ${out}: ${plan.cells.length} of ${plan.cells.length} cells done`);
    expect(statSync(join(out, 'cells', files[0])).mtimeMs).toBe(stamp);
    // a copy of the folder resumes with every cell done, and records where it now lives
    const copy = `${out}-copy`;
    cpSync(out, copy, { recursive: true });
    const copied = await demo('compare', '--out', copy, ...tiny);
    expect(copied.status).toBe(0);
    expect(copied.stdout).toContain(`resuming ${copy}: ${plan.cells.length} of ${plan.cells.length} cells done`);
    expect((JSON.parse(readFileSync(join(copy, 'study.json'), 'utf8')) as StudyPlan).settings.out).toBe(copy);
    const other = await demo('compare', '--out', out, ...tiny, '--seeds', '1');
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/holds another study.*--update/);
    // --update with a longer fine-tuning and its next-character loss: only the fine-tuning cells run again
    const finetuned = plan.cells.filter((c) => c.kind === 'finetune').map((c) => c.id);
    const pretrained = join(out, 'cells', 'pretrain.moby-dick.dense.seed-1.json');
    const pretrainStamp = statSync(pretrained).mtimeMs;
    const updated = await demo('compare', '--out', out, '--update', ...tiny, '--finetune-steps', '3', '--finetune-lm-weight', '0.5', '--finetune-dropout', '0.1', '--finetune-lr', '0.001', '--finetune-warmup', '1');
    expect(updated.stderr).not.toMatch(/error/i);
    expect(updated.status).toBe(0);
    expect(updated.stdout).toContain(`${plan.cells.length - finetuned.length} of ${plan.cells.length} cells carry over; redoing ${finetuned.join(', ')}`);
    expect(statSync(pretrained).mtimeMs).toBe(pretrainStamp);
    const summary = JSON.parse(readFileSync(join(out, 'runs', finetuned[0], 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ lmWeight: 0.5, dropout: 0.1, settings: { steps: 3, lr: 0.001, warmup: 1 } });
    const note = readFileSync(join(out, 'study.md'), 'utf8');
    expect(note).toContain('at learning rate 0.001 (warm-up: 1 steps)');
    expect(note).toContain("with dropout 0.1 and the next-character loss beside the label's (weight 0.5)");
    // a fine-tuning rate that is not a positive number is refused before anything runs
    const bad = await demo('compare', '--out', out, '--update', ...tiny, '--finetune-lr', '-1');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/lr/);
  }, 600_000);

  it('--jobs 2 runs the cells as separate processes with the same results', async () => {
    const out = mkdtempSync(join(tmpdir(), 'smoe-study-jobs-'));
    const args = ['--routers', 'tokenChoice', '--seeds', '1', '--datasets', 'moby-dick', '--swaps', 'none', '--finetune-steps', '0', ...tiny.slice(8)];
    const r = await demo('compare', '--out', out, '--jobs', '2', ...args);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'cells', 'pretrain.moby-dick.tokenChoice.seed-1.json'))).toBe(true);
    expect(r.stdout).toContain('[pretrain.moby-dick.tokenChoice.seed-1] pretrain: moby-dick');
    // --overwrite starts over: the earlier plan's cells are not taken as done
    const fresh = await demo('compare', '--out', out, '--overwrite', ...args);
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).not.toContain('resuming');
    expect(fresh.stdout).toContain('pretrain: moby-dick');
  }, 600_000);

  it('--update of the fine-tuning budget alone keeps the study\'s rate and warm-up, its --jobs children run the written plan, and a result of another plan is refused', async () => {
    const out = mkdtempSync(join(tmpdir(), 'smoe-study-update-'));
    const args = ['--routers', 'tokenChoice', '--seeds', '1', '--datasets', 'moby-dick', '--swaps', 'none', ...tiny.slice(8), '--jobs', '2'];
    expect((await demo('compare', '--out', out, ...args)).status).toBe(0);
    const updated = await demo('compare', '--out', out, ...args, '--update', '--finetune-steps', '5');
    expect(updated.stderr).not.toMatch(/error/i);
    expect(updated.status).toBe(0);
    const id = 'finetune.tokenChoice.seed-1';
    expect(updated.stdout).toContain(`cells carry over; redoing ${id}\n`);
    const plan = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as StudyPlan;
    expect(plan.finetune).toMatchObject({ steps: 5, lr: studyTuning.lr });
    const summary = JSON.parse(readFileSync(join(out, 'runs', id, 'summary.json'), 'utf8'));
    expect(summary.settings).toMatchObject({ steps: 5, lr: studyTuning.lr, warmup: plan.finetune.warmup });
    expect(readFileSync(join(out, 'runs', id, 'metrics.jsonl'), 'utf8').trim().split('\n').filter((l) => l.includes('"step"')).length).toBeGreaterThanOrEqual(5);
    const cell = JSON.parse(readFileSync(join(out, 'cells', `${id}.json`), 'utf8')) as CellResult & { inputs: { finetune: { steps: number; lr: number } } };
    expect(cell.inputs.finetune).toMatchObject({ steps: 5, lr: studyTuning.lr });
    // a study kept without its run folders (in a repository): a cell still to run that loads a
    // model first runs its source again; every other done cell is kept
    const baseline = join(out, 'cells', 'baseline.naiveBayes.json');
    const baselineStamp = statSync(baseline).mtimeMs;
    rmSync(join(out, 'runs'), { recursive: true });
    rmSync(join(out, 'cells', `${id}.json`));
    const again = await demo('compare', '--out', out, ...args, '--finetune-steps', '5');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('compare: pretrain.moby-dick.tokenChoice.seed-1 is done but its run folder holds no checkpoint, which cells still to run load; running it again');
    expect(existsSync(join(out, 'cells', `${id}.json`))).toBe(true);
    expect(existsSync(join(out, 'runs', 'pretrain.moby-dick.tokenChoice.seed-1'))).toBe(true);
    expect(statSync(baseline).mtimeMs).toBe(baselineStamp);
    // study.json rewritten behind the study's back: its done cells are not taken as the new plan's
    writeFileSync(join(out, 'study.json'), JSON.stringify({ ...plan, finetune: { ...plan.finetune, steps: 7 } }));
    const child = await demo('compare', '--out', out, '--cell', id);
    expect(child.status).toBe(2);
    expect(child.stderr).toMatch(/computed from other inputs.*inputs\.finetune\.steps: 5 there, 7 in the plan/);
    const report = await demo('report', out);
    expect(report.status).toBe(2);
    expect(report.stderr).toContain('computed from other inputs');
    // with study.json as the study wrote it, another seed is new work, and nothing is redone
    writeFileSync(join(out, 'study.json'), JSON.stringify(plan));
    const seeds = args.map((a, i) => (args[i - 1] === '--seeds' ? '1,2' : a));
    const more = await demo('compare', '--out', out, ...seeds, '--update', '--finetune-steps', '5');
    expect(more.status).toBe(0);
    expect(more.stdout).toContain('cells carry over; redoing none; new: pretrain.moby-dick.tokenChoice.seed-2, finetune.tokenChoice.seed-2\n');
  }, 600_000);
});
