// Processes that share a study folder run each cell once: a live claim is waited for, a dead
// one is taken over, a done cell is never run again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../src/run.js';
import { studyPlan } from '../src/commands/compare.js';
import { cellResultPath, readCellResult, runCellOnce } from '../src/study-cells.js';
import { cellInputs, type Cell, type CellResult, type StudyPlan } from '../src/study.js';

const cell = { kind: 'baseline', id: 'baseline.naiveBayes' } as unknown as Cell;
const plan = {} as StudyPlan;

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smoe-cells-'));
  mkdirSync(join(dir, 'cells'));
  return dir;
}

/** A stand-in for runCell that counts its runs, takes a while, and writes its result as runCell does. */
function counting(accuracy: number): { run: (dir: string) => Promise<CellResult>; calls: () => number } {
  let calls = 0;
  return {
    run: async (dir: string) => {
      calls++;
      await sleep(150);
      const result: CellResult = { id: cell.id, accuracy, seconds: 0.15 };
      await writeJson(cellResultPath(dir, cell.id), result);
      return result;
    },
    calls: () => calls,
  };
}

describe('runCellOnce', () => {
  it('two runners of one cell at the same time: it runs once, both get its result, and the claim is gone', async () => {
    const dir = folder();
    const a = counting(0.9);
    const b = counting(0.1);
    const [ra, rb] = await Promise.all([runCellOnce(dir, plan, cell, () => {}, a.run, 10), runCellOnce(dir, plan, cell, () => {}, b.run, 10)]);
    expect(a.calls() + b.calls()).toBe(1);
    expect(rb.accuracy).toBe(ra.accuracy);
    expect(existsSync(join(dir, 'cells', 'baseline.naiveBayes.running'))).toBe(false);
  });

  it('a claim held by a live process is waited for, not run again', async () => {
    const dir = folder();
    const claim = join(dir, 'cells', 'baseline.naiveBayes.running');
    writeFileSync(claim, String(process.pid)); // this process is alive
    const mine = counting(0.2);
    const lines: string[] = [];
    const waiting = runCellOnce(dir, plan, cell, (l) => lines.push(l), mine.run, 10);
    await sleep(60);
    await writeJson(cellResultPath(dir, cell.id), { id: cell.id, accuracy: 0.8, seconds: 1 });
    expect((await waiting).accuracy).toBe(0.8);
    expect(mine.calls()).toBe(0);
    expect(lines[0]).toBe(`process ${process.pid} is running this cell; waiting for its result`);
  });

  it('a claim whose process has ended is taken over, and the cell runs', async () => {
    const dir = folder();
    const ended = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, 'cells', 'baseline.naiveBayes.running'), String(ended));
    const mine = counting(0.7);
    const lines: string[] = [];
    expect((await runCellOnce(dir, plan, cell, (l) => lines.push(l), mine.run, 10)).accuracy).toBe(0.7);
    expect(mine.calls()).toBe(1);
    expect(lines).toContain(`taking over from process ${ended}, which ended before the cell did`);
  });

  it('a done cell is not run again', async () => {
    const dir = folder();
    await writeJson(cellResultPath(dir, cell.id), { id: cell.id, accuracy: 0.5, seconds: 1 });
    const mine = counting(0.6);
    expect((await runCellOnce(dir, plan, cell, () => {}, mine.run)).accuracy).toBe(0.5);
    expect(mine.calls()).toBe(0);
  });

  it('a result computed for other inputs is refused, naming what differs; a copied plan and an old result without inputs are read', async () => {
    const dir = folder();
    const planned = studyPlan({ 'finetune-steps': 600, out: dir });
    const longer = studyPlan({ 'finetune-steps': 1200, out: dir });
    const tuned = planned.cells.find((c) => c.kind === 'finetune')!;
    const pretrained = planned.cells.find((c) => c.id === tuned.source)!;
    for (const c of [tuned, pretrained]) await writeJson(cellResultPath(dir, c.id), { id: c.id, accuracy: 0.9, seconds: 1, inputs: cellInputs(planned, c) });
    expect(readCellResult(dir, planned, tuned)?.accuracy).toBe(0.9);
    // the fine-tuning budget is an input of fine-tuning, not of pre-training
    expect(readCellResult(dir, longer, pretrained)?.accuracy).toBe(0.9);
    expect(() => readCellResult(dir, longer, tuned)).toThrow(/computed from other inputs.*inputs\.finetune\.steps: 600 there, 1200 in the plan/);
    // the folder a study lives in is no input
    expect(readCellResult(dir, studyPlan({ 'finetune-steps': 600, out: `${dir}-moved` }), tuned)?.accuracy).toBe(0.9);
    await writeJson(cellResultPath(dir, tuned.id), { id: tuned.id, accuracy: 0.8, seconds: 1 });
    expect(readCellResult(dir, longer, tuned)?.accuracy).toBe(0.8);
  });
});
