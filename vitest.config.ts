import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of every package (the `@smoe/source` export condition),
// so `pnpm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ['@smoe/source'] },
  ssr: { resolve: { conditions: ['@smoe/source'], externalConditions: ['@smoe/source'] } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
