/**
 * compare: the router study (study.ts). Every training row × corpus × seed is pre-trained on the
 * same budget and scored clean and with corrupted inputs; the training-free USMoE swap runs on
 * each token-choice model; the Moby Dick models are fine-tuned on SpamAssassin beside a naive
 * Bayes baseline. Rows are mean ± std over seeds; study.json holds the plan, cells/ the per-cell
 * results (per seed), study.md and study.html the tables.
 *
 * `--jobs N` runs independent cells as N separate processes; running the same command again on
 * the same folder resumes a half-finished study (done cells are kept, an interrupted training
 * resumes from its last checkpoint).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { helpText, parseFlags, UsageError, type FlagSpecs } from '../args.js';
import { parseCorruption } from '../corruption.js';
import { useBackend, writeJson } from '../run.js';
import { buildSettings, datasetNames, defaultSettings, trainingFlags, type DatasetName, type RunSettings } from '../settings.js';
import { dependencies, parseRow, planCells, samePlan, staleCells, studyHtml, studyMarkdown, type Cell, type CellResult, type StudyPlan } from '../study.js';
import { cellResultPath, readCellResult, readCellResults, runCellOnce, runFolder, sourcesToRedo } from '../study-cells.js';
import { taskOf } from '../tasks.js';
import { finetuneDefaults } from './finetune.js';

/** Fine-tuning's learning rate and warm-up in the study: 3e-3 diverged from the 256-context models. */
export const studyTuning = { lr: 1e-3, warmup: 30 } as const;

const { router: _router, dataset: _dataset, seed: _seed, ...sharedFlags } = trainingFlags;
const flags: FlagSpecs = {
  routers: { type: 'string', help: 'training rows, comma-separated; router@k sets k (default dense,tokenChoice,expertChoice,usmoe,usmoe@1.5,vqmoe)' },
  datasets: { type: 'string', help: 'corpora, comma-separated (default moby-dick,sotu)' },
  seeds: { type: 'string', help: 'seeds, comma-separated (default 1,2,3)' },
  swaps: { type: 'string', help: "training-free selection rules applied to each token-choice model, rule@k, comma-separated, or none (default usmoe@1.5)" },
  corrupt: { type: 'string', help: 'corruption of the validation inputs, kind:severity keeping positions (default substitution:3)' },
  'finetune-steps': { type: 'number', help: 'SpamAssassin fine-tuning steps per Moby Dick model, of 8 messages (1200: about two passes over the 4,836 training messages); 0 skips fine-tuning (default 1200)' },
  'finetune-chars': { type: 'number', help: 'characters of each message the fine-tuned models and the baseline read, in chunks of the pre-trained context (default 256)' },
  'finetune-lr': { type: 'number', help: `peak learning rate of fine-tuning (default ${studyTuning.lr})` },
  'finetune-warmup': { type: 'number', help: `warm-up steps of fine-tuning (default ${studyTuning.warmup})` },
  'finetune-lm-weight': { type: 'number', help: "weight of fine-tuning's auxiliary next-character loss on the messages' own text (default 0: off)" },
  'finetune-dropout': { type: 'number', help: "dropout while fine-tuning: residual and embedding dropout in the body and on the pooled vector (default 0)" },
  'calibration-batches': { type: 'number', help: 'training batches that calibrate a swapped rule\'s causal thresholds (default 8)' },
  jobs: { type: 'number', help: 'cells run at once, each in its own process (default 1)' },
  update: { type: 'boolean', help: 'run a changed plan in an existing study folder: keep the cells whose own inputs are unchanged (a new fine-tuning budget keeps every pre-training), redo the others' },
  cell: { type: 'string', help: '(internal) run one cell of the study in --out and exit' },
  ...sharedFlags,
};

/**
 * The study's pre-training defaults: the demo's model, on a budget a 2-core machine finishes for
 * every cell, with a 256-character context so that fine-tuning reads each message's first 256
 * characters in one attention window (read as four pooled 64-character chunks, the fine-tuned
 * models stayed below the naive Bayes baseline on every seed; docs/routing.md §8).
 */
export const compareDefaults: RunSettings = { ...defaultSettings, steps: 400, context: 256, evalEvery: 400, checkpointEvery: 200, out: 'runs/compare' };

function list(value: unknown, fallback: string): string[] {
  return String(value ?? fallback).split(',').map((e) => e.trim()).filter(Boolean);
}

/** The plan from the flags (validated before anything runs). */
export function studyPlan(parsed: Record<string, unknown>): StudyPlan {
  const { routers, datasets, seeds, swaps, corrupt, jobs: _jobs, cell: _cell, help: _help, update: _update, ...rest } = parsed;
  // overwrite and resume are about the study folder, not part of the plan
  const settings: RunSettings = { ...buildSettings(rest as never, compareDefaults), overwrite: false, resume: false, progress: false };
  const rows = list(routers, 'dense,tokenChoice,expertChoice,usmoe,usmoe@1.5,vqmoe');
  if (rows.length === 0) throw new UsageError('compare: --routers lists no router');
  for (const row of rows) {
    const { router, topK } = parseRow(row);
    if (topK !== undefined && !(topK > 0)) throw new UsageError(`compare: --routers entry '${row}': k must be a positive number`);
    buildSettings({}, { ...settings, router, topK: topK ?? settings.topK });
  }
  const corpora = list(datasets, 'moby-dick,sotu') as DatasetName[];
  for (const c of corpora) if (!(datasetNames as readonly string[]).includes(c) || taskOf(c) !== 'lm') throw new UsageError(`compare: --datasets entry '${c}' is not a text corpus; use moby-dick and/or sotu`);
  const seedList = list(seeds, '1,2,3').map(Number);
  for (const s of seedList) if (!Number.isInteger(s) || s < 0) throw new UsageError(`compare: --seeds must be non-negative integers, got ${String(seeds)}`);
  const swapList = swaps === 'none' ? [] : list(swaps, 'usmoe@1.5');
  for (const swap of swapList) if (!(parseRow(swap).topK! > 0)) throw new UsageError(`compare: --swaps entry '${swap}' must be rule@k, e.g. usmoe@1.5`);
  // two passes: chosen on the validation split (docs/routing.md §8), where one pass left USMoE and
  // VQMoE below the naive Bayes baseline
  const finetuneSteps = Number(parsed['finetune-steps'] ?? 1200);
  const steps = Math.max(1, finetuneSteps);
  // one validation pass at the end: the study scores the test split (clean and corrupted)
  // --finetune-lr and --finetune-warmup go in as the fine-tuning's own flags: checked like
  // pretrain's, and a warm-up asked for is kept even where the default would be cut to fit
  const tuningFlags = { ...(parsed['finetune-lr'] !== undefined ? { lr: parsed['finetune-lr'] } : {}), ...(parsed['finetune-warmup'] !== undefined ? { warmup: parsed['finetune-warmup'] } : {}) };
  const finetune = buildSettings(tuningFlags as never, { ...finetuneDefaults, ...studyTuning, steps, evalEvery: steps, checkpointEvery: steps, context: Number(parsed['finetune-chars'] ?? 256), backend: settings.backend, out: join(settings.out, 'finetune') });
  const lmWeight = Number(parsed['finetune-lm-weight'] ?? 0);
  if (!(lmWeight >= 0)) throw new UsageError(`compare: --finetune-lm-weight must be a number ≥ 0, got ${String(parsed['finetune-lm-weight'])}`);
  const dropout = Number(parsed['finetune-dropout'] ?? 0);
  if (!(dropout >= 0 && dropout < 1)) throw new UsageError(`compare: --finetune-dropout must be a number in [0, 1), got ${String(parsed['finetune-dropout'])}`);
  const calibrationBatches = Number(parsed['calibration-batches'] ?? 8);
  if (!Number.isInteger(calibrationBatches) || calibrationBatches < 1) throw new UsageError(`compare: --calibration-batches must be an integer ≥ 1, got ${calibrationBatches}`);
  return {
    settings,
    finetune,
    corruption: parseCorruption(typeof corrupt === 'string' ? corrupt : 'substitution:3', 'text'),
    messageCorruption: parseCorruption(typeof corrupt === 'string' ? corrupt : 'substitution:3', 'text'),
    calibrationBatches,
    ...(lmWeight > 0 || dropout > 0 ? { finetuneOptions: { ...(lmWeight > 0 ? { lmWeight } : {}), ...(dropout > 0 ? { dropout } : {}) } } : {}),
    cells: planCells({ rows, corpora, seeds: seedList, swaps: swapList, finetune: finetuneSteps > 0 }),
  };
}

/**
 * Starts a study folder, or checks that an existing one holds the same plan (then it resumes).
 * With `update`, a folder of another plan takes this one: the results of cells whose inputs
 * changed are removed (cell result and run folder), the others kept.
 */
async function openStudy(dir: string, plan: StudyPlan, overwrite: boolean, update: boolean): Promise<void> {
  const file = join(dir, 'study.json');
  if (existsSync(file) && !overwrite) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as StudyPlan;
    if (samePlan(previous, plan)) {
      if (previous.settings.out !== plan.settings.out) await writeJson(file, plan); // a copied or moved study folder: same cells, new home
      return;
    }
    if (!update) throw new UsageError(`compare: ${dir} holds another study (its study.json differs from these flags); use another --out, the same flags to resume, --update to keep the cells these flags leave unchanged, or --overwrite`);
    const stale = staleCells(previous, plan);
    for (const id of stale) {
      await rm(cellResultPath(dir, id), { force: true });
      await rm(runFolder(dir, id), { recursive: true, force: true });
    }
    const known = new Set(previous.cells.map((c) => c.id));
    const redo = stale.filter((id) => known.has(id));
    const added = stale.filter((id) => !known.has(id));
    console.log(`compare: updating ${dir}: ${plan.cells.length - stale.length} of ${plan.cells.length} cells carry over; redoing ${redo.length ? redo.join(', ') : 'none'}${added.length ? `; new: ${added.join(', ')}` : ''}`);
    await writeJson(file, plan);
    return;
  }
  // a new plan starts over: no cell result or run folder of another plan may leak into it
  if (overwrite) for (const sub of ['cells', 'runs']) await rm(join(dir, sub), { recursive: true, force: true });
  await mkdir(join(dir, 'cells'), { recursive: true });
  await writeJson(file, plan);
}

/** Runs one cell in a child process of this CLI (same Node flags), resolving when it exits. */
function runInProcess(dir: string, cell: Cell): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'compare', '--out', dir, '--cell', cell.id], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`compare: cell ${cell.id} failed (exit ${code}); its run folder keeps what it had done, run the same command to resume`))));
  });
}

/** Runs every cell not done yet, `jobs` at a time, a cell only after the cells it needs. */
async function runStudy(dir: string, plan: StudyPlan, jobs: number): Promise<Map<string, CellResult>> {
  const results = readCellResults(dir, plan);
  // a model that pending cells load must be on disk: a done cell whose run folder is gone runs again
  for (const id of await sourcesToRedo(dir, plan.cells.filter((c) => !results.has(c.id)), new Set(results.keys()))) {
    console.log(`compare: ${id} is done but its run folder holds no checkpoint, which cells still to run load; running it again`);
    await rm(cellResultPath(dir, id), { force: true });
    results.delete(id);
  }
  const pending = plan.cells.filter((c) => !results.has(c.id));
  if (results.size) console.log(`compare: resuming ${dir}: ${results.size} of ${plan.cells.length} cells done`);
  const running = new Set<string>();
  const ready = (c: Cell): boolean => dependencies(c).every((d) => results.has(d));
  let failure: Error | null = null;
  await new Promise<void>((resolve) => {
    const next = (): void => {
      if (failure && running.size === 0) return resolve();
      if (!pending.length && !running.size) return resolve();
      while (!failure && running.size < jobs) {
        // a cell that loads a model goes before a new training: a checkpoint is used soon after it
        // is written, and a study stopped part-way leaves fewer models that no result has used yet
        const loading = pending.findIndex((c) => dependencies(c).length > 0 && ready(c));
        const index = loading >= 0 ? loading : pending.findIndex(ready);
        if (index < 0) break;
        const [cell] = pending.splice(index, 1);
        running.add(cell.id);
        console.log(`\n=== ${cell.id} (${results.size + running.size} of ${plan.cells.length}) ===`);
        const work = jobs > 1 ? runInProcess(dir, cell).then(() => readCellResult(dir, plan, cell) as CellResult) : runCellOnce(dir, plan, cell, (l) => console.log(l));
        work.then(
          (r) => results.set(cell.id, r),
          (error: unknown) => (failure = error as Error),
        ).finally(() => {
          running.delete(cell.id);
          next();
        });
      }
      if (!running.size && pending.length && !failure) failure = new Error(`compare: cells ${pending.map((c) => c.id).join(', ')} wait for cells that are not in the plan`);
      if (failure && !running.size) resolve();
    };
    next();
  });
  if (failure) throw failure;
  return results;
}

/** Writes study.md and study.html from the folder's plan and cell results; returns the markdown. */
export async function writeStudyReport(dir: string): Promise<string> {
  const file = join(dir, 'study.json');
  if (!existsSync(file)) throw new UsageError(`report: ${dir} holds no study.json; run 'pnpm demo compare --out ${dir}' first`);
  const plan = JSON.parse(readFileSync(file, 'utf8')) as StudyPlan;
  const results = readCellResults(dir, plan);
  const markdown = studyMarkdown(plan, results);
  await writeFile(join(dir, 'study.md'), markdown);
  await writeFile(join(dir, 'study.html'), studyHtml(plan, results));
  return markdown;
}

/** `pnpm demo compare [flags]`. */
export async function compare(argv: readonly string[]): Promise<void> {
  const parsed = parseFlags('compare', argv, flags);
  if (parsed.help) {
    process.stdout.write(helpText('compare', 'The router study: every router × corpus × seed on the same budget, clean and corrupted-input BPC, the training-free USMoE swap, SpamAssassin fine-tuning beside a naive Bayes baseline; mean ± std over seeds. Re-run the same command to resume.', flags, compareDefaults));
    return;
  }
  const jobs = Number(parsed.jobs ?? 1);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`compare: --jobs must be an integer ≥ 1, got ${String(parsed.jobs)}`);
  const out = typeof parsed.out === 'string' ? parsed.out : compareDefaults.out;
  if (typeof parsed.cell === 'string') {
    // a child process of --jobs: the plan comes from the folder
    const plan = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as StudyPlan;
    const cell = plan.cells.find((c) => c.id === parsed.cell);
    if (!cell) throw new UsageError(`compare: no cell '${parsed.cell}' in ${out}/study.json`);
    await useBackend(plan.settings.backend);
    await runCellOnce(out, plan, cell, (l) => console.log(`[${cell.id}] ${l}`));
    return;
  }
  const plan = studyPlan(parsed);
  await openStudy(out, plan, parsed.overwrite === true, parsed.update === true);
  if (jobs === 1) await useBackend(plan.settings.backend);
  await runStudy(out, plan, jobs);
  const markdown = await writeStudyReport(out);
  console.log(`\n${markdown}`);
  console.log(`written: ${join(out, 'study.md')}, ${join(out, 'study.html')}, study.json and cells/ (per-seed results)`);
}
