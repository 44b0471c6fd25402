import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileStorage, LOCK_FILE, readMetrics, SGD, train } from './node.js';
import { RegressionData, TinyRegressor } from '../test/tiny-model.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'smoe-storage-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Starts hold-run.ts on `out`; resolves with the child once it holds the folder at step 2. */
async function holdingProcess(out: string) {
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', fileURLToPath(new URL('../test/hold-run.ts', import.meta.url)), out], {
    cwd: repo,
    env: { ...process.env, SMOE_BACKEND: 'cpu' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
    child.on('exit', (code) => reject(new Error(`hold-run exited early (${code}): ${stderr}`)));
  });
  return { child, exited };
}

it('one writer per run folder: a second process is refused while the owner lives, and takes over once it is dead', async () => {
  const out = join(root, 'shared');
  const { child, exited } = await holdingProcess(out);
  const owner = JSON.parse(await readFile(join(out, LOCK_FILE), 'utf8')) as { pid: number; host: string };
  expect(owner).toMatchObject({ pid: child.pid, host: hostname() });
  const lines: string[] = [];
  const options = { optimizer: new SGD({ lr: 0.01 }), steps: 10, checkpointEvery: 1, out, progress: false, log: (line: string) => void lines.push(line) };
  const metricsBefore = await readFile(join(out, 'metrics.jsonl'), 'utf8');
  for (const extra of [{ resume: true }, { overwrite: true }, {}]) {
    await expect(train(new TinyRegressor(), new RegressionData(), { ...options, ...extra })).rejects.toThrow(
      new RegExp(`run folder '.*shared' is in use by process ${child.pid} on ${hostname()} since .*; wait for that run to end or stop it, or choose another out`),
    );
  }
  expect(await readFile(join(out, 'metrics.jsonl'), 'utf8')).toBe(metricsBefore); // the refused runs wrote nothing

  // A save killed mid-write leaves a temporary file; one of a live writer (this process) stays.
  child.kill('SIGKILL');
  await exited;
  await writeFile(join(out, 'checkpoints', `step-00000003.safetensors.tmp-${child.pid}-abcdef`), new Uint8Array(2_000_000));
  await writeFile(join(out, 'checkpoints', `step-00000009.safetensors.tmp-${process.pid}-012345`), new Uint8Array(10));
  const summary = await train(new TinyRegressor(), new RegressionData(), { ...options, resume: true });
  expect(lines[0]).toBe(`took over run folder '${out}' from process ${child.pid} on ${hostname()}, which is no longer running`);
  expect(lines[1]).toBe(`removed 1 temporary file (2.0 MB) left in '${out}' by interrupted saves`);
  expect(summary).toMatchObject({ step: 10, resumedFrom: { step: 1 } });
  expect(readMetrics(join(out, 'metrics.jsonl')).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect((await readdir(join(out, 'checkpoints'))).filter((n) => n.includes('.tmp-'))).toEqual([`step-00000009.safetensors.tmp-${process.pid}-012345`]);
  expect(await readdir(out)).not.toContain(LOCK_FILE); // released at the end
}, 120_000);

it('says what is wrong with an out that cannot be a run folder, before any work', async () => {
  const file = join(root, 'a_file');
  await writeFile(file, 'x');
  const base = { optimizer: new SGD(), steps: 1, progress: false, log: () => undefined };
  await expect(train(new TinyRegressor(), new RegressionData(), { ...base, out: file })).rejects.toThrow(`train: out = '${file}' is a file, not a folder; choose a folder path`);
  await expect(train(new TinyRegressor(), new RegressionData(), { ...base, out: join(file, 'sub') })).rejects.toThrow(`train: cannot use run folder '${join(file, 'sub')}': '${file}' is a file, not a folder; choose another out`);
  if (process.getuid?.() !== 0) {
    const locked = join(root, 'read-only');
    await mkdir(locked);
    await chmod(locked, 0o500);
    await expect(train(new TinyRegressor(), new RegressionData(), { ...base, out: join(locked, 'run') })).rejects.toThrow(/cannot write to run folder '.*read-only\/run' \(permission denied\); choose a folder you can write to, or change its permissions/);
    await chmod(locked, 0o700);
  }
  await expect(fileStorage(join(root, 'x')).read('/dev/zero')).rejects.toThrow("'/dev/zero' is a device; give the path of a regular file");
});
