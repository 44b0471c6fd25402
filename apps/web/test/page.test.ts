/**
 * The built site in headless Chromium, as a visitor uses it: pick token choice, the tiny model
 * and single-threaded webasm, train, press Stop after a few steps, and check what the page promises — the loss
 * falls from the uniform guess ln 259, the three charts are drawn, the routing map colours
 * every character of the sample, sampling gives text, and the downloaded checkpoint is one
 * `pnpm demo eval --from` loads (read with the project's own safetensors reader and applied
 * to the model its config rebuilds). Any console error or uncaught exception fails the test.
 * The screenshot after training is written to apps/web/test-results/page.png.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, type ModelConfig } from '@smoe/moe';
import { applyCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT } from '@smoe/trainer';
import { modelSizes } from '../src/settings.js';
import { openBuiltSite, webRoot, type Site } from './browser.js';

/** Steps before pressing Stop (the run is set to 40; the routing map first shows at step 10). */
const STEPS = 12;

describe('the page in headless Chromium', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openBuiltSite();
  }, 300_000);
  afterAll(async () => site?.close());

  it("runs the fast webasm kernels: the bundled gpu.js emits smoe's vector and splat loads", async () => {
    const page = await site.context.newPage();
    await page.goto(`${site.url}test/kernel-check.html`);
    await page.waitForSelector('body[data-state=done], body[data-state=error]', { state: 'attached', timeout: 60_000 });
    const report = JSON.parse((await page.getAttribute('body', 'data-report')) ?? '{}') as Record<string, unknown>;
    expect(report).toMatchObject({ vectorLoad: true, splatLoad: true });
    await page.close();
  }, 120_000);

  it('trains on webasm, draws the charts and the routing map, samples, and downloads a loadable checkpoint', async () => {
    const page = await site.context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(site.url);
    expect(await page.evaluate(() => crossOriginIsolated), 'vite preview sends COOP/COEP').toBe(true);

    await page.selectOption('select[name=router]', 'tokenChoice');
    await page.selectOption('select[name=size]', 'tiny');
    await page.selectOption('select[name=backend]', 'webasm');
    await page.fill('input[name=steps]', '40'); // warm-up of 4 steps (a tenth), so 12 steps learn at full rate
    await page.click('#train');
    await page.waitForFunction((steps) => (document.getElementById('progress') as HTMLProgressElement).value >= steps || document.body.dataset.state === 'error', STEPS, { timeout: 180_000 });
    await page.click('#stop');
    await page.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: 60_000 });
    const status = await page.$eval('#status', (e): Record<string, string | undefined> => ({ ...(e as HTMLElement).dataset, text: e.textContent ?? '' }));
    expect(await page.getAttribute('body', 'data-state'), status.text).toBe('done');
    expect(status.backend).toBe('webasm, one thread');
    // Stop lands within a step: the run ends with the step in flight when the request reached the
    // worker (how many steps ran between the click and that moment depends on the machine's load),
    // and the progress bar stands where the run ended
    const stoppedAt = await page.$eval('#progress', (e) => (e as HTMLProgressElement).value);
    const requestedAt = Number(status.stopRequestedAt);
    expect(stoppedAt).toBeGreaterThanOrEqual(STEPS);
    expect(requestedAt).toBeGreaterThanOrEqual(STEPS);
    expect(stoppedAt - requestedAt).toBeGreaterThanOrEqual(0);
    expect(stoppedAt - requestedAt).toBeLessThanOrEqual(1);
    expect(stoppedAt).toBeLessThan(40);
    expect(status.text).toMatch(new RegExp(`^Stopped after ${stoppedAt} steps`));

    // A fresh model predicts about uniformly over its 259 ids; training must beat that clearly.
    const first = Number(status.firstLoss);
    const last = Number(status.lastLoss);
    expect(first).toBeGreaterThan(Math.log(259) - 0.3);
    expect(last).toBeLessThan(first - 0.5);
    expect(Number(status.tokensPerSecond)).toBeGreaterThan(0);

    // Every chart canvas has been drawn on (Chart.js draws titles, axes and data).
    const inked = await page.$$eval('canvas', (canvases) =>
      canvases.map((canvas) => {
        const { data } = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (canvas as HTMLCanvasElement).width, (canvas as HTMLCanvasElement).height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted / (data.length / 4);
      }),
    );
    expect(inked).toHaveLength(3);
    for (const fraction of inked) expect(fraction).toBeGreaterThan(0.01);

    // The routing map: one row per MoE layer, every character coloured, experts within range.
    const { layers, experts, context } = modelSizes.tiny;
    const rows = await page.$$eval('.routing-row .routing-text', (texts) => texts.map((t) => [...t.children].map((c) => ((c as HTMLElement).title.match(/expert (-?\d+)$/) ?? [])[1])));
    expect(rows).toHaveLength(layers);
    for (const row of rows) {
      expect(row.length).toBeGreaterThan(context / 2);
      for (const expert of row) {
        expect(Number(expert)).toBeGreaterThanOrEqual(0);
        expect(Number(expert)).toBeLessThan(experts);
      }
    }
    expect(await page.$$eval('#routing-map .legend span', (spans) => spans.length)).toBe(experts);
    expect(await page.$eval('#routing-map p', (e) => e.textContent)).toMatch(new RegExp(`^After step ${stoppedAt}:`));

    await page.fill('input[name=length]', '40');
    await page.click('#sample');
    await page.waitForFunction(() => (document.getElementById('sample-output')?.textContent ?? '').length > 0, undefined, { timeout: 60_000 });
    const sample = await page.$eval('#sample-output', (e) => e.textContent ?? '');
    expect(new TextEncoder().encode(sample).length).toBeGreaterThanOrEqual(38); // 40 bytes; an invalid UTF-8 tail decodes shorter

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe(`smoe-tokenChoice-tiny-step${stoppedAt}.safetensors`);
    const checkpoint = decodeCheckpoint(new Uint8Array(await readFile((await download.path())!)), download.suggestedFilename());
    expect(checkpoint.metadata.format).toBe(CHECKPOINT_FORMAT);
    expect(checkpoint.step).toBe(stoppedAt);
    const model = createModel(checkpoint.modelConfig as ModelConfig);
    applyCheckpoint(checkpoint, { model, rngs: false }, download.suggestedFilename());

    await mkdir(join(webRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(webRoot, 'test-results', 'page.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 300_000);
});
