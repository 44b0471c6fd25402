/**
 * Headless Chromium for the page's tests and scripts: Debian's `chromium` (or SMOE_CHROMIUM)
 * driven by playwright-core, a fresh profile per launch, and the built site served by
 * `vite preview` with the COOP/COEP headers threads need.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

/** The web app's folder. */
export const webRoot = fileURLToPath(new URL('..', import.meta.url));

/** Chromium's flags: no sandbox (containers), no GPU, and nothing that reaches the network on its own. */
export const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The Chromium executable: SMOE_CHROMIUM, else Debian's /usr/bin/chromium; throws with the fix when absent. */
export function chromiumPath(): string {
  const path = process.env.SMOE_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install Debian's chromium (scripts/setup.sh --browser, or apt-get install chromium) or set SMOE_CHROMIUM to a Chromium executable`);
  return path;
}

/** A built site served locally, and a fresh Chromium profile to visit it with. */
export interface Site {
  url: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Builds the site (and the kernel check page) into a temporary folder, serves it, and launches Chromium with a fresh profile (its --user-data-dir). */
export async function openBuiltSite(): Promise<Site> {
  const executablePath = chromiumPath();
  const outDir = await mkdtemp(join(tmpdir(), 'smoe-web-dist-'));
  const profile = await mkdtemp(join(tmpdir(), 'smoe-web-profile-'));
  // the site, plus the test-only kernel check page (test/kernel-check.html) built by the same config
  const input = { index: join(webRoot, 'index.html'), kernelCheck: join(webRoot, 'test', 'kernel-check.html') };
  await build({ root: webRoot, logLevel: 'warn', build: { outDir, emptyOutDir: true, rollupOptions: { input } } });
  const server: PreviewServer = await preview({ root: webRoot, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a local address');
  // playwright passes --headless itself when headless is true
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: chromiumFlags.filter((flag) => flag !== '--headless'), acceptDownloads: true, viewport: { width: 1200, height: 1100 } });
  return {
    url,
    context,
    async close() {
      await context.close();
      await server.close();
      await rm(outDir, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    },
  };
}
