import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { init, Module, type Tensor } from '@smoe/tensor';
import { isTemporaryFile, loadCheckpoint } from './node.js';

class Big extends Module {
  config = { rows: 512, columns: 1024 };
  weight: Tensor = init.zeros([512, 1024]);
}

it('a process killed (SIGKILL) while saving leaves a complete checkpoint behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'smoe-kill-'));
  const path = join(dir, 'latest.safetensors');
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', fileURLToPath(new URL('../test/save-loop.ts', import.meta.url)), path], {
    cwd: repo,
    env: { ...process.env, SMOE_BACKEND: 'cpu' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let saved = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      saved = Math.max(saved, ...d.toString().trim().split('\n').map(Number));
      if (saved >= 2) resolve();
    });
    child.on('exit', (code) => reject(new Error(`save loop exited early (${code}): ${stderr}`)));
  });
  // Kill while the next save is being written: as soon as its temporary file exists.
  for (let tries = 0; tries < 5000 && !(await readdir(dir)).some(isTemporaryFile); tries++) await new Promise((r) => setTimeout(r, 1));
  child.kill('SIGKILL');
  await exited;
  const model = new Big();
  const { step } = await loadCheckpoint(path, { model });
  expect(step).toBeGreaterThanOrEqual(saved);
  const values = await model.weight.data();
  expect(values[0]).toBe(step);
  expect(values[values.length - 1]).toBe(step);
  expect((await readdir(dir)).filter((n) => !isTemporaryFile(n))).toEqual(['latest.safetensors']);
  await rm(dir, { recursive: true, force: true });
}, 60_000);
