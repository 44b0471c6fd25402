import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../src/args.js';
import { buildSettings, defaultSettings, trainingFlags } from '../src/settings.js';
import { moeConfig } from '../src/tasks.js';
import { runPretrain } from '../src/commands/pretrain.js';
import { runFinetune, finetuneDefaults } from '../src/commands/finetune.js';
import { runEvaluation } from '../src/commands/evaluate.js';
import { buildReport } from '../src/commands/report.js';
import { parseCorruption } from '../src/corruption.js';

const root = resolve(__dirname, '../../..');
function demo(...args: string[]) {
  return spawnSync(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', join(root, 'apps/demo/src/cli.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, SMOE_BACKEND: 'cpu' } });
}

// A model small enough to train in seconds on 2 cores.
const tiny = { steps: 4, batch: 2, context: 16, layers: 1, modelDim: 16, heads: 2, ffDim: 16, experts: 4, evalEvery: 2, evalSize: 200, checkpointEvery: 2, progress: false, backend: 'cpu', warmup: 0 };

describe('flags and settings', () => {
  it('parses typed flags and negated booleans', () => {
    expect(parseFlags('pretrain', ['--steps', '12', '--router=usmoe', '--no-progress'], trainingFlags)).toEqual({ steps: 12, router: 'usmoe', progress: false });
  });
  it('rejects unknown options with a suggestion, and bad values', () => {
    expect(() => parseFlags('pretrain', ['--stpes', '3'], trainingFlags)).toThrow(/unknown option --stpes \(did you mean --steps\?\)/);
    expect(() => parseFlags('pretrain', ['--steps', 'many'], trainingFlags)).toThrow(/--steps must be a number/);
    expect(() => parseFlags('pretrain', ['--dataset', 'wiki'], trainingFlags)).toThrow(/--dataset 'wiki' is not one of/);
    expect(() => parseFlags('pretrain', ['--steps'], trainingFlags)).toThrow(UsageError);
  });
  it('merges defaults < config file < flags and validates every field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoe-demo-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ steps: 7, router: 'expertChoice', layers: 3 }));
    const s = buildSettings({ config: file, layers: 2 });
    expect([s.steps, s.router, s.layers, s.dataset]).toEqual([7, 'expertChoice', 2, defaultSettings.dataset]);
    writeFileSync(file, JSON.stringify({ stepz: 7 }));
    expect(() => buildSettings({ config: file })).toThrow(/unknown setting 'stepz'/);
    expect(() => buildSettings({ router: 'nope' })).toThrow(/router = "nope"; allowed: dense, vqmoe, smoe, tokenChoice/);
    expect(() => buildSettings({ heads: 5 })).toThrow(/heads = 5; allowed: a divisor of modelDim/);
  });
  it('maps router settings to MoE configs', () => {
    expect(moeConfig({ ...defaultSettings, router: 'dense' })).toBeNull();
    expect(moeConfig({ ...defaultSettings, router: 'usmoe', topK: 1.5 })?.router).toEqual({ strategy: 'usmoe', topK: 1.5 });
    expect(moeConfig({ ...defaultSettings, router: 'switch' })?.router).toEqual({ strategy: 'switch' });
    expect(moeConfig({ ...defaultSettings, router: 'vqmoe' })?.vq).toEqual({ regime: 'mixed', router: { strategy: 'vq', straightThrough: 'damped', dampRate: 0.05, kmeansInit: true, deadCodeThreshold: 2 } });
  });
  it('parses corruptions', () => {
    expect(parseCorruption('swap:2', 'text')).toEqual({ kind: 'swap', severity: 2 });
    expect(() => parseCorruption('blur:9', 'image')).toThrow(/severity must be an integer from 1 to 5/);
    expect(() => parseCorruption('blur:2', 'text')).toThrow(/unknown text corruption 'blur'/);
  });
});

describe('the CLI', () => {
  it('prints help and exits 0', () => {
    const r = demo('pretrain', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--router/);
  });
  it('exits 2 with a clear message on an unknown command, option or router', () => {
    expect(demo('pretrian').stderr).toMatch(/unknown command 'pretrian'/);
    const r = demo('pretrain', '--router', 'magic');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/router = "magic"/);
    expect(demo('finetune').stderr).toMatch(/--from <checkpoint or run folder> is required/);
    expect(demo('eval', '--from', '/no/such/run').stderr).toMatch(/no such file or run folder/);
  });
});

describe('end to end (tiny model)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoe-demo-run-'));
  const out = join(dir, 'pre');

  it('pretrains, writes a run folder, and refuses to overwrite it', async () => {
    const r = await runPretrain({ ...defaultSettings, ...tiny, out }, () => {});
    expect(r.validation.bitsPerCharacter).toBeGreaterThan(0);
    expect(r.baseline?.unigramBitsPerCharacter).toBeGreaterThan(3);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.settings.router).toBe('tokenChoice');
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(true);
    await expect(runPretrain({ ...defaultSettings, ...tiny, out }, () => {})).rejects.toThrow(/not empty|overwrite|resume/i);
  });

  it('evaluates clean and corrupted, fine-tunes on SpamAssassin, and writes a report', async () => {
    const e = await runEvaluation(out, { split: 'validation', evalSize: 300, batch: 2, corruption: { kind: 'substitution', severity: 5 } });
    expect(e.corrupted!.bitsPerCharacter).toBeGreaterThan(0);
    // Training-free USMoE: the trained token-choice routers with the unified selection at k̄ = 1.5.
    const swapped = await runEvaluation(out, { split: 'validation', evalSize: 300, batch: 2, selection: 'usmoe@1.5' });
    expect(swapped.clean.bitsPerCharacter).toBeGreaterThan(0);
    expect(swapped.clean.bitsPerCharacter).not.toBe(e.clean.bitsPerCharacter);
    const f = await runFinetune(out, { ...finetuneDefaults, ...tiny, context: 16, out: join(dir, 'fine'), evalSize: 8 }, () => {});
    expect(f.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(f.test.examples).toBe(605);
    const html = readFileSync(await buildReport(out), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/Routing map/);
  });
});
