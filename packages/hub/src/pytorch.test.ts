// smoe's logits against PyTorch (bench/reference_logits.py, written from Transformers' modelling
// code) on the same tiny checkpoints: each layout read by smoe, and smoe models written by
// saveHuggingFace. Runs where a Python with torch answers (SMOE_PYTHON, /usr/bin/python3 with
// Debian's python3-torch, or python3); elsewhere it is skipped with a line saying so. Not part
// of CI's required set.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderLanguageModel } from '@smoe/moe';
import { setBackend } from '@smoe/tensor';
import { loadHuggingFace } from './load.js';
import { saveHuggingFace } from './save.js';
import { tinyConfig, writeCheckpoint, type Layout } from './checkpoints.test-helpers.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'reference_logits.py');
const candidates = [process.env.SMOE_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
const python = candidates.find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
if (!python) console.log(`PyTorch comparison skipped: none of ${candidates.join(', ')} imports torch (apt-get install python3-torch, or set SMOE_PYTHON)`);

const ids = [5, 1, 33, 12, 7, 7, 30, 2];

function torchLogits(dir: string): number[] {
  const out = execFileSync(python as string, [script, dir, ids.join(',')], { encoding: 'utf8' });
  return (JSON.parse(out) as { logits: number[][] }).logits.flat();
}

async function smoeLogits(model: DecoderLanguageModel): Promise<Float32Array> {
  return (await (await model.forward(Int32Array.from(ids), [1, ids.length])).data()) as Float32Array;
}

const gap = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe.skipIf(!python)('logits against PyTorch (bench/reference_logits.py)', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'smoe-hub-torch-'));
    await setBackend('cpu');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const [layout, dtype] of [['mixtral', 'F32'], ['qwen2_moe', 'F32'], ['olmoe', 'BF16']] as Array<[Layout, 'F32' | 'BF16']>) {
    it(`${layout} (${dtype}) read by smoe`, async () => {
      const dir = join(root, layout);
      writeCheckpoint(dir, layout, tinyConfig(layout), { seed: 21, dtype });
      const { model } = await loadHuggingFace(dir);
      expect(gap(await smoeLogits(model), torchLogits(dir))).toBeLessThan(1e-5);
    });
  }

  it('a smoe model written by saveHuggingFace (Qwen2-MoE, sharded, shared expert, dense layer)', async () => {
    const model = new DecoderLanguageModel({ vocab: 40, context: 16, layers: 2, modelDim: 32, heads: 4, kvHeads: 2, ffDim: 24, qkvBias: true, moe: { experts: 4, expertDim: 16, sharedExpertDim: 20, denseLayers: [0] }, seed: 9 });
    const dir = join(root, 'saved');
    await saveHuggingFace(model, dir, { maxShardBytes: 40_000 });
    expect(gap(await smoeLogits(model), torchLogits(dir))).toBeLessThan(1e-5);
  });
});
