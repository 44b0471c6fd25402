/**
 * The kernel registry: each kernel's implementation on each backend, keyed by kernel name ×
 * backend name, as tfjs-core's `registerKernel({ kernelName, backendName, kernelFunc })`.
 *
 * An op checks its arguments and records its gradient the same way on every backend; for the
 * arithmetic it looks up its kernel here (`getKernel`). gpu.js compiles the same kernel source
 * for every backend, so an op file registers its gpu.js implementation for all of them in one
 * line (`registerOnEveryBackend`); a backend with an implementation of its own (hand-written
 * WGSL, a native library) registers it under the op's kernel name with `replace: true`, and no
 * op changes. A "kernel" here is what one op computes on one backend, which may launch several
 * gpu.js kernels (matmul's tiled path launches up to four).
 */
import { backendNames, getBackend, type BackendName } from './backend.js';
import type { GroupedMatmulKernel } from './ops/grouped_matmul.js';
import type { MatmulKernel } from './ops/matmul.js';

/** The kernels and their signatures, one line each (the op file defines the signature). */
export interface KernelFunctions {
  matmul: MatmulKernel;
  groupedMatmul: GroupedMatmulKernel;
}

/** A registered kernel's name. */
export type KernelName = keyof KernelFunctions;

/** One kernel on one backend. */
export interface KernelConfig<Name extends KernelName> {
  kernelName: Name;
  backendName: BackendName;
  kernelFunc: KernelFunctions[Name];
}

const kernels = new Map<KernelName, Map<BackendName, KernelFunctions[KernelName]>>();

/** Registers `kernelFunc` as `kernelName` on `backendName` (throws if that pair is taken, unless `replace`). */
export function registerKernel<Name extends KernelName>(config: KernelConfig<Name>, options: { replace?: boolean } = {}): void {
  const { kernelName, backendName, kernelFunc } = config;
  if (!(backendNames as readonly string[]).includes(backendName)) {
    throw new Error(`registerKernel: backendName = '${String(backendName)}' is not a backend; use one of ${backendNames.join(', ')}`);
  }
  if (typeof kernelFunc !== 'function') throw new Error(`registerKernel: the kernelFunc of '${kernelName}' on '${backendName}' must be a function`);
  let byBackend = kernels.get(kernelName);
  if (!byBackend) kernels.set(kernelName, (byBackend = new Map()));
  if (byBackend.has(backendName) && !options.replace) {
    throw new Error(`registerKernel: '${kernelName}' is already registered on backend '${backendName}'; pass { replace: true } to replace it`);
  }
  byBackend.set(backendName, kernelFunc);
}

/** Registers one implementation (a gpu.js one, compiled for whichever backend runs it) on every backend. */
export function registerOnEveryBackend<Name extends KernelName>(kernelName: Name, kernelFunc: KernelFunctions[Name]): void {
  for (const backendName of backendNames) registerKernel({ kernelName, backendName, kernelFunc });
}

/** Removes `kernelName` from `backendName`; returns what was registered (undefined when nothing was). */
export function unregisterKernel<Name extends KernelName>(kernelName: Name, backendName: BackendName): KernelFunctions[Name] | undefined {
  const byBackend = kernels.get(kernelName);
  const kernelFunc = byBackend?.get(backendName) as KernelFunctions[Name] | undefined;
  byBackend?.delete(backendName);
  return kernelFunc;
}

/** The backends `kernelName` is registered on, in `backendNames` order. */
export function registeredBackends(kernelName: KernelName): BackendName[] {
  const byBackend = kernels.get(kernelName);
  return backendNames.filter((name) => byBackend?.has(name));
}

/** The implementation of `kernelName` on `backendName` (default: the current backend); throws when there is none. */
export function getKernel<Name extends KernelName>(kernelName: Name, backendName: BackendName = getBackend().name): KernelFunctions[Name] {
  const kernelFunc = kernels.get(kernelName)?.get(backendName);
  if (!kernelFunc) {
    const registered = registeredBackends(kernelName);
    throw new Error(
      `getKernel: kernel '${kernelName}' has no implementation on backend '${backendName}' ` +
        `(registered on: ${registered.length ? registered.join(', ') : 'no backend'}); ` +
        `register one with registerKernel({ kernelName: '${kernelName}', backendName: '${backendName}', kernelFunc })`,
    );
  }
  return kernelFunc as KernelFunctions[Name];
}
