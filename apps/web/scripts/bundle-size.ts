/**
 * Bundle size of each smoe package as a browser bundle sees it: the package's main entry
 * bundled by esbuild for the browser (minified, ES modules, from the TypeScript sources),
 * once with the other @smoe packages left out (the package's own weight) and once with
 * everything it imports. Sizes are bytes minified and minified + gzip (level 9).
 * A package whose main entry does not bundle for the browser is listed with the reason.
 *
 *   pnpm --filter web bundle-size        (add --json for JSON lines)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** One package's sizes, in bytes. */
export interface BundleSize {
  name: string;
  own?: { minified: number; gzip: number };
  withDependencies?: { minified: number; gzip: number };
  error?: string;
}

interface Manifest {
  name: string;
  main?: string;
  exports?: Record<string, string | Record<string, string>>;
}

/** The file a bundler starts from for the package's main entry (its TypeScript source where it has one). */
function entryOf(manifest: Manifest): string {
  const main = manifest.exports?.['.'];
  const file = typeof main === 'string' ? main : (main?.['@smoe/source'] ?? main?.default ?? main?.import);
  return file ?? manifest.main ?? './index.js';
}

async function bundle(folder: string, manifest: Manifest, external: string[]): Promise<{ minified: number; gzip: number }> {
  const result = await build({
    // a namespace re-export keeps every export, CommonJS (gpu.js) included
    stdin: { contents: `export * as entry from '${entryOf(manifest)}';`, resolveDir: folder, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@smoe/source'],
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** Sizes of every package under packages/. */
export async function bundleSizes(): Promise<BundleSize[]> {
  const packages = readdirSync(join(root, 'packages')).map((folder) => ({ folder: join(root, 'packages', folder), manifest: JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as Manifest }));
  const names = packages.map((p) => p.manifest.name);
  const sizes: BundleSize[] = [];
  for (const { folder, manifest } of packages.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name))) {
    const name = manifest.name;
    try {
      sizes.push({ name, own: await bundle(folder, manifest, names.filter((other) => other !== name)), withDependencies: await bundle(folder, manifest, []) });
    } catch (error) {
      const messages = (error as { errors?: Array<{ text: string }> }).errors?.map((e) => e.text) ?? [(error as Error).message];
      sizes.push({ name, error: [...new Set(messages)].slice(0, 3).join('; ') });
    }
  }
  return sizes;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await bundleSizes();
  if (process.argv.includes('--json')) {
    for (const size of sizes) console.log(JSON.stringify(size));
  } else {
    console.log('package          own: min / min+gzip        with dependencies: min / min+gzip');
    for (const { name, own, withDependencies, error } of sizes) {
      if (error) console.log(`${name.padEnd(16)} does not bundle for the browser: ${error}`);
      else console.log(`${name.padEnd(16)} ${kb(own!.minified).padStart(10)} / ${kb(own!.gzip).padStart(9)}      ${kb(withDependencies!.minified).padStart(10)} / ${kb(withDependencies!.gzip).padStart(9)}`);
    }
  }
}
