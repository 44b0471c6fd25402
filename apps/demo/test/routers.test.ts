import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routerNames } from '@smoe/routers';
import { markedTable, routerRows, routerTable } from '../src/commands/routers.js';

describe('the router table', () => {
  it('documents every registered strategy and layer kind', () => {
    const rows = routerRows();
    for (const name of routerNames()) expect(rows.find((r) => r.name === name)?.info, name).toBeDefined();
    for (const { info } of rows) expect(info?.paper && info.family && info.defaults).toBeTruthy();
  });

  it('is what the README shows (regenerate with `pnpm demo routers --write README.md`)', () => {
    expect(markedTable(readFileSync(new URL('../../../README.md', import.meta.url), 'utf8'))).toBe(routerTable());
  });
});
