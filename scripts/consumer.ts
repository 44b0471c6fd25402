/**
 * A consumer install, as a user gets one: every publishable package is built, packed with
 * `pnpm pack` (which rewrites `workspace:^` to the version range a registry install sees), and
 * the tarballs are installed with npm into a fresh folder outside the workspace. npm reaches
 * only the npm registry, for the third-party dependencies.
 *
 * Used by test/packaging/consumer.test.ts and by the matmul bench's `consumer` row:
 *
 *   node --import tsx scripts/consumer.ts /tmp/smoe-consumer   # then
 *   BENCH_CONSUMER=/tmp/smoe-consumer pnpm --filter @smoe/tensor bench
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from './process.js';

/** The monorepo's root folder. */
export const repositoryRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** A publishable workspace package: its name and folder. */
export interface PublishedPackage {
  name: string;
  folder: string;
}

/** Every package under packages/ that is not private, in folder order. */
export function publishedPackages(): PublishedPackage[] {
  const root = join(repositoryRoot, 'packages');
  return readdirSync(root)
    .map((entry) => join(root, entry))
    .filter((folder) => existsSync(join(folder, 'package.json')))
    .map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string; private?: boolean } }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ folder, manifest }) => ({ name: manifest.name, folder }));
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return runChecked(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/**
 * Builds and packs every publishable package into `folder/tarballs`, then installs them all
 * with npm into `folder` (which must not be inside the workspace). Returns the tarball paths.
 */
export async function installConsumer(folder: string): Promise<string[]> {
  const target = resolve(folder);
  if (target.startsWith(repositoryRoot + '/')) {
    throw new Error(`installConsumer: folder '${target}' is inside the workspace; use a folder outside ${repositoryRoot}, such as one under the system's temporary folder`);
  }
  await run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], repositoryRoot);
  const tarballs = join(target, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  const packed: string[] = [];
  for (const { folder: packageFolder } of publishedPackages()) {
    const output = (await run('pnpm', ['pack', '--pack-destination', tarballs], packageFolder)).trim().split('\n');
    packed.push(output[output.length - 1].trim());
  }
  writeFileSync(join(target, 'package.json'), JSON.stringify({ name: 'smoe-consumer', private: true, type: 'module' }, null, 2) + '\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed], target);
  return packed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node --import tsx scripts/consumer.ts <folder outside the workspace>');
    process.exit(2);
  }
  for (const tarball of await installConsumer(folder)) console.log(tarball);
}
