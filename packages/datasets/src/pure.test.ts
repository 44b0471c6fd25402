import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as pure from './pure.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Relative imports of a source file, resolved to file names in src/. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(here, file), 'utf8');
  return [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
}

describe('pure entry point', () => {
  it('reaches no Node API, so a browser build can use it', () => {
    const seen = new Set<string>();
    const nodeImports: string[] = [];
    const queue = ['pure.ts'];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('node:')) nodeImports.push(`${file} imports ${specifier}`);
        if (specifier.startsWith('./')) queue.push(specifier.slice(2).replace(/\.js$/, '.ts'));
      }
    }
    expect(nodeImports).toEqual([]);
    expect(seen.has('package-files.ts')).toBe(false);
    expect(seen.size).toBeGreaterThan(10);
  });

  it('exports the tokenizers, corruptions and batch iterators', () => {
    const names = ['byteTokenizer', 'trainBpe', 'BpeTokenizer', 'corruptText', 'corruptImages', 'lmBatches'];
    names.push('classificationBatches', 'imageBatches', 'parseIdx', 'patchify', 'createRng');
    for (const name of names) expect(typeof (pure as Record<string, unknown>)[name]).toBe('function');
  });
});
