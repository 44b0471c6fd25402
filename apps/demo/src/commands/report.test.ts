/**
 * The HTML report, checked as a user sees it: two tiny runs (token choice and expert choice)
 * overlaid in one report, opened in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core), with a full-page screenshot written to test-artifacts/report.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPretrain } from './pretrain.js';
import { buildReport } from './report.js';
import { defaultSettings } from '../settings.js';
import { textCorpus } from '@smoe/datasets/node';
import type { LanguageModel } from '@smoe/moe';
import { noGrad } from '@smoe/tensor';
import { loadModel } from '../run.js';
import { tokenizer } from '../tasks.js';

const chromiumPath = process.env.SMOE_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = resolve(__dirname, '../../../../test-artifacts');
// a model small enough to train in seconds on 2 cores
const tiny = { steps: 6, batch: 2, context: 16, layers: 2, modelDim: 16, heads: 2, ffDim: 16, experts: 4, evalEvery: 3, evalSize: 200, checkpointEvery: 6, progress: false, backend: 'cpu', warmup: 0 };
const folder = mkdtempSync(join(tmpdir(), 'smoe-report-'));
let html: string;
let page: string;

beforeAll(async () => {
  const log = (): void => {};
  await runPretrain({ ...defaultSettings, ...tiny, router: 'tokenChoice', out: join(folder, 'token-choice') }, log);
  await runPretrain({ ...defaultSettings, ...tiny, router: 'expertChoice', out: join(folder, 'expert-choice') }, log);
  page = await buildReport([join(folder, 'token-choice'), join(folder, 'expert-choice')], { output: join(folder, 'report.html') });
  html = readFileSync(page, 'utf8');
}, 600_000);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The visible text of the SVG `<text>` elements of the page. */
function svgTexts(source: string): string[] {
  return [...source.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('the run report', () => {
  it('shows the settings as a table, the rows where the runs differ marked, and no raw JSON', () => {
    expect(html).not.toMatch(/<pre/);
    const router = /<tr class="differs"><th scope="row">router<\/th><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/.exec(html);
    expect(router?.slice(1)).toEqual(['tokenChoice', 'expertChoice']);
    expect(html).toMatch(/<tr><th scope="row">steps<\/th><td>6<\/td><td>6<\/td><\/tr>/);
  });

  it('titles every axis and names the runs and curves in legends', () => {
    const texts = svgTexts(html);
    for (const title of ['training step', 'loss (nats per token)', 'learning rate', 'expert', 'tokens routed', 'MoE layer', 'character of the sample', 'run', 'curve', 'top-1 expert']) {
      expect(texts, title).toContain(title);
    }
    for (const legend of ['token-choice', 'expert-choice', 'train', 'validation']) expect(texts, legend).toContain(legend);
  });

  it('writes each expert’s token count above its bar: exactly the routed pairs of each router', async () => {
    // one text mark per (layer, run) panel, row by row, the runs in the order given
    const chart = html.slice(html.indexOf('Tokens routed to each expert'), html.indexOf('Routing map:'));
    const panels = [...chart.matchAll(/<g class="mark-text role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => svgTexts(m[1]).map(Number));
    expect(panels).toHaveLength(4);
    const [tokenChoice0, expertChoice0, tokenChoice1, expertChoice1] = panels;
    // token choice, top-2 of 4 experts, no capacity limit: every one of the 16 characters sends 2 pairs
    for (const counts of [tokenChoice0, tokenChoice1]) {
      expect(counts).toHaveLength(4);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2 * 16);
    }
    // expert choice in a decoder routes by its calibrated per-expert thresholds (causal form):
    // the counts are those of the trained model's own plans on the same sample
    const { model } = await loadModel(join(folder, 'expert-choice'));
    const lm = model as LanguageModel;
    lm.eval();
    const ids = tokenizer.encode(textCorpus('moby-dick', 'validation').slice(1000, 1000 + Math.min(lm.config.context, 96)));
    await noGrad(() => lm.forward(ids, [1, ids.length]));
    const expected = lm.body.moeLayers().map(({ moe }) => Array.from(moe.lastPlan!.counts));
    expect([expertChoice0, expertChoice1]).toEqual(expected);
  });

  it('renders in Chromium: every chart laid out, a legend for the routing map, a screenshot for people to look at', async () => {
    expect(existsSync(chromiumPath), `no Chromium at ${chromiumPath}: run 'bash scripts/setup.sh --browser' or set SMOE_CHROMIUM`).toBe(true);
    const profile = mkdtempSync(join(tmpdir(), 'smoe-chromium-'));
    let browser: BrowserContext | undefined;
    try {
      // a fresh profile (--user-data-dir) per run
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath,
        headless: true,
        viewport: { width: 1280, height: 900 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      await tab.goto(`file://${page}`);
      const charts = await tab.$$eval('figure svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })));
      expect(charts.length).toBe(5); // loss, learning rate, load CV, expert load, routing map
      for (const box of charts) {
        expect(box.width).toBeGreaterThan(100);
        expect(box.height).toBeGreaterThan(100);
      }
      const routingLegend = await tab.$$eval('figure:last-of-type svg text', (texts) => texts.map((t) => t.textContent));
      expect(routingLegend).toContain('top-1 expert');
      expect(routingLegend).toContain('expert 0');
      expect(errors).toEqual([]);
      mkdirSync(artifacts, { recursive: true });
      await tab.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      expect(existsSync(join(artifacts, 'report.png'))).toBe(true);
    } finally {
      await browser?.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 180_000);
});
