/**
 * Packages as users install them: every publishable package is packed and installed with npm
 * into a fresh folder outside the workspace (scripts/consumer.ts), and a plain-JavaScript
 * consumer (consumer.mjs) runs there. Checks that the install holds one gpu.js — @smoe/gpu.js,
 * no stock gpu.js, no second webgpu — and that the matmul kernel the consumer runs is the one
 * smoe's code generator makes, by the instructions in its compiled WebAssembly (not a timing).
 * Then every TypeScript/JavaScript block of the READMEs runs there as written, as a user copies
 * it (TypeScript through tsx), and must end by itself within a time limit.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installConsumer, publishedPackages, repositoryRoot } from '../../scripts/consumer.js';
import { runProcess, type ProcessResult } from '../../scripts/process.js';
import { fastKernelSigns, wasmText } from './wasm-text.js';
import { allCodeBlocks, programLanguages } from '../readme-blocks.js';

interface ConsumerReport {
  backend: string;
  async: boolean;
  matmulModules: string[];
  worstError: number;
  gpujsFiles: string[];
  exportsSeen: Record<string, number>;
}

/** Every installed package under `node_modules` (nested ones too): name, version, folder. */
function installedPackages(nodeModules: string): { name: string; version: string; folder: string }[] {
  const found: { name: string; version: string; folder: string }[] = [];
  const visit = (folder: string): void => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === '.bin') continue;
      const path = join(folder, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
        continue;
      }
      const manifest = join(path, 'package.json');
      if (existsSync(manifest)) {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
        found.push({ name, version, folder: path });
      }
      visit(join(path, 'node_modules'));
    }
  };
  visit(nodeModules);
  return found;
}

const consumerTimeLimit = 120_000;
let folder: string;
let run: ProcessResult;
let report: ConsumerReport;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'smoe-consumer-'));
  await installConsumer(folder);
  copyFileSync(join(repositoryRoot, 'test/packaging/consumer.mjs'), join(folder, 'consumer.mjs'));
  run = await runProcess(process.execPath, ['consumer.mjs'], { cwd: folder, timeout: consumerTimeLimit });
  const lines = run.stdout.trim().split('\n');
  report = JSON.parse(lines[lines.length - 1] || '{}') as ConsumerReport;
}, 30 * 60_000);

afterAll(async () => {
  // asynchronously: removing a few hundred MB of node_modules must not stall the test worker
  if (folder) await rm(folder, { recursive: true, force: true });
}, 300_000);

describe('packed packages installed with npm', () => {
  it('the consumer runs and ends by itself within the time limit', () => {
    expect(run.timedOut, `still running after ${consumerTimeLimit / 1000} s`).toBe(false);
    expect(run.status, run.stderr).toBe(0);
  });

  it('every package imports from its published entry points', () => {
    const entries = publishedPackages().flatMap(({ name, folder: packageFolder }) => {
      const manifest = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
      return Object.keys(manifest.exports ?? { '.': null })
        .filter((subpath) => subpath !== './package.json' && subpath !== './testing')
        .map((subpath) => name + subpath.slice(1));
    });
    expect(Object.keys(report.exportsSeen).sort()).toEqual(entries.sort());
    for (const entry of entries) expect(report.exportsSeen[entry], entry).toBeGreaterThan(0);
  });

  it('one gpu.js is installed: @smoe/gpu.js, no stock gpu.js, no native gl, one webgpu at the pinned version', () => {
    const packages = installedPackages(join(folder, 'node_modules'));
    const named = (name: string) => packages.filter((p) => p.name === name);
    expect(named('@smoe/gpu.js')).toHaveLength(1);
    expect(named('gpu.js')).toEqual([]);
    expect(named('gl')).toEqual([]);
    const tensorManifest = JSON.parse(readFileSync(join(repositoryRoot, 'packages/tensor/package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
    expect(named('webgpu').map((p) => p.version)).toEqual([tensorManifest.optionalDependencies.webgpu]);
  });

  it("the consumer's kernels come from the installed @smoe/gpu.js", () => {
    expect(report.gpujsFiles.length).toBeGreaterThan(0);
    for (const file of report.gpujsFiles) expect(file.startsWith(join(folder, 'node_modules', '@smoe', 'gpu.js') + '/'), file).toBe(true);
  });

  it('the 512 × 512 matmul ran on threaded webasm and agrees with a host dot product', () => {
    expect(report.backend).toBe('webasm');
    expect(report.async).toBe(true);
    // float32 sums of 512 products of unit normals: rounding error of order 1e-5
    expect(report.worstError).toBeLessThan(1e-3);
  });

  it("the matmul's WebAssembly is the fast code generator's: splat and vector loads, integer loop counters", async () => {
    const signs = await Promise.all(report.matmulModules.map(async (base64) => fastKernelSigns(await wasmText(Buffer.from(base64, 'base64')))));
    const tiled = signs.filter((s) => s.splatLoads > 0);
    expect(tiled.length, JSON.stringify(signs)).toBeGreaterThan(0);
    for (const s of tiled) expect(s.vectorLoads).toBeGreaterThan(0);
    for (const s of signs) {
      expect(s.integerLoops).toBe(s.loops);
      expect(s.conversions).toBe(0);
    }
    expect(signs.reduce((total, s) => total + s.loops, 0)).toBeGreaterThan(0);
  });
});

const blockTimeLimit = 240_000;
const tsxLoader = pathToFileURL(createRequire(join(repositoryRoot, 'package.json')).resolve('tsx')).href;

describe('README code blocks, run in the consumer install as written', () => {
  for (const block of allCodeBlocks().filter((b) => programLanguages.includes(b.language))) {
    const where = `${block.file}:${block.line}`;
    it(`${where} runs and ends by itself`, async () => {
      const typescript = block.language === 'ts' || block.language === 'typescript';
      const file = `readme-${where.replace(/[^\w]+/g, '-')}.${typescript ? 'ts' : 'mjs'}`;
      writeFileSync(join(folder, file), block.code);
      const run = await runProcess(process.execPath, [...(typescript ? ['--import', tsxLoader] : []), file], {
        cwd: folder,
        timeout: blockTimeLimit,
        env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
      });
      expect(run.timedOut, `${where}: still running after ${blockTimeLimit / 1000} s\n${run.stdout}`).toBe(false);
      expect(run.status, `${where}\n${run.stderr}`).toBe(0);
    }, blockTimeLimit + 30_000);
  }
});
