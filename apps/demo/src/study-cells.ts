/**
 * Running one cell of a router study (see study.ts) and keeping its result: every cell writes
 * `cells/<id>.json` atomically in the study folder when it is done; its run folder is under
 * `runs/`. A cell interrupted during training resumes from its last checkpoint. Processes that
 * share a study folder on one machine run each cell once (runCellOnce).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LanguageModel, SequenceClassifier, type MoELayer } from '@smoe/moe';
import { lmBatches, spamAssassin, textCorpus } from '@smoe/datasets/node';
import { noGrad } from '@smoe/tensor';
import { jsonDifferences } from '@smoe/trainer';
import { fileStorage, listCheckpoints } from '@smoe/trainer/node';
import { UsageError } from './args.js';
import { NaiveBayes } from './baseline.js';
import { corruptAligned, corruptString, type Corruption } from './corruption.js';
import { runFinetune } from './commands/finetune.js';
import { runPretrain } from './commands/pretrain.js';
import { loadModel, writeJson } from './run.js';
import { validateSettings, type DatasetName, type RunSettings } from './settings.js';
import { classificationScores, corpusTokens, evaluateClassifier, evaluateLanguageModel, tokenizer } from './tasks.js';
import { cellInputs, dependencies, finetuneOptions, parseRow, type Cell, type CellResult, type StudyPlan } from './study.js';

/** A cell id as a file name (the swap rows' ids hold no path separators, but a user's router name may). */
function fileName(id: string): string {
  return id.replace(/[^A-Za-z0-9@._-]+/g, '_');
}

/** A cell's file in the study folder's `cells/`: its result (`json`) or its claim (`running`). */
function cellFile(dir: string, id: string, kind: 'json' | 'running'): string {
  return join(dir, 'cells', `${fileName(id)}.${kind}`);
}

/** Where a cell's result is kept. */
export function cellResultPath(dir: string, id: string): string {
  return cellFile(dir, id, 'json');
}

/**
 * The result of a done cell, or undefined. A result computed from other inputs than `plan` gives
 * this cell (another fine-tuning budget, say) is an error naming what differs: it is never
 * reported or built on as if it were this plan's. Results written before cells recorded their
 * inputs are taken as they are.
 */
export function readCellResult(dir: string, plan: StudyPlan, cell: Cell): CellResult | undefined {
  const path = cellResultPath(dir, cell.id);
  if (!existsSync(path)) return undefined;
  let result: CellResult;
  try {
    result = JSON.parse(readFileSync(path, 'utf8')) as CellResult;
  } catch (error) {
    throw new Error(`study: ${path} is not a readable cell result (${(error as Error).message}); delete it to run the cell again`);
  }
  if (result.inputs !== undefined) {
    const found = jsonDifferences(result.inputs, cellInputs(plan, cell), 'inputs');
    if (found.length) {
      const listed = found.slice(0, 4).map((d) => `${d.path}: ${JSON.stringify(d.a)} there, ${JSON.stringify(d.b)} in the plan`).join('; ');
      throw new UsageError(`study: ${path} was computed from other inputs than ${join(dir, 'study.json')} plans for cell ${cell.id} (${listed}${found.length > 4 ? `; ${found.length - 4} more` : ''}); delete it to run the cell again, or run compare with --update`);
    }
  }
  return result;
}

/** The results of the plan's done cells, by cell id (readCellResult for each). */
export function readCellResults(dir: string, plan: StudyPlan): Map<string, CellResult> {
  const results = new Map<string, CellResult>();
  for (const cell of plan.cells) {
    const r = readCellResult(dir, plan, cell);
    if (r) results.set(cell.id, r);
  }
  return results;
}

/** The run folder of a cell that trains. */
export function runFolder(dir: string, id: string): string {
  return join(dir, 'runs', fileName(id));
}

/** Settings of a training row: 'dense' is one FFN of width k·ffDim (the active parameters of top-k); 'router@k' sets k. */
export function rowSettings(base: RunSettings, row: string, dataset: DatasetName, seed: number, out: string): RunSettings {
  const { router, topK } = parseRow(row);
  const settings: RunSettings = { ...base, dataset, seed, out, router, topK: topK ?? base.topK, overwrite: false, resume: false, progress: false };
  if (router === 'dense') settings.ffDim = Math.round(base.topK * base.ffDim);
  return validateSettings(settings);
}

/** Resume a half-trained cell, or start its folder over. */
async function resumeOrStart(settings: RunSettings): Promise<RunSettings> {
  const started = await hasCheckpoint(settings.out);
  return { ...settings, resume: started, overwrite: !started };
}

/** Whether a run folder holds a checkpoint (a model to load or a training to resume). */
async function hasCheckpoint(folder: string): Promise<boolean> {
  return existsSync(folder) && (await listCheckpoints(fileStorage(folder))).length > 0;
}

/**
 * The done cells whose models `pending` cells load but whose run folders hold no checkpoint (a
 * study kept without its run folders, in a repository, say): they must run again first.
 */
export async function sourcesToRedo(dir: string, pending: readonly Cell[], done: ReadonlySet<string>): Promise<string[]> {
  const sources = [...new Set(pending.flatMap(dependencies))].filter((id) => done.has(id));
  const gone: string[] = [];
  for (const id of sources) if (!(await hasCheckpoint(runFolder(dir, id)))) gone.push(id);
  return gone;
}

/** Parameters a token passes through: all but the experts, plus `runs` experts' worth per MoE layer. */
function activeParameters(model: LanguageModel, runsPerToken: number): number {
  let active = model.parameterCount();
  for (const { moe } of model.body.moeLayers() as Array<{ moe: MoELayer }>) {
    const experts = moe.experts.parameterCount();
    active += -experts + (experts / moe.config.experts) * runsPerToken;
  }
  return Math.round(active);
}

/** Clean and corrupted-input validation bits per character of a language model. */
async function scoreText(model: LanguageModel, corpus: DatasetName, settings: RunSettings, corruption: Corruption): Promise<{ clean: number; corrupted: number; routing: Record<string, number> }> {
  const text = textCorpus(corpus as 'moby-dick' | 'sotu', 'validation');
  const cut = settings.evalSize > 0 ? text.slice(0, settings.evalSize) : text;
  const tokens = tokenizer.encode(cut);
  const clean = await evaluateLanguageModel(model, tokens, model.config.context, settings.batch);
  const inputs = corruptAligned(cut, corruption, settings.seed, (s) => tokenizer.encode(s));
  const corrupted = await evaluateLanguageModel(model, tokens, model.config.context, settings.batch, inputs);
  return { clean: clean.bitsPerCharacter, corrupted: corrupted.bitsPerCharacter, routing: clean.routing };
}

/** Runs one cell and writes its result. */
export async function runCell(dir: string, plan: StudyPlan, cell: Cell, log: (line: string) => void): Promise<CellResult> {
  const started = performance.now();
  const done = (result: Omit<CellResult, 'id' | 'seconds'>): CellResult => ({ id: cell.id, ...result, seconds: (performance.now() - started) / 1000 });
  let result: CellResult;
  if (cell.kind === 'pretrain') {
    const settings = await resumeOrStart(rowSettings(plan.settings, cell.row, cell.corpus, cell.seed, runFolder(dir, cell.id)));
    const trained = await runPretrain(settings, log);
    const { model } = await loadModel(settings.out);
    const lm = model as LanguageModel;
    const score = await scoreText(lm, cell.corpus, settings, plan.corruption);
    const runs = score.routing.expertRunsPerToken ?? 0;
    result = done({ clean: score.clean, corrupted: score.corrupted, tokensPerSecond: trained.tokensPerSecond, loadCv: score.routing.loadCv, expertRunsPerToken: lm.config.moe ? runs : undefined, parameters: trained.parameters, activeParameters: activeParameters(lm, runs) });
  } else if (cell.kind === 'swap') {
    const { model } = await loadModel(runFolder(dir, cell.source));
    const lm = model as LanguageModel;
    lm.setSelection({ rule: cell.rule, topK: cell.topK, renormalize: cell.renormalize });
    // The causal thresholds of the new rule come from training batches, never from validation.
    const settings = rowSettings(plan.settings, 'tokenChoice', cell.corpus, cell.seed, runFolder(dir, cell.id));
    lm.eval();
    const batches = lmBatches(corpusTokens(cell.corpus, 'train'), { context: lm.config.context, batch: settings.batch, seed: settings.seed + 1000, mode: 'random' });
    let calibrated = 0;
    for (const batch of batches) {
      if (calibrated++ >= plan.calibrationBatches) break;
      await noGrad(() => lm.loss(batch, { calibrate: true }));
    }
    const score = await scoreText(lm, cell.corpus, settings, plan.corruption);
    const runs = score.routing.expertRunsPerToken ?? 0;
    result = done({ clean: score.clean, corrupted: score.corrupted, loadCv: score.routing.loadCv, expertRunsPerToken: runs, parameters: lm.parameterCount(), activeParameters: activeParameters(lm, runs) });
  } else if (cell.kind === 'finetune') {
    const settings = await resumeOrStart({ ...plan.finetune, seed: cell.seed, out: runFolder(dir, cell.id), progress: false });
    const tuned = await runFinetune(runFolder(dir, cell.source), settings, log, finetuneOptions(plan));
    const { model } = await loadModel(settings.out);
    const corrupted = await evaluateClassifier(model as SequenceClassifier, 'test', settings, 0, (ids, i) => tokenizer.encode(corruptString(tokenizer.decode(ids), plan.messageCorruption, i)));
    result = done({ accuracy: tuned.test.accuracy, f1: tuned.test.f1, corruptedAccuracy: corrupted.accuracy, corruptedF1: corrupted.f1 });
  } else {
    // the classical baseline reads what the fine-tuned models read (the first `context`
    // characters), corrupted with the same seeds (message index); its reference row, everything
    const chars = cell.whole ? Infinity : plan.finetune.context;
    const train = spamAssassin('train', { stripHeaders: true });
    const test = spamAssassin('test', { stripHeaders: true });
    const nb = new NaiveBayes(train.texts.map((t) => t.slice(0, chars)), train.labels, train.classNames.length);
    const predict = (texts: readonly string[]): Int32Array => Int32Array.from(texts, (t) => nb.predict(t));
    const clean = classificationScores(predict(test.texts.map((t) => t.slice(0, chars))), test.labels);
    const corrupted = classificationScores(predict(test.texts.map((t, i) => corruptString(t.slice(0, chars), plan.messageCorruption, i))), test.labels);
    result = done({ accuracy: clean.accuracy, f1: clean.f1, corruptedAccuracy: corrupted.accuracy, corruptedF1: corrupted.f1 });
  }
  result = { ...result, inputs: cellInputs(plan, cell) };
  await writeJson(cellResultPath(dir, cell.id), result);
  return result;
}

/** True when a process with this id runs on this machine. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a claim may stay empty (created, its process id not yet written) before it is taken as abandoned. */
const emptyClaimMs = 30_000;

/**
 * Runs a cell unless it is done, once across the processes that share the study folder on this
 * machine: a process claims the cell by creating `cells/<id>.running` exclusively, holding its
 * process id, and removes it when the cell ends. A process that finds a live claim waits for the
 * result instead of running the cell a second time in the same run folder; a claim whose process
 * is gone (killed mid-cell) is taken over, and the cell resumes from its last checkpoint.
 */
export async function runCellOnce(dir: string, plan: StudyPlan, cell: Cell, log: (line: string) => void, run: typeof runCell = runCell, pollMs = 2000): Promise<CellResult> {
  const claim = cellFile(dir, cell.id, 'running');
  let waiting = false;
  for (;;) {
    const done = readCellResult(dir, plan, cell);
    if (done) return done;
    let handle;
    try {
      handle = await open(claim, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let text: string;
      let age: number;
      try {
        text = readFileSync(claim, 'utf8');
        age = Date.now() - statSync(claim).mtimeMs;
      } catch {
        continue; // the holder ended between our open and our read: look again
      }
      const holder = Number.parseInt(text, 10);
      const live = Number.isInteger(holder) ? processAlive(holder) : age < emptyClaimMs;
      if (live) {
        if (!waiting) log(`process ${holder} is running this cell; waiting for its result`);
        waiting = true;
        await sleep(pollMs);
      } else {
        log(`taking over from process ${Number.isInteger(holder) ? holder : '(unknown)'}, which ended before the cell did`);
        await rm(claim, { force: true });
      }
      continue;
    }
    try {
      await handle.writeFile(String(process.pid));
      await handle.close();
      return await run(dir, plan, cell, log);
    } finally {
      await rm(claim, { force: true });
    }
  }
}
