// Runs inside a consumer install (scripts/consumer.ts): plain JavaScript, the packages as npm
// installed them. Records the bytes of every WebAssembly module the process compiles, runs a
// 512 × 512 matmul on webasm (threads on, the default), checks a few of its values against a
// host dot product, and prints one JSON line: the matmul's modules (base64), the files the
// gpu.js code generator was loaded from, and every package's export names it could import.
// It ends by itself; the test gives it a time limit.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const compiled = [];
const NativeModule = WebAssembly.Module;
WebAssembly.Module = new Proxy(NativeModule, {
  construct(target, args) {
    compiled.push(Buffer.from(args[0] instanceof ArrayBuffer ? new Uint8Array(args[0]) : args[0]).toString('base64'));
    return Reflect.construct(target, args);
  },
});

const tensor = await import('@smoe/tensor/node');
// every entry point of every installed @smoe package ('./testing' needs vitest, a peer left out)
const exportsSeen = {};
for (const folder of readdirSync('node_modules/@smoe')) {
  const manifest = JSON.parse(readFileSync(join('node_modules/@smoe', folder, 'package.json'), 'utf8'));
  for (const subpath of Object.keys(manifest.exports ?? { '.': null })) {
    if (subpath === './package.json' || subpath === './testing') continue;
    const entry = manifest.name + subpath.slice(1);
    exportsSeen[entry] = Object.keys(await import(entry)).length;
  }
}

await tensor.setBackend('webasm');
const n = 512;
const rng = new tensor.Rng(7);
const av = rng.normalArray(n * n);
const bv = rng.normalArray(n * n);
const before = compiled.length;
const c = await tensor.matmul(new tensor.Tensor(av, [n, n]), new tensor.Tensor(bv, [n, n])).data();
const matmulModules = compiled.slice(before);

let worst = 0;
for (const [i, j] of [[0, 0], [1, 511], [255, 3], [511, 511], [300, 200]]) {
  let dot = 0;
  for (let k = 0; k < n; k++) dot += av[i * n + k] * bv[k * n + j];
  worst = Math.max(worst, Math.abs(dot - c[i * n + j]));
}

const require = createRequire(import.meta.url);
const gpujsFiles = Object.keys(require.cache).filter((file) => /[\\/]gpu\.js[\\/](src|dist)[\\/](index|gpu|gpu-browser)[^\\/]*\.js$/.test(file));

console.log(JSON.stringify({ backend: tensor.getBackend().name, async: tensor.getBackend().async, matmulModules, worstError: worst, gpujsFiles, exportsSeen }));
