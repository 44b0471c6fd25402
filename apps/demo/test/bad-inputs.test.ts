// The bad-input table: every bad input of the reliability issue (crafted checkpoints and run
// folders, flags, configs), run through the CLI's own `runCommand` in this process (one case
// needs a second, live process: the lock). Each row records the input, the exit code and the
// message; a case passes when its exit code and message are the expected ones. The table is
// written to $SMOE_BAD_INPUTS_TABLE (default: bad-inputs.md in the temporary folder) and its
// counts are printed.
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHECKSUM_KEY, decodeSafetensors, encodeSafetensors, LOCK_FILE } from '@smoe/trainer/node';
import { failure, runCommand } from '../src/main.js';

interface Row {
  input: string;
  code: number;
  message: string;
  /** Whether the outcome is the one expected (a clear error, or a correct acceptance). */
  ok: boolean;
}

const rows: Row[] = [];
let dir: string;
let run: string; // a tiny pre-trained run folder
let checkpoint: string; // its latest checkpoint
const tiny = ['--batch', '2', '--context', '16', '--layers', '1', '--model-dim', '16', '--heads', '2', '--ff-dim', '16', '--experts', '4', '--eval-every', '2', '--eval-size', '200', '--warmup', '0', '--backend', 'cpu', '--no-progress'];

/** Runs `argv` as the CLI would; returns the exit code and the error message ('' on success). */
async function cli(argv: string[]): Promise<{ code: number; message: string }> {
  try {
    return { code: await runCommand(argv), message: '' };
  } catch (error) {
    return failure(error);
  }
}

/**
 * Runs one bad input and records it; `expected` is the error it must give (a code and a
 * pattern), or acceptance (with a pattern its console output must match).
 */
async function attempt(input: string, argv: string[], expected: { code: number; message: RegExp } | { accepted: RegExp | true }): Promise<void> {
  let result = { code: 0, message: '' };
  const output = await capturing(async () => void (result = await cli(argv)));
  const said = result.message || output.split('\n').filter((l) => /extends|took over|removed/.test(l)).join(' / ');
  const ok = 'accepted' in expected ? result.code === 0 && (expected.accepted === true || expected.accepted.test(said)) : result.code === expected.code && expected.message.test(result.message);
  rows.push({ input, code: result.code, message: said.split('\n')[0], ok });
}

/** The checkpoint's bytes with its tensors or metadata changed, re-encoded with a valid checksum. */
async function crafted(change: (tensors: Map<string, { dtype: 'F32' | 'I32'; shape: readonly number[]; data: Float32Array | Int32Array }>, metadata: Record<string, string>) => void): Promise<Uint8Array> {
  const { tensors, metadata } = decodeSafetensors(await readFile(checkpoint));
  const { [CHECKSUM_KEY]: _, ...rest } = metadata;
  change(tensors, rest);
  return encodeSafetensors(tensors, rest);
}

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** A copy of the tiny run whose latest checkpoint is `bytes`. */
async function runWith(name: string, bytes: Uint8Array): Promise<string> {
  const copy = join(dir, name);
  await cp(run, copy, { recursive: true });
  await writeFile(join(copy, 'checkpoints', 'step-00000004.safetensors'), bytes);
  return copy;
}

/** Runs `fn` with console.log and stderr captured; returns what they were given. */
async function capturing(fn: () => Promise<void>): Promise<string> {
  const said: string[] = [];
  const [log, write] = [console.log, process.stderr.write.bind(process.stderr)];
  console.log = (...parts: unknown[]) => void said.push(`${parts.join(' ')}\n`);
  process.stderr.write = ((text: string) => (said.push(String(text)), true)) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
  return said.join('');
}

/** The rows added since `start` that did not go as expected. */
const wrongSince = (start: number) => rows.slice(start).filter((r) => !r.ok);

const withConfig = (edit: (config: Record<string, unknown>) => void) =>
  crafted((_, metadata) => {
    const config = JSON.parse(metadata.model_config) as Record<string, unknown>;
    edit(config);
    metadata.model_config = JSON.stringify(config);
  });
const poisoned = (tensor: string, value: number) =>
  crafted((tensors) => {
    const t = tensors.get(tensor);
    if (!t) throw new Error(`no tensor ${tensor} in ${[...tensors.keys()].join(', ')}`);
    t.data[0] = value;
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoe-bad-inputs-'));
  run = join(dir, 'run');
  const { code, message } = await cli(['pretrain', '--steps', '4', '--checkpoint-every', '2', '--out', run, ...tiny]);
  if (code !== 0) throw new Error(`the tiny run failed: ${message}`);
  checkpoint = join(run, 'checkpoints', 'step-00000004.safetensors');
}, 300_000);

afterAll(async () => {
  const clear = rows.filter((r) => r.ok && r.code !== 0).length;
  const accepted = rows.filter((r) => r.ok && r.code === 0).length;
  const table = [
    `bad inputs tried: ${rows.length}; clear errors: ${clear}; correctly accepted (with a line saying what happened): ${accepted}; wrong outcome: ${rows.length - clear - accepted}`,
    '',
    '| input | exit | message | as expected |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.input} | ${r.code} | ${r.message.replaceAll('|', '\\|').replaceAll(dir, '…')} | ${r.ok ? 'yes' : 'NO'} |`),
  ].join('\n');
  await writeFile(process.env.SMOE_BAD_INPUTS_TABLE ?? join(tmpdir(), 'bad-inputs.md'), `${table}\n`);
  process.stdout.write(`${table.split('\n')[0]}\n`);
});

it('crafted checkpoints: every one refused with a message naming the file and what is wrong', async () => {
  const start = rows.length;
  const bytes = await readFile(checkpoint);
  const header = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const evalFrom = (path: string) => ['eval', '--from', path, '--backend', 'cpu', '--eval-size', '200', '--batch', '2'];
  const usage = (message: RegExp) => ({ code: 2, message });
  await attempt('truncated checkpoint', evalFrom(await file('truncated.safetensors', bytes.subarray(0, bytes.length - 100))), usage(/truncated\.safetensors: tensor '.*' ends at byte \d+ .* the file is truncated/));
  await attempt('empty file', evalFrom(await file('empty.safetensors', new Uint8Array(0))), usage(/empty\.safetensors: the file is 0 bytes long/));
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 5] ^= 0xff;
  await attempt('one byte of the data flipped', evalFrom(await file('flipped.safetensors', flipped)), usage(/flipped\.safetensors: checksum mismatch .* the file is corrupted/));
  const huge = Uint8Array.from(bytes);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
  await attempt('header length 1 TB', evalFrom(await file('huge-header.safetensors', huge)), usage(/huge-header\.safetensors: the header length field says 1099511627776 bytes \(more than 100000000\)/));
  const garbled = Uint8Array.from(bytes);
  garbled[8] = 0x7b; // '{'
  garbled[9] = 0x7b;
  await attempt('header not JSON', evalFrom(await file('garbled.safetensors', garbled)), usage(/garbled\.safetensors: the header is not (valid )?JSON/));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + header));
  const shifted = text.replace(/"data_offsets":\[(\d+),(\d+)\]/, (_, a: string, b: string) => `"data_offsets":[${Number(a) + 4},${Number(b) + 4}]`);
  const overlapping = Uint8Array.from(bytes);
  overlapping.set(new TextEncoder().encode(shifted.padEnd(header, ' ').slice(0, header)), 8);
  await attempt('tensor offsets shifted (gap and overlap)', evalFrom(await file('offsets.safetensors', overlapping)), usage(/offsets\.safetensors: .*(data section|offsets|covers)/));
  await attempt('NaN in the output head', evalFrom(await file('nan-head.safetensors', await poisoned('head', NaN))), usage(/nan-head\.safetensors: tensor 'head' holds 1 non-finite value \(NaN or ±Infinity\) of \d+; this checkpoint cannot be used/));
  await attempt('NaN in a router weight', evalFrom(await file('nan-router.safetensors', await poisoned('body.blocks.0.ffn.router.scorer.weight', NaN))), usage(/tensor 'body\.blocks\.0\.ffn\.router\.scorer\.weight' holds 1 non-finite value/));
  await attempt('Infinity in an expert weight', evalFrom(await file('inf-expert.safetensors', await poisoned('body.blocks.0.ffn.experts.w1', Infinity))), usage(/tensor 'body\.blocks\.0\.ffn\.experts\.w1' holds 1 non-finite value/));
  await attempt('NaN in an unused embedding row', evalFrom(await file('nan-embedding.safetensors', await poisoned('tokenEmbedding', NaN))), usage(/tensor 'tokenEmbedding' holds 1 non-finite value/));
  for (const [field, edit] of [
    ['layers: 100000', (c: Record<string, unknown>) => void (c.layers = 100000)],
    ['modelDim: 1e7', (c: Record<string, unknown>) => void (c.modelDim = 1e7)],
    ['experts: 1e7', (c: Record<string, unknown>) => void ((c.moe as Record<string, unknown>).experts = 1e7)],
  ] as const) {
    const path = await file(`config-${field.split(':')[0]}.safetensors`, await withConfig(edit));
    await attempt(`model_config ${field} (valid checksum)`, evalFrom(path), usage(/its model_config needs at least \d+ parameter values, but the file holds \d+; the config does not match the tensors/));
  }
  await attempt('--from /dev/zero', evalFrom('/dev/zero'), usage(/--from '\/dev\/zero' is a device; give the path of a regular file/));
  await attempt('--from a folder without checkpoints', evalFrom(dir), usage(/the run folder holds no checkpoint/));
  await attempt('a safetensors file that is not a checkpoint', evalFrom(await file('foreign.safetensors', encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } }))), usage(/foreign\.safetensors: not an smoe checkpoint/));
  await attempt('metadata step "-3"', evalFrom(await file('step.safetensors', await crafted((_, m) => void (m.step = '-3')))), usage(/step\.safetensors: metadata step = "-3" is not an integer >= 0/));
  expect(wrongSince(start)).toEqual([]);
}, 300_000);

it('crafted run folders on --resume, and broken run files: refused naming the file', async () => {
  const start = rows.length;
  const resume = (out: string) => ['pretrain', '--steps', '6', '--resume', '--out', out, ...tiny];
  await attempt('--resume with bad rng metadata', resume(await runWith('bad-rng', await crafted((_, m) => void (m.rng = JSON.stringify({ global: { words: [1] } }))))), { code: 1, message: /step-00000004\.safetensors: metadata 'rng' holds an invalid state for generator 'global' \(.*\); the file is corrupted/ });
  await attempt('--resume with bad data metadata', resume(await runWith('bad-data', await crafted((_, m) => void (m.data = JSON.stringify({ nonsense: true }))))), { code: 1, message: /step-00000004\.safetensors: metadata 'data' \(the data iterator position\) cannot be restored \(.*\)/ });
  await attempt('--resume with NaN in the optimizer state', resume(await runWith('nan-moment', await poisoned('optimizer.v.head', NaN))), { code: 1, message: /step-00000004\.safetensors: tensor 'optimizer\.v\.head' holds 1 non-finite value/ });
  const broken = join(dir, 'broken-summary');
  await cp(run, broken, { recursive: true });
  await writeFile(join(broken, 'summary.json'), '{"settings": {"dataset": ');
  await attempt('eval of a run whose summary.json is cut short', ['eval', '--from', broken, '--backend', 'cpu'], { code: 2, message: /broken-summary\/summary\.json is not valid JSON \(.*\); fix or delete it/ });
  await writeFile(join(broken, 'run.json'), '[1, 2');
  await attempt('--resume of a run whose run.json is cut short', resume(broken), { code: 2, message: /broken-summary\/run\.json is not valid JSON/ });
  expect(wrongSince(start)).toEqual([]);
}, 300_000);

it('run folders in use or unusable: one writer, stale temporary files, paths through files', async () => {
  const start = rows.length;
  // A live process holding the folder (a real second process: `sleep`).
  const busy = join(dir, 'busy');
  await cp(run, busy, { recursive: true });
  const sleeper = spawn('sleep', ['60']);
  await writeFile(join(busy, LOCK_FILE), JSON.stringify({ pid: sleeper.pid, host: hostname(), started: new Date().toISOString() }));
  const resume = (out: string) => ['pretrain', '--steps', '6', '--resume', '--out', out, ...tiny];
  await attempt('a second run in a folder another live process writes', resume(busy), { code: 2, message: new RegExp(`run folder '.*busy' is in use by process ${sleeper.pid} on ${hostname()}`) });
  sleeper.kill('SIGKILL');
  await new Promise((resolve) => sleeper.on('exit', resolve));
  // Its owner dead, and a temporary file of a killed save left behind.
  await writeFile(join(busy, 'checkpoints', `step-00000005.safetensors.tmp-${sleeper.pid}-abcdef`), new Uint8Array(1000));
  await attempt('the same folder once that process is dead (takes over, removes its temporary file)', resume(busy), { accepted: /took over run folder .* from process \d+ .* no longer running.*removed 1 temporary file/ });
  const aFile = await file('a_file', 'x');
  await attempt('--out a_file/sub', ['pretrain', '--steps', '2', '--out', join(aFile, 'sub'), ...tiny], { code: 2, message: /cannot use run folder '.*a_file\/sub': '.*a_file' is a file, not a folder; choose another out/ });
  await attempt('--out an existing file', ['pretrain', '--steps', '2', '--out', aFile, ...tiny], { code: 2, message: /out = '.*a_file' is a file, not a folder/ });
  await attempt('a non-empty --out without --resume or --overwrite', ['pretrain', '--steps', '2', '--out', run, ...tiny], { code: 2, message: /run folder '.*' is not empty .* pass --resume to continue it, --overwrite to start it over, or choose another --out/ });
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'read-only');
    await mkdir(locked);
    await chmod(locked, 0o500);
    await attempt('--out in a read-only folder', ['pretrain', '--steps', '2', '--out', join(locked, 'run'), ...tiny], { code: 2, message: /cannot write to run folder .* \(permission denied\)/ });
  }
  expect(wrongSince(start)).toEqual([]);
}, 300_000);

it('flags and configs: refused before any work, naming the flag, what was wrong and what is allowed', async () => {
  const start = rows.length;
  const usage = (message: RegExp) => ({ code: 2, message });
  const out = join(dir, 'never-written');
  const pre = (...flags: string[]) => ['pretrain', '--out', out, ...flags];
  await attempt('--model-dim 100000', pre('--model-dim', '100000'), usage(/modelDim \(--model-dim\) = 100000; allowed: an integer from 1 to 65536/));
  await attempt('--model-dim 4096 --layers 12 (a 1.6 GB model)', pre('--model-dim', '4096', '--layers', '12'), usage(/the model would have about \d+M parameters/));
  await attempt('--steps=', pre('--steps='), usage(/--steps needs a value/));
  await attempt('--steps 0x10', pre('--steps', '0x10'), usage(/--steps must be a decimal number .* got '0x10'/));
  await attempt('--steps 0', pre('--steps', '0'), usage(/steps \(--steps\) = 0; allowed: an integer ≥ 1/));
  await attempt('--steps 2.5', pre('--steps', '2.5'), usage(/steps \(--steps\) = 2\.5; allowed: an integer ≥ 1/));
  await attempt('--overwrite=yes', pre('--overwrite=yes'), usage(/--overwrite=yes is not a boolean/));
  await attempt('--top-k 0', pre('--top-k', '0'), usage(/topK \(--top-k\) = 0; allowed: a number > 0 and ≤ 8/));
  await attempt('--top-k 9 with 8 experts', pre('--top-k', '9'), usage(/topK \(--top-k\) = 9; allowed: a number > 0 and ≤ 8/));
  await attempt('--lr 0', pre('--lr', '0'), usage(/lr \(--lr\) = 0; allowed: a number > 0 and ≤ 10/));
  await attempt('--lr -1', pre('--lr', '-1'), usage(/lr \(--lr\) = -1/));
  await attempt('--heads 3 with --model-dim 16', pre('--heads', '3', '--model-dim', '16'), usage(/heads \(--heads\) = 3; allowed: a divisor of modelDim \(16\)/));
  await attempt('--patch 5 on mnist', pre('--dataset', 'mnist', '--patch', '5'), usage(/patch \(--patch\) = 5; allowed: a divisor of 28/));
  await attempt('--batch 100000 --context 64', pre('--batch', '100000'), usage(/batch \(--batch\) = 100000; allowed: an integer from 1 to 65536/));
  await attempt('--warmup 40 with --steps 30', pre('--steps', '30', '--warmup', '40'), usage(/warmup \(--warmup\) = 40; allowed: an integer from 0 to 29/));
  await attempt('--stpes 3 (a typo)', pre('--stpes', '3'), usage(/unknown option --stpes \(did you mean --steps\?\)/));
  await attempt('--dataset wiki', pre('--dataset', 'wiki'), usage(/--dataset 'wiki' is not one of/));
  await attempt('--router nope', pre('--router', 'nope'), usage(/router \(--router\) = "nope"; allowed: dense, vqmoe, smoe/));
  await attempt('--router-options not JSON', pre('--router-options', '{alpha:1}'), usage(/--router-options must be a JSON object/));
  await attempt('--config of a missing file', pre('--config', join(dir, 'missing.json')), usage(/--config .*missing\.json: cannot read a JSON object/));
  await attempt('--config of broken JSON', pre('--config', await file('broken.json', '{"steps": ')), usage(/--config .*broken\.json: cannot read a JSON object/));
  await attempt('--config with an unknown key', pre('--config', await file('unknown.json', '{"stepz": 3}')), usage(/unknown setting 'stepz'/));
  await attempt('--config with steps "10" (a string)', pre('--config', await file('string.json', '{"steps": "10"}')), usage(/steps \(--steps\) = "10"; allowed: an integer ≥ 1/));
  await attempt('--eval-size 10: less than one validation batch', pre('--eval-size', '10', ...tiny.slice(0, 4)), usage(/--eval-size 10 gives \d+ validation tokens, fewer than one batch/));
  await attempt('pretrain --dataset spam', pre('--dataset', 'spam'), usage(/'spam' is a fine-tuning set/));
  const evalRun = (...flags: string[]) => ['eval', '--from', run, '--backend', 'cpu', ...flags];
  await attempt('eval --dataset mnist on a language model', evalRun('--dataset', 'mnist'), usage(/--dataset mnist does not fit .*, a language model; use moby-dick or sotu/));
  await attempt('eval --batch 0', evalRun('--batch', '0'), usage(/eval: --batch 0 is invalid; allowed: an integer ≥ 1/));
  await attempt('eval --eval-size -5', evalRun('--eval-size', '-5'), usage(/eval: --eval-size -5 is invalid; allowed: an integer ≥ 0/));
  await attempt('eval --corrupt blur:9 on text', evalRun('--corrupt', 'blur:9'), usage(/unknown text corruption 'blur'|severity/));
  await attempt('eval without --from', ['eval'], usage(/--from <checkpoint or run folder> or --from-hf <Transformers folder> is required/));
  const fine = (...flags: string[]) => ['finetune', '--from', run, '--out', out, '--batch', '2', '--context', '16', '--backend', 'cpu', '--no-progress', ...flags];
  await attempt('finetune --from a language model --dataset mnist', fine('--dataset', 'mnist'), usage(/a language model fine-tunes on 'spam', not 'mnist'/));
  await attempt('finetune --router usmoe: the shape comes from the checkpoint', fine('--router', 'usmoe'), usage(/finetune: --router sets the model's shape, which a fine-tuning run takes from its checkpoint/));
  await attempt('finetune --layers=3', fine('--layers=3'), usage(/finetune: --layers sets the model's shape/));
  await attempt('an unknown command', ['pretrian'], usage(/unknown command 'pretrian'/));
  expect(wrongSince(start)).toEqual([]);
}, 300_000);

it('runs that go wrong: divergence stops; a different --steps on resume is said and extends', async () => {
  const start = rows.length;
  const diverging = join(dir, 'diverging');
  await attempt('--lr 10 --clip-norm 0 (divergence)', ['pretrain', '--steps', '30', '--lr', '10', '--clip-norm', '0', '--out', diverging, ...tiny], { code: 1, message: /training diverged: the loss [\d.]+ at step \d+ is more than 4× its early value/ });
  const extended = join(dir, 'extended');
  await cp(run, extended, { recursive: true });
  await attempt('--resume with --steps 6 on a 4-step run', ['pretrain', '--steps', '6', '--resume', '--out', extended, ...tiny], { accepted: /--steps 6 extends the run from its planned 4 steps/ });
  const old = process.env.SMOE_BACKEND;
  process.env.SMOE_BACKEND = '';
  try {
    await attempt('SMOE_BACKEND= (empty) with eval --backend auto', ['eval', '--from', run, '--eval-size', '200', '--batch', '2'], { accepted: true });
  } finally {
    process.env.SMOE_BACKEND = old;
  }
  expect(wrongSince(start)).toEqual([]);
}, 300_000);
