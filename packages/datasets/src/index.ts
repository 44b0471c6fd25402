/**
 * Public API of @smoe/datasets, browser-safe: everything in `pure.ts` plus Moby Dick, whose
 * text bundles like any module. The corpora and sets read from files (State of the Union,
 * SpamAssassin, MNIST, `textCorpus`) are in `@smoe/datasets/node`. Re-exports only.
 */
export * from './pure.js';
export { mobyDick, mobyDickSections, type TextDocument } from './moby-dick.js';
