// A process killed (SIGKILL) in the middle of writing a checkpoint: the kill provably lands while
// the temporary file is half-written, and the last complete checkpoint is intact afterwards.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { init, Module, type Tensor } from '@smoe/tensor';
import { isTemporaryFile, loadCheckpoint, readCheckpoint } from './node.js';

class Big extends Module {
  config = { rows: 512, columns: 1024 };
  weight: Tensor = init.zeros([512, 1024]);
}

it('a process killed (SIGKILL) while saving leaves the last complete checkpoint intact', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'smoe-kill-'));
  const path = join(dir, 'latest.safetensors');
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  const stallAt = 3;
  const child = spawn(process.execPath, ['--conditions=@smoe/source', '--import', 'tsx', fileURLToPath(new URL('../test/save-loop.ts', import.meta.url)), path, String(stallAt)], {
    cwd: repo,
    env: { ...process.env, SMOE_BACKEND: 'cpu' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // The child says when the save of step 3 is halfway through its temporary file, and waits there.
  const writing = await new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('writing '));
      if (line) resolve(line.split(' '));
    });
    child.on('exit', (code) => reject(new Error(`save loop exited early (${code}): ${stderr}`)));
  });
  const [, step, temporary, bytesWritten] = writing;
  expect(Number(step)).toBe(stallAt);
  expect(stdout.split('\n').filter((l) => /^\d+$/.test(l))).toEqual(['1', '2']);
  expect(isTemporaryFile(temporary)).toBe(true);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  // The kill landed mid-write: the half-written temporary file is still there (never renamed),
  // holding exactly the bytes written before the kill, fewer than a whole checkpoint.
  const complete = (await stat(path)).size;
  const partial = (await stat(join(dir, temporary))).size;
  expect(partial).toBe(Number(bytesWritten));
  expect(partial).toBeLessThan(complete);
  expect((await readdir(dir)).sort()).toEqual(['latest.safetensors', temporary].sort());
  await expect(readCheckpoint(join(dir, temporary))).rejects.toThrow();

  // The last good checkpoint (step 2) is intact: it loads, and every value is 2.
  const model = new Big();
  const loaded = await loadCheckpoint(path, { model });
  expect(loaded.step).toBe(stallAt - 1);
  const values = await model.weight.data();
  expect(values.every((v) => v === stallAt - 1)).toBe(true);
  await rm(dir, { recursive: true, force: true });
}, 60_000);
