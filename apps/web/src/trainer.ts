// The browser-safe parts of @smoe/trainer the page uses, imported from their files until the
// package's main entry bundles for the browser (its Node file I/O moving behind
// `@smoe/trainer/node`); then this file goes and the imports name '@smoe/trainer'.
export { AdamW } from '../../../packages/trainer/src/adamw.js';
export { clipGradNorm } from '../../../packages/trainer/src/clip.js';
export { encodeCheckpoint } from '../../../packages/trainer/src/checkpoint.js';
export { warmupCosine, type Schedule } from '../../../packages/trainer/src/schedule.js';
