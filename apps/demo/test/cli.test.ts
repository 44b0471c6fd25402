import { spawn } from 'node:child_process';
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
import { readCheckpoint } from '@smoe/trainer/node';

const root = resolve(__dirname, '../../..');
function demo(...args: string[]) {
  return demoWith({ SMOE_BACKEND: 'cpu' }, ...args);
}
/** Runs the CLI in a child process (asynchronously, so the test worker stays responsive). */
function demoWith(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', join(root, 'apps/demo/src/cli.ts'), ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// A model small enough to train in seconds on 2 cores.
const tiny = { steps: 4, batch: 2, context: 16, layers: 1, modelDim: 16, heads: 2, ffDim: 16, experts: 4, evalEvery: 2, evalSize: 200, checkpointEvery: 2, progress: false, backend: 'cpu', warmup: 0 };

describe('flags and settings', () => {
  it('parses typed flags and negated booleans', () => {
    expect(parseFlags('pretrain', ['--steps', '12', '--router=usmoe', '--no-progress'], trainingFlags)).toEqual({ steps: 12, router: 'usmoe', progress: false });
  });
  it('rejects unknown options with a suggestion, and bad values', () => {
    expect(() => parseFlags('pretrain', ['--stpes', '3'], trainingFlags)).toThrow(/unknown option --stpes \(did you mean --steps\?\)/);
    expect(() => parseFlags('pretrain', ['--steps', 'many'], trainingFlags)).toThrow(/--steps must be a decimal number/);
    expect(() => parseFlags('pretrain', ['--steps', '0x10'], trainingFlags)).toThrow("pretrain: --steps must be a decimal number (like 12 or 3e-4), got '0x10'");
    expect(() => parseFlags('pretrain', ['--steps='], trainingFlags)).toThrow('pretrain: --steps needs a value (optimizer steps)');
    expect(() => parseFlags('pretrain', ['--overwrite=yes'], trainingFlags)).toThrow('pretrain: --overwrite=yes is not a boolean; write --overwrite, --no-overwrite, --overwrite=true or --overwrite=false');
    expect(parseFlags('pretrain', ['--overwrite=false', '--lr', '3e-4'], trainingFlags)).toEqual({ overwrite: false, lr: 3e-4 });
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
    expect(() => buildSettings({ router: 'nope' })).toThrow(/router \(--router\) = "nope"; allowed: dense, vqmoe, smoe, softMoE, deepseek, moepp, tokenChoice/);
    expect(() => buildSettings({ heads: 5 })).toThrow(/heads \(--heads\) = 5; allowed: a divisor of modelDim/);
  });
  it('never changes a warm-up silently: a default too long for the schedule is cut and said, a given one is an error', () => {
    const lines: string[] = [];
    const s = buildSettings({ steps: 30 }, defaultSettings, (l) => void lines.push(l));
    expect(s.warmup).toBe(3);
    expect(lines).toEqual(['warm-up: 3 steps (a tenth of the 30-step schedule; the default 40 would not fit); set --warmup to choose']);
    expect(() => buildSettings({ steps: 30, warmup: 40 })).toThrow('invalid setting warmup (--warmup) = 40; allowed: an integer from 0 to 29');
    expect(buildSettings({ steps: 30, warmup: 20 }).warmup).toBe(20);
  });
  it('bounds the model before building it, and prints ranges people read', () => {
    expect(() => buildSettings({ 'model-dim': 4096, layers: 12 })).toThrow(/the model would have about \d+M parameters .* more than the 100M this demo builds; lower --model-dim/);
    expect(() => buildSettings({ 'top-k': 0 })).toThrow('invalid setting topK (--top-k) = 0; allowed: a number > 0 and ≤ 8');
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
  it('prints help and exits 0', async () => {
    const r = await demo('pretrain', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--router/);
    expect(r.stdout).toMatch(/--steps <number> +optimizer steps \[default: 1200\]/);
  });
  it('exits 2 with a clear message on an unknown command, option or router', async () => {
    expect((await demo('pretrian')).stderr).toMatch(/unknown command 'pretrian'/);
    const r = await demo('pretrain', '--router', 'magic');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/router \(--router\) = "magic"/);
    expect((await demo('finetune')).stderr).toMatch(/--from <checkpoint or run folder> is required/);
    expect((await demo('eval', '--from', '/no/such/run')).stderr).toMatch(/no such file or run folder/);
  });
});

describe('end to end (tiny model)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoe-demo-run-'));
  const out = join(dir, 'pre');

  it('pretrains, writes a run folder, and refuses to overwrite it', async () => {
    const r = await runPretrain({ ...defaultSettings, ...tiny, out }, () => {});
    expect(r.validation.bitsPerCharacter).toBeCloseTo(r.validation.loss / Math.LN2, 6); // bits = nats / ln 2, one byte per token
    expect(r.validation.bitsPerCharacter).toBeLessThan(Math.log2(259) + 0.5); // 4 steps: about uniform over the vocabulary, not diverged
    expect(r.baseline?.unigramBitsPerCharacter).toBeGreaterThan(3);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.settings.router).toBe('tokenChoice');
    expect(existsSync(join(out, 'metrics.jsonl'))).toBe(true);
    await expect(runPretrain({ ...defaultSettings, ...tiny, out }, () => {})).rejects.toThrow(/not empty|overwrite|resume/i);
  });

  it('--steps on resume extends the run with its own schedule: the same as a straight run with --schedule-steps', async () => {
    const lines: string[] = [];
    const extended = join(dir, 'extended');
    await runPretrain({ ...defaultSettings, ...tiny, out: extended }, () => {});
    await runPretrain({ ...defaultSettings, ...tiny, steps: 6, out: extended, resume: true }, (l) => void lines.push(l));
    expect(lines[0]).toBe("resume: --steps 6 extends the run from its planned 4 steps; steps past 4 run at the schedule's final rate (0.1·lr)");
    const straight = join(dir, 'straight');
    await runPretrain({ ...defaultSettings, ...tiny, steps: 6, scheduleSteps: 4, out: straight }, () => {});
    const step6 = (out: string) => readCheckpoint(join(out, 'checkpoints', 'step-00000006.safetensors'));
    const [a, b] = [await step6(extended), await step6(straight)];
    expect([...a.parameters.keys()]).toEqual([...b.parameters.keys()]);
    for (const [name, p] of a.parameters) expect(Array.from(p.data), name).toEqual(Array.from(b.parameters.get(name)!.data));
    expect(JSON.parse(readFileSync(join(extended, 'summary.json'), 'utf8')).settings).toMatchObject({ steps: 6, scheduleSteps: 4, warmup: 0 });
  });

  it('--no-progress prints plain progress lines, as help says', async () => {
    const flags = ['--steps', '4', '--batch', '2', '--context', '16', '--layers', '1', '--model-dim', '16', '--heads', '2', '--ff-dim', '16', '--experts', '4', '--eval-every', '2', '--eval-size', '200', '--warmup', '0'];
    const r = await demo('pretrain', ...flags, '--out', join(dir, 'plain'), '--no-progress');
    expect(r.status).toBe(0);
    expect(r.stderr.match(/^train [1-4]\/4 +\d+% loss [\d.]+/gm)?.length).toBe(4);
    expect(r.stderr).not.toMatch(/\r|█/);
  }, 120_000);

  it('with SMOE_BACKEND empty (as unset) and the auto backend, says at most one line about WebGPU drivers', async () => {
    const r = await demoWith({ SMOE_BACKEND: '' }, 'eval', '--from', out, '--eval-size', '300', '--batch', '2');
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/artificially reduced|vkCreateInstance|unknown backend/);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('webgpu:')).length).toBeLessThanOrEqual(1);
    expect(r.stdout).toMatch(/clean: +\d\.\d+ bits\/char/);
  }, 120_000);

  it('evaluates clean and corrupted, fine-tunes on SpamAssassin, and writes a report', async () => {
    const e = await runEvaluation(out, { split: 'validation', evalSize: 300, batch: 2, corruption: { kind: 'substitution', severity: 5 } });
    expect(Number.isFinite(e.corrupted!.bitsPerCharacter)).toBe(true);
    expect(e.corrupted!.bitsPerCharacter).not.toBe(e.clean.bitsPerCharacter); // the model read other text, scored on the same targets
    // Training-free USMoE: the trained token-choice routers with the unified selection at k̄ = 1.5.
    const swapped = await runEvaluation(out, { split: 'validation', evalSize: 300, batch: 2, selection: 'usmoe@1.5' });
    expect(Number.isFinite(swapped.clean.bitsPerCharacter)).toBe(true);
    expect(swapped.clean.bitsPerCharacter).not.toBe(e.clean.bitsPerCharacter);
    const f = await runFinetune(out, { ...finetuneDefaults, ...tiny, context: 16, out: join(dir, 'fine'), evalSize: 8 }, () => {});
    expect(f.test.examples).toBe(605);
    // summary.json records the model fine-tuned (its body is the checkpoint's), not the shape flags it ignored.
    const fineSummary = JSON.parse(readFileSync(join(dir, 'fine', 'summary.json'), 'utf8'));
    expect(fineSummary.settings).not.toHaveProperty('router');
    expect(fineSummary.settings).not.toHaveProperty('layers');
    expect(fineSummary.settings).toMatchObject({ context: 16, steps: tiny.steps });
    expect(fineSummary.model).toMatchObject({ model: 'sequenceClassifier', classes: 2, body: { layers: tiny.layers, modelDim: tiny.modelDim, moe: { experts: tiny.experts, router: { strategy: 'tokenChoice' } } } });
    const again = await runEvaluation(join(dir, 'fine'), { split: 'test', evalSize: 0 }); // the saved checkpoint scores what the run reported
    expect(again.clean.accuracy).toBeCloseTo(f.test.accuracy, 10);
    expect(f.test.accuracy * 605).toBeCloseTo(Math.round(f.test.accuracy * 605), 6);
    const html = readFileSync(await buildReport(out), 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/Routing map/);
  });
});
