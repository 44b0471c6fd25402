// smoe's logits against Hugging Face Transformers itself (bench/transformers_logits.py:
// AutoModelForCausalLM.from_pretrained, float32, eager attention): each layout written from the
// published key names and read by smoe, a smoe model written by saveHuggingFace, and the byte
// tokenizer of `pnpm demo export --hf` read by AutoTokenizer. Runs where a Python with torch and
// transformers answers (SMOE_TRANSFORMERS_PYTHON, .venv-hf/bin/python at the repository root —
// see bench/transformers_logits.py — or python3); elsewhere it is skipped with a line saying so.
// Not part of CI's required set: Transformers cannot be installed there.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderLanguageModel } from '@smoe/moe';
import { setBackend } from '@smoe/tensor';
import { saveByteTokenizer } from './byte_tokenizer.js';
import { loadHuggingFace } from './load.js';
import { saveHuggingFace } from './save.js';
import { loadTokenizer } from './tokenizer.js';
import { tinyConfig, writeCheckpoint, type Layout } from './checkpoints.test-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, '..', 'bench', 'transformers_logits.py');
const candidates = [process.env.SMOE_TRANSFORMERS_PYTHON, join(here, '..', '..', '..', '.venv-hf', 'bin', 'python'), 'python3'].filter((p): p is string => !!p);
const python = candidates.find((p) => spawnSync(p, ['-c', 'import torch, transformers'], { stdio: 'ignore' }).status === 0);
if (!python) console.log(`Transformers comparison skipped: none of ${candidates.join(', ')} imports torch and transformers (see packages/hub/bench/transformers_logits.py, or set SMOE_TRANSFORMERS_PYTHON)`);

const ids = [5, 1, 33, 12, 7, 7, 30, 2];

interface Answer { architecture: string; logits: number[][]; ids?: number[] }

function transformers(dir: string, text?: string): Answer {
  const args = [script, dir, ids.join(','), ...(text === undefined ? [] : ['--text', text])];
  const out = execFileSync(python as string, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.trim().split('\n').pop() as string) as Answer;
}

async function smoeLogits(model: DecoderLanguageModel): Promise<Float32Array> {
  return (await (await model.forward(Int32Array.from(ids), [1, ids.length])).data()) as Float32Array;
}

const gap = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

// Each case starts Python and imports Transformers (seconds when the machine is quiet).
describe.skipIf(!python)('logits against Hugging Face Transformers (AutoModelForCausalLM)', { timeout: 300_000 }, () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'smoe-hub-transformers-'));
    await setBackend('cpu');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const classes: Record<Layout, string> = { mixtral: 'MixtralForCausalLM', qwen2_moe: 'Qwen2MoeForCausalLM', olmoe: 'OlmoeForCausalLM' };
  for (const [layout, dtype] of [['mixtral', 'F32'], ['qwen2_moe', 'F32'], ['olmoe', 'BF16']] as Array<[Layout, 'F32' | 'BF16']>) {
    it(`${layout} (${dtype}): the folder Transformers loads as ${classes[layout]}, read by smoe`, async () => {
      const dir = join(root, layout);
      writeCheckpoint(dir, layout, tinyConfig(layout), { seed: 21, dtype });
      const answer = transformers(dir);
      expect(answer.architecture).toBe(classes[layout]);
      const { model } = await loadHuggingFace(dir);
      expect(gap(await smoeLogits(model), answer.logits.flat())).toBeLessThan(1e-5);
    });
  }

  it('a smoe model written by saveHuggingFace (Qwen2-MoE, sharded, shared expert, dense layer), loaded by Transformers', async () => {
    const model = new DecoderLanguageModel({ vocab: 40, context: 16, layers: 2, modelDim: 32, heads: 4, kvHeads: 2, ffDim: 24, qkvBias: true, moe: { experts: 4, expertDim: 16, sharedExpertDim: 20, denseLayers: [0] }, seed: 9 });
    const dir = join(root, 'saved');
    await saveHuggingFace(model, dir, { maxShardBytes: 40_000 });
    const answer = transformers(dir);
    expect(answer.architecture).toBe('Qwen2MoeForCausalLM');
    expect(gap(await smoeLogits(model), answer.logits.flat())).toBeLessThan(1e-5);
  });

  it("the exported byte tokenizer: AutoTokenizer gives the UTF-8 bytes, as smoe's reader does", async () => {
    const model = new DecoderLanguageModel({ vocab: 259, context: 16, layers: 1, modelDim: 16, heads: 2, moe: { experts: 4, expertDim: 8 }, seed: 2 });
    const dir = join(root, 'bytes');
    await saveHuggingFace(model, dir);
    saveByteTokenizer(dir, ['<pad>', '<bos>', '<eos>']);
    const text = 'Call me Ishmael. Naïve café — 1851';
    const answer = transformers(dir, text);
    expect(answer.architecture).toBe('MixtralForCausalLM');
    expect(answer.ids).toEqual(Array.from(new TextEncoder().encode(text)));
    expect(Array.from(loadTokenizer(dir).encode(text))).toEqual(answer.ids);
    expect(gap(await smoeLogits(model), answer.logits.flat())).toBeLessThan(1e-5);
  });
});
