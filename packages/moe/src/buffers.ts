/**
 * Buffers: the non-parameter state a checkpoint must keep for a run to resume exactly
 * (`Module.buffers()` / `loadBuffers()`, saved by @smoe/trainer's checkpoints) — router state
 * (auxiliary-loss-free bias, StableMoE's stage, the VQ codebook's usage) and the generator of
 * dropout and routing noise. Values are Float32Arrays; a generator's 32-bit words are stored as
 * 16-bit halves, and its cached normal (a float64) as four 16-bit pieces, so float32 holds them
 * exactly.
 */
import type { Router } from '@smoe/routers';
import type { RngState } from '@smoe/tensor';

/** `record` with every key prefixed by `prefix.`. */
export function withPrefix(prefix: string, record: Record<string, Float32Array>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** The entries of `record` under `prefix.`, with the prefix removed. */
export function underPrefix(prefix: string, record: Record<string, Float32Array>): Record<string, Float32Array> {
  const start = `${prefix}.`;
  return Object.fromEntries(Object.entries(record).filter(([k]) => k.startsWith(start)).map(([k, v]) => [k.slice(start.length), v]));
}

/** A router's state (auxiliary-loss-free bias, StableMoE's stage, codebook usage) under `prefix.`; none when it keeps none. */
export async function routerBuffers(prefix: string, router: Router): Promise<Record<string, Float32Array>> {
  return withPrefix(prefix, (await router.routerState?.()) ?? {});
}

/** Restores a router's state from the entries of `state` under `prefix.` (none: nothing to restore). */
export function loadRouterBuffers(where: string, prefix: string, router: Router, state: Record<string, Float32Array>): void {
  const own = underPrefix(prefix, state);
  if (!Object.keys(own).length) return;
  if (!router.loadRouterState) throw new Error(`${where}: the '${router.strategy}' ${prefix} keeps no state, got ${Object.keys(own).join(', ')}`);
  router.loadRouterState(own);
}

/** Throws on names no part of the module claims (a checkpoint of another architecture). */
export function checkBufferNames(where: string, record: Record<string, Float32Array>, prefixes: readonly string[]): void {
  const unknown = Object.keys(record).filter((k) => !prefixes.some((p) => k === p || k.startsWith(`${p}.`)));
  if (unknown.length) throw new Error(`${where}: unexpected buffers ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''}; this model has ${prefixes.join(', ') || 'none'}`);
}

/** A generator state as 13 float32 values. */
export function encodeRngState(state: RngState): Float32Array {
  const out = new Float32Array(13);
  state.words.forEach((w, i) => {
    out[2 * i] = w >>> 16;
    out[2 * i + 1] = w & 0xffff;
  });
  const spare = state.spare ?? null;
  out[8] = spare === null ? 0 : 1;
  new Uint16Array(new Float64Array([spare ?? 0]).buffer).forEach((b, i) => (out[9 + i] = b));
  return out;
}

/** The inverse of `encodeRngState`. */
export function decodeRngState(encoded: Float32Array): RngState {
  if (encoded.length !== 13) throw new Error(`decodeRngState: a generator state holds 13 values, got ${encoded.length}`);
  const words = [0, 1, 2, 3].map((i) => ((encoded[2 * i] << 16) | encoded[2 * i + 1]) >>> 0);
  const spare = encoded[8] === 1 ? new Float64Array(Uint16Array.from(encoded.slice(9, 13)).buffer)[0] : null;
  return { words, spare };
}
