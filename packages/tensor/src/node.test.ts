/**
 * A process that used WebGPU ends by itself: Dawn's Node binding keeps the event loop alive
 * (busy) while a device exists, so the backend releases the device when it is idle or replaced
 * (backend.ts) and acquires a fresh one on the next kernel.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installWebGPU, matmul, setBackend, tensor } from './node.js';

const available = await installWebGPU();
const required = process.env.SMOE_REQUIRE_WEBGPU === '1';
const nodeEntry = fileURLToPath(new URL('./node.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'smoe-webgpu-exit-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Seconds from the script's last line ('done') to the process's end; rejects past `limit` s. */
function secondsToExit(body: string, limit: number): Promise<{ seconds: number; status: number | null; stderr: string }> {
  const file = join(folder, `script-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, `const t = await import(${JSON.stringify(nodeEntry)});\n${body}\nconsole.log('done');\n`);
  return new Promise((resolve, reject) => {
    const { SMOE_BACKEND: _chosenOutside, ...env } = process.env; // setBackend() must measure
    const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...env, XDG_RUNTIME_DIR: env.XDG_RUNTIME_DIR ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let doneAt: number | undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (doneAt === undefined && /^done$/m.test(stdout)) doneAt = performance.now();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the script did not end within ${limit} s (${doneAt === undefined ? 'its work never finished' : 'its work had finished'}):\n${stdout}\n${stderr}`));
    }, limit * 1000);
    child.on('close', (status) => {
      clearTimeout(timer);
      if (doneAt === undefined) reject(new Error(`the script ended (status ${status}) before its last line:\n${stdout}\n${stderr}`));
      else resolve({ seconds: (performance.now() - doneAt) / 1000, status, stderr });
    });
  });
}

const work = `const c = t.matmul(t.randn([64, 32]), t.randn([32, 48]));\nif ((await c.data()).length !== 64 * 48) throw new Error('wrong size');`;

describe.skipIf(!available && !required)('a process that used WebGPU ends by itself', () => {
  it('needs a WebGPU adapter here', () => {
    expect(available, 'no WebGPU adapter answered: install Mesa lavapipe ≥ 25 (bash scripts/setup.sh --webgpu)').toBe(true);
  });

  // the default idle release is 1 s; the limit leaves room for a loaded machine
  it("after setBackend('webgpu') and a kernel", async () => {
    const run = await secondsToExit(`await t.setBackend('webgpu');\n${work}`, 180);
    expect(run.status, run.stderr).toBe(0);
    expect(run.seconds).toBeLessThan(20);
  }, 200_000);

  it("after setBackend() chose by measurement (webgpu among the candidates)", async () => {
    const run = await secondsToExit(`const chosen = await t.setBackend();\nconsole.log(chosen.name);\n${work}`, 240);
    expect(run.status, run.stderr).toBe(0);
    expect(run.seconds).toBeLessThan(20);
  }, 260_000);

  it('when the webgpu backend is replaced, at once', async () => {
    const run = await secondsToExit(`await t.setBackend('webgpu', { idleReleaseMs: 3_600_000 });\n${work}\nawait t.setBackend('cpu');`, 180);
    expect(run.status, run.stderr).toBe(0);
    expect(run.seconds).toBeLessThan(20);
  }, 200_000);

  it('kernels run again, with the same values, after the device was released', async () => {
    const backend = await setBackend('webgpu', { idleReleaseMs: 0 });
    const a = tensor(Float32Array.from({ length: 12 }, (_, i) => i - 5), [3, 4]);
    const b = tensor(Float32Array.from({ length: 8 }, (_, i) => i * 0.5), [4, 2]);
    const first = await matmul(a, b).data();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backend.kernelCount).toBe(0); // released: the kernels went with the device
    const second = await matmul(a, b).data();
    // by hand: a[i][k] = 4i + k − 5, b[k][j] = (2k + j) / 2
    const expected = [0, 1, 2].flatMap((i) => [0, 1].map((j) => [0, 1, 2, 3].reduce((sum, k) => sum + (i * 4 + k - 5) * ((k * 2 + j) * 0.5), 0)));
    expect(Array.from(first)).toEqual(expected);
    expect(Array.from(second)).toEqual(expected);
    await setBackend('cpu');
  });
});
