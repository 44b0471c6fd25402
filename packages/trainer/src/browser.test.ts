import { build, type Plugin } from 'esbuild';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { AdamW, memoryStorage, parseMetrics, train, listCheckpoints, decodeCheckpoint } from './index.js';
import { RegressionData, TinyRegressor } from '../test/tiny-model.js';

/** Bundles `entry` for the browser; returns the Node built-ins it imports (as `importer → module`) and the code. */
async function bundleForBrowser(entry: string): Promise<{ builtins: string[]; inputs: string[]; code: string }> {
  const builtins: string[] = [];
  const names = new Set(builtinModules);
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'own' || (!args.path.startsWith('node:') && !names.has(args.path.split('/')[0]))) return undefined;
        // a package's browser field may map a built-in to nothing (@smoe/gpu.js: "os": false), as bundlers honour
        const own = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'own' });
        if (own.errors.length === 0 && own.namespace === '') return undefined;
        builtins.push(`${args.importer.replace(/.*\/packages\//, '')} → ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({ entryPoints: [entry], bundle: true, write: false, platform: 'browser', format: 'esm', conditions: ['@smoe/source'], metafile: true, logLevel: 'silent', plugins: [recordBuiltins] });
  return { builtins, inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0].text };
}

it('the main entry bundles for the browser without any Node built-in; the ./node entry does not', async () => {
  const main = await bundleForBrowser(fileURLToPath(new URL('./index.ts', import.meta.url)));
  expect(main.inputs.some((path) => path.endsWith('trainer/src/train.ts'))).toBe(true);
  expect(main.builtins).toEqual([]);
  expect(main.code).not.toMatch(/\bprocess\.(pid|kill|exit|hrtime)\b/);
  // The check can fail: the Node entry's file system is found.
  const node = await bundleForBrowser(fileURLToPath(new URL('./node.ts', import.meta.url)));
  expect(node.builtins).toContain('trainer/src/file-storage.ts → node:fs/promises');
}, 60_000);

it('trains, checkpoints and resumes through an in-memory storage, as a browser page would', async () => {
  const out = memoryStorage('page');
  const quiet = { progress: false, log: () => undefined } as const;
  const first = await train(new TinyRegressor(), new RegressionData(), { optimizer: new AdamW({ lr: 0.05 }), steps: 4, checkpointEvery: 2, seed: 3, out, ...quiet });
  expect(first).toMatchObject({ step: 4, checkpoint: 'page/checkpoints/step-00000004.safetensors' });
  expect((await listCheckpoints(out)).map((c) => c.step)).toEqual([2, 4]);
  expect(decodeCheckpoint(out.files.get('checkpoints/step-00000004.safetensors')!).step).toBe(4);
  const more = await train(new TinyRegressor(), new RegressionData(), { optimizer: new AdamW({ lr: 0.05 }), steps: 6, checkpointEvery: 2, out, resume: true, ...quiet });
  expect(more.resumedFrom?.step).toBe(4);
  expect(parseMetrics(new TextDecoder().decode(out.files.get('metrics.jsonl'))).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
});
