/**
 * Publishing: every published package carries the metadata a registry page needs, and the first
 * release the pending changesets make is 0.1.0 — checked by a trial `changeset version` in a
 * throwaway copy of the manifests and changesets (the repository itself is not touched).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publishedPackages, repositoryRoot } from '../scripts/consumer.js';
import { runChecked } from '../scripts/process.js';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  keywords?: string[];
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  files?: string[];
}

const read = (file: string): Manifest => JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const root = read(join(repositoryRoot, 'package.json'));
const firstRelease = '0.1.0';

/** Every workspace package folder (packages/*, apps/*), relative to the root. */
function workspaceFolders(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(repositoryRoot, group))
      .filter((entry) => existsSync(join(repositoryRoot, group, entry, 'package.json')))
      .map((entry) => `${group}/${entry}`),
  );
}

describe('package metadata', () => {
  const repository = root.repository?.url ?? '';
  const web = repository.replace(/^git\+/, '').replace(/\.git$/, '');

  it('the root names the repository once', () => {
    expect(repository).toMatch(/^git\+https:\/\/.+\.git$/);
  });

  for (const { name, folder } of publishedPackages()) {
    it(`${name}: repository, homepage, bugs, keywords, engines, licence`, () => {
      const manifest = read(join(folder, 'package.json'));
      const directory = relative(repositoryRoot, folder);
      expect(manifest.repository).toEqual({ type: 'git', url: repository, directory });
      expect(manifest.homepage).toBe(`${web}/tree/main/${directory}#readme`);
      expect(manifest.bugs?.url).toBe(`${web}/issues`);
      expect(manifest.keywords?.length).toBeGreaterThan(0);
      expect(manifest.engines?.node).toBe(root.engines?.node);
      expect(manifest.license).toBe('MIT');
      expect(manifest.files).toEqual(expect.arrayContaining(['README.md', 'LICENSE']));
      expect(existsSync(join(folder, 'LICENSE')), `${directory}/LICENSE`).toBe(true);
      expect(existsSync(join(folder, 'README.md')), `${directory}/README.md`).toBe(true);
    });
  }
});

describe('the first release', () => {
  const copy = mkdtempSync(join(tmpdir(), 'smoe-release-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it(`a trial 'changeset version' takes every package to ${firstRelease} and writes its CHANGELOG from the changesets`, async () => {
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset']) cpSync(join(repositoryRoot, file), join(copy, file), { recursive: true });
    for (const folder of workspaceFolders()) {
      mkdirSync(join(copy, folder), { recursive: true });
      cpSync(join(repositoryRoot, folder, 'package.json'), join(copy, folder, 'package.json'));
    }
    symlinkSync(join(repositoryRoot, 'node_modules'), join(copy, 'node_modules'));
    const pending = readdirSync(join(copy, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
    expect(pending.length).toBeGreaterThan(0);
    await runChecked(join(repositoryRoot, 'node_modules/.bin/changeset'), ['version'], { cwd: copy, timeout: 120_000 });
    for (const folder of workspaceFolders()) {
      const manifest = read(join(copy, folder, 'package.json'));
      expect(`${manifest.name}@${manifest.version}`).toBe(`${manifest.name}@${firstRelease}`);
      const changelog = readFileSync(join(copy, folder, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(`## ${firstRelease}`);
    }
    // the changesets were consumed into the changelogs
    expect(readdirSync(join(copy, '.changeset')).filter((file) => pending.includes(file))).toEqual([]);
    expect(readFileSync(join(copy, 'packages/tensor/CHANGELOG.md'), 'utf8')).toContain('First release of @smoe/tensor');
  }, 180_000);
});
