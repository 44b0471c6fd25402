import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEmbeddingStudy, embeddingTable } from '../src/commands/embed.js';
import { runPretrain } from '../src/commands/pretrain.js';
import { defaultSettings } from '../src/settings.js';

const tiny = { steps: 2, batch: 2, context: 16, layers: 1, modelDim: 8, heads: 2, ffDim: 16, experts: 4, evalEvery: 2, evalSize: 300, checkpointEvery: 2, progress: false, warmup: 0, backend: 'cpu' };

describe('embed (tiny pre-trained model)', () => {
  it('scores every embedding kind with the trained rule and the USMoE swap, and the table follows the JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'smoe-embed-')), 'pre');
    await runPretrain({ ...defaultSettings, ...tiny, out }, () => {});
    const study = await runEmbeddingStudy(out, { trainSize: 8, testSize: 6, batch: 4 });
    expect(study.rows.map((r) => `${r.selection}/${r.kind}`)).toEqual(['trained', 'usmoe@2'].flatMap((s) => ['hidden', 'routing', 'concat', 'sum'].map((k) => `${s}/${k}`)));
    expect(study.rows.map((r) => r.width)).toEqual([8, 4, 12, 12, 8, 4, 12, 12]); // modelDim, layers · experts
    for (const r of study.rows) for (const score of [r.nearestNeighbour.accuracy, r.linearProbe.accuracy]) expect(score * 6).toBeCloseTo(Math.round(score * 6), 6);
    expect(study.majorityAccuracy).toBeGreaterThanOrEqual(0.5);
    const table = embeddingTable(JSON.parse(JSON.stringify(study)));
    expect(table.split('\n').filter((line) => line.startsWith('| trained') || line.startsWith('| usmoe'))).toHaveLength(8);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toContain('tokenChoice');
  });
});
