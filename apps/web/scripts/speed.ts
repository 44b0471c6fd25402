/**
 * Tokens per second of the same training run in headless Chromium (the built page, its worker)
 * and in Node (the same `TrainingRun` code), on webasm with threads off and on. Each line is
 * one run, as JSON: the average over the run (kernel compilation included) and the steady
 * speed (median of the last half of the steps). Runs alternate browser / Node so that a busy
 * machine slows both alike; compare ratios, not absolute numbers.
 *
 *   pnpm --filter web speed [--size tiny|small|medium] [--steps 16] [--router tokenChoice]
 */
import { parseArgs } from 'node:util';
import { steadyTokensPerSecond } from '../src/steady-speed.js';
import { validateSettings, type BackendChoice, type WebSettings } from '../src/settings.js';
import { TrainingRun, useBackend, type StepRecord } from '../src/training.js';
import { openBuiltSite } from '../test/browser.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, steps: { type: 'string', default: '16' }, router: { type: 'string', default: 'tokenChoice' } } });

async function inNode(settings: WebSettings): Promise<{ average: number; steady: number }> {
  await useBackend(settings.backend);
  const run = new TrainingRun(settings);
  const records: StepRecord[] = [];
  const started = performance.now();
  while (run.step < run.steps) records.push(await run.trainStep());
  return { average: (run.steps * run.tokensPerStep) / ((performance.now() - started) / 1000), steady: steadyTokensPerSecond(records) };
}

const site = await openBuiltSite();
try {
  for (const backend of ['webasm', 'webasmThreads'] as BackendChoice[]) {
    const settings = validateSettings({ router: values.router, size: values.size, backend, steps: Number(values.steps), seed: 1 });
    const page = await site.context.newPage();
    await page.goto(`${site.url}?${new URLSearchParams({ ...settings, steps: String(settings.steps), seed: '1', autostart: '' })}`);
    await page.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: 600_000 });
    const status = await page.$eval('#status', (e): Record<string, string | undefined> => ({ ...(e as HTMLElement).dataset, text: e.textContent ?? '' }));
    await page.close();
    if (status.steadyTokensPerSecond === undefined) throw new Error(`the page did not finish: ${status.text}`);
    const browser = { average: Number(status.tokensPerSecond), steady: Number(status.steadyTokensPerSecond) };
    const node = await inNode(settings);
    const round = (x: number): number => Math.round(x);
    console.log(JSON.stringify({
      model: settings.size,
      router: settings.router,
      steps: settings.steps,
      backend: status.backend,
      browser: { average: round(browser.average), steady: round(browser.steady) },
      node: { average: round(node.average), steady: round(node.steady) },
      browserOverNode: { average: +(browser.average / node.average).toFixed(2), steady: +(browser.steady / node.steady).toFixed(2) },
    }));
  }
} finally {
  await site.close();
}
