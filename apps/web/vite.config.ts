/**
 * Vite builds the page from the packages' TypeScript sources (the `@smoe/source` export
 * condition), so it needs no prior `pnpm build`. Threads in the browser need shared memory,
 * which needs a cross-origin isolated page: the dev and preview servers send COOP/COEP.
 * `base: './'` makes the built site work from any folder of any static host.
 * @smoe/gpu.js is CommonJS; from npm it sits in node_modules, where Vite converts CommonJS by
 * default, but in this workspace it is a linked folder, so it is named here (build and dev).
 */
import { defaultClientConditions, defineConfig } from 'vite';

/** The headers that make the page cross-origin isolated (SharedArrayBuffer, webasm threads). */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  resolve: { conditions: ['@smoe/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  optimizeDeps: { include: ['@smoe/gpu.js'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, commonjsOptions: { include: [/node_modules/, /packages\/gpujs\//] } },
});
