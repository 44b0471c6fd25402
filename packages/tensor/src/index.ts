// @smoe/tensor — the public surface. Browser-safe: nothing here imports Node built-ins; the
// Node entry point (`@smoe/tensor/node`) adds WebGPU through the `webgpu` package.
import './methods.js';

export { Tensor, noGrad, isGradEnabled, record, type DType, type GradNode, type ParameterRole, type Storage, type TensorLike, type NestedArray } from './tensor.js';
export { tensor, scalar, zeros, ones, full, arange, randn, rand, type TensorOptions, type RandomOptions } from './creation.js';
export { Rng, seed, getRng, type RngState } from './rng.js';
export { measureBackends, selectFastestBackend, type BackendTiming } from './auto.js';
export { setBackend, getBackend, isBackendAvailable, registerBackendProbe, backendNames, Backend, type BackendName, type BackendOptions, type KernelThis } from './backend.js';
export { launch, afterInputs, type Launch, type KernelSource, type KernelInput } from './kernel.js';
export { compile, isCompiling, CompiledStep, type CompileOptions, type ExecutorKind, type KernelProfile } from './compile.js';
export { NotCompilableError } from './trace.js';
export { mapElementwise } from './ops/elementwise.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export { sizeOf, formatShape, broadcastShapes } from './shape.js';
export * from './ops/index.js';
export { Module, parameter, init } from './module.js';

import { setAutoSelect } from './backend.js';
import { selectFastestBackend } from './auto.js';
setAutoSelect(async () => (await selectFastestBackend()).backend);
